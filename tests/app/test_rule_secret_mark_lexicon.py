"""lexicons/secret_mark.csv: term vocabulary and the allow entries that keep regulation text quiet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.model import Category

CSV = Path(__file__).resolve().parents[2] / "lexicons" / "secret_mark.csv"


Finder = Callable[[str], list[tuple[str, str]]]


@pytest.fixture(scope="module")
def marks() -> Finder:
    loader = pytest.importorskip("app.lexicon.loader", reason="lexicon engine not in this checkout")
    matcher_mod = pytest.importorskip("app.lexicon.matcher", reason="lexicon engine not in this checkout")
    from app.normalize import normalize

    lexicon = loader.load_lexicon_file(CSV)
    matcher = matcher_mod.Matcher.build([lexicon], cache_dir=None)

    def find(text: str) -> list[tuple[str, str]]:
        norm = normalize(text)
        return [(norm.text[h.start:h.end], h.entry.severity.value) for h in matcher.find(norm.text)
                if not h.entry.allow and h.entry.category is Category.SECRET_MARK]
    return find


def test_file_loads_with_name_version_and_allow_entries() -> None:
    loader = pytest.importorskip("app.lexicon.loader", reason="lexicon engine not in this checkout")
    lexicon = loader.load_lexicon_file(CSV)
    assert lexicon.info.name == "密级标志" and lexicon.info.version != "unversioned"
    assert all(e.category is Category.SECRET_MARK for e in lexicon.entries)
    assert any(e.allow for e in lexicon.entries) and any(not e.allow for e in lexicon.entries)
    assert len({e.id for e in lexicon.entries}) == len(lexicon.entries)


@pytest.mark.parametrize("text, term", [
    ("本件属工作秘密，请妥善保管。", "工作秘密"),
    ("此件不公开", "此件不公开"),
    ("内部资料 注意保存", "内部资料注意保存"),
    ("本材料仅供内部参考。", "仅供内部参考"),
    ("內部資料，請勿外傳", "内部资料"),               # traditional characters
])
def test_marks_are_found(marks: Finder, text: str, term: str) -> None:
    assert term in [t for t, _ in marks(text)]


def test_work_secret_is_blocking(marks: Finder) -> None:
    assert ("工作秘密", "block") in marks("本件属工作秘密")


@pytest.mark.parametrize("text", [
    "对可能涉及国家秘密、商业秘密、个人隐私的信息进行保密审查。",
    "不得泄露国家秘密和工作秘密。",
    "涉及国家秘密和依法保护的工作秘密、商业秘密、个人隐私的除外。",
    "属于工作秘密的事项不予公开。",
    "工作人员应当保守工作秘密。",
    "涉及工作秘密的文件按规定管理。",
    "加强内部资料性出版物管理。",
    "严禁将内部文件上网。",
    "依据《中华人民共和国保守国家秘密法》。",
    "对当前不宜公开的信息，暂缓发布。",
])
def test_regulation_text_stays_quiet(marks: Finder, text: str) -> None:
    assert [t for t, sev in marks(text) if sev in ("block", "high")] == []
