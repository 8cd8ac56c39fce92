"""The fast lexicon path: the CSV fast path, batch normalisation, lazy entries and the bundle cache."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.errors import LexiconError
from app.lexicon import loader
from app.lexicon.loader import default_lexicon_paths, load_lexicon_file
from app.lexicon.matcher import Matcher
from app.lexicon.model import LazyEntries, LexiconEntry
from app.lexicon.terms import normalize_term, normalize_terms

HEADER = "id,term,category,severity,basis,suggestion,note,allow,options\n"
ROWS = ("x,内部掌握,sensitive_term,high,b,,,,\n"
        "w,台湾政府,wording,medium,第八条,台湾当局,说明,,word|not_in_title\n"
        "a,福利彩票,有害信息,,b,,,是,\n"
        ",赌 博,harmful_content,禁止,,,,否,\n")


def eager(p: Path) -> list[LexiconEntry]:
    """The row-by-row parser, bypassing the fast path."""
    meta: dict[str, str] = {}
    text = loader.decode_text(p, p.read_bytes())
    if p.suffix == ".txt":
        return loader._parse_txt(p, text, meta)
    return loader._parse_table(p, loader.csv_rows(text, meta), meta)


def test_fast_csv_equals_row_parser(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("# name: 测试\n" + HEADER + ROWS, encoding="utf-8")
    lx = load_lexicon_file(p)
    assert isinstance(lx.entries, LazyEntries)
    assert loader._fast_csv(p, p.read_text(encoding="utf-8"), {}) is not None
    assert list(lx.entries) == eager(p) and lx.info.name == "测试" and lx.entries[3].id == "t-6"
    for path in default_lexicon_paths():
        assert list(load_lexicon_file(path).entries) == eager(path), path


def test_unusual_csv_falls_back_with_exact_errors(tmp_path: Path) -> None:
    p = tmp_path / "q.csv"
    p.write_text(HEADER + 'x,"内部\n掌握",sensitive_term,high,b,,,,\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="第2行：词条含换行"):
        load_lexicon_file(p)
    p.write_text(HEADER + 'x,内部掌握,sensitive_term,high,b,"多行\n说明",,,\ny,秘密,sensitive_term,high,b,,,,\n',
                 encoding="utf-8")
    assert [e.suggestion for e in load_lexicon_file(p).entries] == ["多行\n说明", ""]
    p.write_text(HEADER + ROWS + "x,重复,sensitive_term,high,b,,,,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="第6行：编号“x”重复（第2行已使用）"):
        load_lexicon_file(p)


def test_normalize_terms_equals_per_term() -> None:
    rng = random.Random(5)
    alphabet = ([chr(c) for c in range(0x4E00, 0x4E00 + 200)] + list("臺灣後來發展測試乾隆㈠ＡＢａbＺ*·-_ \u3000★☆é1２，。《》（）")
                + ["\u0301", "\u00a0", "\u200b", "𠀀"])
    terms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    terms += [t for p in default_lexicon_paths() for t in load_lexicon_file(p).terms] + ["a\nb", ""]
    assert normalize_terms(terms) == [normalize_term(t) for t in terms]


def test_bundle_hit_miss_corrupt_and_malformed_edit(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    p = tmp_path / "t.csv"
    p.write_text(HEADER + ROWS, encoding="utf-8")
    first = Matcher.load([p], cache_dir=cache)
    assert not first.from_cache and len(list(cache.glob("lexicons-*.bundle"))) == 1
    second = Matcher.load([p], cache_dir=cache)
    assert second.from_cache and second.infos == first.infos
    text = "此件内部掌握，购买福利彩票，台湾政府，网上赌博"
    found = [(h.start, h.end, h.entry) for h in first.find(text)]
    assert [(h.start, h.end, h.entry) for h in second.find(text)] == found and found
    assert list(second.lexicons[0].entries) == list(first.lexicons[0].entries) == eager(p)

    p.write_text(HEADER + ROWS.replace("内部掌握", "内部掌墨"), encoding="utf-8")  # a one-character edit
    third = Matcher.load([p], cache_dir=cache)
    assert not third.from_cache and [h.entry.id for h in third.find("内部掌墨")] == ["x"]

    p.write_text(HEADER + ROWS.replace("high", "hihg", 1), encoding="utf-8")  # malformed: never from cache
    with pytest.raises(LexiconError, match="第2行：未知级别“hihg”"):
        Matcher.load([p], cache_dir=cache)

    p.write_text(HEADER + ROWS, encoding="utf-8")
    assert Matcher.load([p], cache_dir=cache).from_cache
    for bundle in cache.glob("lexicons-*.bundle"):
        data = bundle.read_bytes()
        bundle.write_bytes(data[: len(data) // 2])
    again = Matcher.load([p], cache_dir=cache)
    assert not again.from_cache and [h.entry.id for h in again.find("此件内部掌握")] == ["x"]
    for bundle in cache.glob("lexicons-*.bundle"):
        bundle.write_bytes(b"garbage")
    assert not Matcher.load([p], cache_dir=cache).from_cache
    assert Matcher.load([p], cache_dir=cache).from_cache


def test_renamed_file_is_another_key(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a = tmp_path / "a.csv"
    a.write_text(HEADER + ",内部掌握,sensitive_term,high,b,,,,\n", encoding="utf-8")
    assert Matcher.load([a], cache_dir=cache).lexicons[0].entries[0].id == "a-2"
    b = tmp_path / "b.csv"
    b.write_bytes(a.read_bytes())
    m = Matcher.load([b], cache_dir=cache)
    assert not m.from_cache and m.lexicons[0].entries[0].id == "b-2" and m.infos[0].name == "b"


def test_lazy_entries_equal_eager_from_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    paths = default_lexicon_paths()
    Matcher.load(paths, cache_dir=cache)
    cached = Matcher.load(paths, cache_dir=cache)
    assert cached.from_cache
    for lx, path in zip(cached.lexicons, paths, strict=True):
        entries = eager(path)
        assert lx.entries == entries and list(lx.entries) == entries and len(lx.entries) == len(entries)
        assert list(lx.entries[1:3]) == entries[1:3] and lx.entries[-1] == entries[-1]
        assert list(lx.terms) == [e.term for e in entries]
        assert lx.entries[0] is lx.entries[0]  # memoised
