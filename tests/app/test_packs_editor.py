"""The editor's core (app.packs.editor): the bundled lexicons as the first pack scan exactly like
the bundled lexicons, filtering, trying a term on a sentence, building + signing a draft."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.packs.editor import (
    BUREAU,
    LOCAL,
    EditorEntry,
    EntryIndex,
    bundled_pack,
    bundled_rule_params,
    draft_engine,
    filter_entries,
    next_version,
    try_term,
    with_entries,
)
from app.packs.errors import PackCheckError, PackInputError
from app.packs.format import Manifest, PackEntry, Vector, read_pack
from app.scan import Engine, expand_paths
from tests.conftest import shared_path

FIRST = Manifest("bureau", "1", "市保密局")


def _key(f):  # what a finding is, independent of which lexicon file it came from
    return (f.category.value, f.severity.value, f.text, f.start, f.message)


def test_bundled_lexicons_as_first_pack_scan_like_the_bundled_lexicons(tmp_path: Path) -> None:
    docs = [p for p in expand_paths([shared_path("eval", "corpus")]) if not p.endswith(".json")]
    bundled = Engine.load(cache_dir=tmp_path)
    first = draft_engine(bundled_pack(FIRST))
    assert first.params is not None and first.params == bundled_rule_params()
    from app.errors import ReadError
    from app.ocr.options import OcrOptions
    from app.readers import read_document

    compared = 0
    for path in docs:
        try:
            doc = read_document(path, ocr=OcrOptions("off"))  # each document read once, no OCR (slow)
        except ReadError:
            continue
        a, b = bundled.scan_document(doc), first.scan_document(doc)
        assert [_key(f) for f in a.findings] == [_key(f) for f in b.findings], path
        compared += len(a.findings)
    assert compared > 20


def test_filter_by_text_category_severity_and_layer() -> None:
    rows = [EditorEntry(BUREAU, PackEntry("b-1", "蓝鲸计划", "sensitive_term", "high", "依据甲")),
            EditorEntry(BUREAU, PackEntry("b-2", "再接再厉", "typo", "low", allow=True, reason="正确写法")),
            EditorEntry(LOCAL, PackEntry("local-00001", "青松项目", "sensitive_term", "medium", note="本单位"))]
    assert [r.entry.id for r in filter_entries(rows, query="依据甲")] == ["b-1"]
    assert [r.entry.id for r in filter_entries(rows, query="正确")] == ["b-2"]
    assert [r.entry.id for r in filter_entries(rows, category="sensitive_term")] == ["b-1", "local-00001"]
    assert [r.entry.id for r in filter_entries(rows, category="allow")] == ["b-2"]
    assert [r.entry.id for r in filter_entries(rows, severity="medium")] == ["local-00001"]
    assert [r.entry.id for r in filter_entries(rows, layer=LOCAL)] == ["local-00001"]
    assert filter_entries(rows, query="蓝鲸", layer=LOCAL) == []
    index = EntryIndex(rows)             # the window's fast path gives the same rows
    for args in (("",), ("依据甲",), ("正确",), ("", "sensitive_term"), ("", "allow"), ("", "", "medium"),
                 ("", "", "", LOCAL), ("蓝鲸", "", "", LOCAL), ("B-", ), ("本单位", "sensitive_term", "medium", LOCAL)):
        assert [rows[i] for i in index.select(*args)] == filter_entries(rows, *args), args


def test_try_term_shows_normalised_forms_options_and_nothing_for_an_empty_term() -> None:
    trial = try_term(PackEntry("", "ＡＢＣ計劃", "sensitive_term", "high"), "参与了abc 计划的单位")
    assert trial.term_normalised == "abc计划" and [m.text for m in trial.matches] == ["abc 计划"]
    # "word": the match must sit on word boundaries (北韩 inside 东北韩国…)
    word = PackEntry("", "北韩", "wording", "low", options=("word",))
    assert try_term(word, "北韩局势").matches and not try_term(word, "东北韩国料理店").matches
    empty = try_term(PackEntry("", "\u200b\u00ad", "sensitive_term", "high"), "任何句子")
    assert empty.problem and not empty.matches


def test_build_signed_checks_then_signs_and_refuses_failing_vectors(tmp_path: Path) -> None:
    from app.packs.editor import build_signed
    from app.packs.signing import keygen, signature_valid

    key, _, _ = keygen(tmp_path / "k", "key-pass-1")
    draft = with_entries(bundled_pack(FIRST), [PackEntry("bureau-1", "蓝鲸计划", "sensitive_term", "high", "依据")],
                         [Vector("本单位参与蓝鲸计划。", "sensitive_term", "high")], [Vector("今天天气很好。")])
    steps = list(build_signed(draft, key, "key-pass-1", tmp_path / "out.json"))
    assert steps[-1].path == tmp_path / "out.json" and steps[-1].pack is not None
    signed = read_pack(tmp_path / "out.json")
    assert signature_valid(signed) and signed.sha256 == steps[-1].pack.sha256
    assert signed.rules == bundled_rule_params()
    failing = with_entries(draft, draft.entries, [Vector("这里没有敏感词。", "sensitive_term")])
    with pytest.raises(PackCheckError, match="测试用例未通过"):
        list(build_signed(failing, key, "key-pass-1", tmp_path / "bad.json"))
    assert not (tmp_path / "bad.json").exists()
    with pytest.raises(PackCheckError):
        list(build_signed(draft, key, "wrong-pass", tmp_path / "bad.json"))
    duplicate = with_entries(draft, [*draft.entries, PackEntry("bureau-2", "蓝鲸 计划", "sensitive_term", "high")])
    with pytest.raises(PackInputError, match="重复"):
        list(build_signed(duplicate, key, "key-pass-1", tmp_path / "bad.json"))
    assert not (tmp_path / "bad.json").exists()
    from dataclasses import replace

    reserved = with_entries(draft, draft.entries, manifest=replace(draft.manifest, id="LOCAL"))
    with pytest.raises(PackInputError, match="保留名"):
        list(build_signed(reserved, key, "key-pass-1", tmp_path / "bad.json"))
    assert not (tmp_path / "bad.json").exists()
    assert next_version("2026.9") == "2026.10" and next_version("3") == "4"
