"""The automaton: normalised variants, allow-list, options, byte path == str path, disk cache."""

from __future__ import annotations

import random
from pathlib import Path

from app.lexicon.loader import load_lexicon_file
from app.lexicon.matcher import Matcher
from app.lexicon.model import Lexicon, LexiconEntry
from app.model import Category, LexiconInfo, Severity
from app.normalize import normalize

HEADER = "id,term,category,severity,basis,suggestion,note,allow,options\n"


def lexicon(tmp_path: Path, rows: str, name: str = "t.csv") -> Lexicon:
    p = tmp_path / name
    p.write_text(HEADER + rows, encoding="utf-8")
    return load_lexicon_file(p)


def terms(matcher: Matcher, original: str) -> list[tuple[str, str]]:
    text = normalize(original).text
    return [(text[h.start:h.end], h.entry.id) for h in matcher.find(text)]


def test_normalised_variants_match(tmp_path: Path) -> None:
    m = Matcher.build([lexicon(tmp_path, "g,网络赌博,harmful_content,block,b,,,,\nt,台湾政府,wording,medium,b,台湾当局,,,\n"
                                          "e,Bet365,harmful_content,block,b,,,,\n")])
    for variant in ("网络赌博", "網絡賭博", "网络赌 博", "网络赌*博", "网络赌·博", "网 络 赌 博"):
        assert [e for _, e in terms(m, f"这是{variant}平台")] == ["g"], variant
    assert [e for _, e in terms(m, "臺灣政府宣布")] == ["t"]
    assert [e for _, e in terms(m, "ＢＥＴ３６５ 注册")] == ["e"]
    assert terms(m, "没有问题的句子") == []


def test_allow_suppresses_same_category_only(tmp_path: Path) -> None:
    m = Matcher.build([lexicon(tmp_path, "h,彩票,harmful_content,high,b,,,,\nw,彩票,wording,low,b,,,,\n"
                                          "a,福利彩票,harmful_content,,b,,,1,\n")])
    found = terms(m, "购买福利彩票，不买私人彩票")
    assert ("福利彩票", "a") in found
    assert ("彩票", "h") in found and ("彩票", "w") in found
    harmful = [t for t in found if t[1] == "h"]
    assert len(harmful) == 1  # the one inside 福利彩票 is suppressed, the wording one is not
    assert sum(1 for t in found if t[1] == "w") == 2


def test_word_option_uses_jieba_boundaries(tmp_path: Path) -> None:
    m = Matcher.build([lexicon(tmp_path, "n,北韩,wording,medium,b,朝鲜,,,word\nr,回教,wording,medium,b,,,,word\n")])
    assert [e for _, e in terms(m, "北韩宣布发射卫星")] == ["n"]
    assert terms(m, "河北韩国商会成立") == []
    assert terms(m, "学生返回教室上课") == []
    assert [e for _, e in terms(m, "信仰回教的群众")] == ["r"]


def test_not_in_title(tmp_path: Path) -> None:
    m = Matcher.build([lexicon(tmp_path, "d,讨论稿,sensitive_term,medium,b,,,,not_in_title\n")])
    assert terms(m, "印发《规划（讨论稿）》的通知") == []
    assert [e for _, e in terms(m, "附件为讨论稿，请勿外传") ] == ["d"]
    assert [e for _, e in terms(m, "》讨论稿《")] == ["d"]


def test_byte_path_equals_str_path_on_random_text(tmp_path: Path) -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 60)] + list("ab1，。《》𠀀é ")
    words = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))).strip() for _ in range(300)} - {""})
    rows = "".join(f"k{i},\"{w}\",sensitive_term,high,b,,,,\n" for i, w in enumerate(words))
    m = Matcher.build([lexicon(tmp_path, rows)])
    for _ in range(20):
        text = normalize("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))).text
        by_bytes = [(h.start, h.end, h.entry.id) for h in m.find(text)]
        by_str = [(h.start, h.end, h.entry.id) for h in m.find(text, use_bytes=False)]
        assert by_bytes == by_str
        for s, e, eid in by_bytes:
            assert normalize(m.entry(int(eid[1:])).term).text.strip() == text[s:e]
    assert [(h.start, h.end) for h in m.find("ab ab")] == [(h.start, h.end) for h in m.find("ab ab", use_bytes=False)]


def test_cache_hit_miss_and_corrupt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    lx = lexicon(tmp_path, "x,内部掌握,sensitive_term,high,b,,,,\n")
    first = Matcher.build([lx], cache_dir=cache)
    assert not first.from_cache
    files = list(cache.glob("lexicon-*.ac"))
    assert len(files) == 1
    second = Matcher.build([lx], cache_dir=cache)
    assert second.from_cache and [h.entry.id for h in second.find("此件内部掌握")] == ["x"]
    files[0].write_bytes(b"garbage")
    third = Matcher.build([lx], cache_dir=cache)
    assert not third.from_cache and [h.entry.id for h in third.find("此件内部掌握")] == ["x"]
    assert Matcher.build([lx], cache_dir=cache).from_cache
    changed = lexicon(tmp_path, "x,内部口径,sensitive_term,high,b,,,,\n", name="t.csv")
    fourth = Matcher.build([changed], cache_dir=cache)
    assert not fourth.from_cache and [h.entry.id for h in fourth.find("按内部口径答复")] == ["x"]


def test_empty_and_shared_terms() -> None:
    empty = Matcher.build([])
    assert empty.find("任何文本") == [] and empty.infos == ()
    e1 = LexiconEntry("a", "标底", Category.SENSITIVE_TERM, Severity.HIGH, "b")
    e2 = LexiconEntry("b", "標底", Category.WORDING, Severity.LOW, "b")
    m = Matcher.build([Lexicon(LexiconInfo("x", "1", "0" * 64, 2), (e1, e2))])
    assert [h.entry.id for h in m.find("公布标底")] == ["a", "b"]
