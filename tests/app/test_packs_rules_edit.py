"""Editing a draft's rule vocabularies (app.packs.rules_edit): a new spam morpheme built, signed
and installed into a real data directory makes a real scan flag text only it makes spam; what is
refused and why; a bundled vocabulary copied before it is edited, and given back; the diff lists
the words."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ledger import Ledger
from app.packs.editor import build_signed, bundled_pack, with_entries
from app.packs.format import Manifest, Vector, read_pack
from app.packs.rules_edit import (
    BUNDLED,
    OWN,
    SPAM,
    RuleEditError,
    VocabWord,
    add_word,
    delete_word,
    edit_word,
    filter_words,
    own_from_bundled,
    use_bundled,
    vocabulary_source,
    vocabulary_words,
)
from app.scan import Engine
from tests.stations import KEY_PASSWORD, bureau_station

FIRST = Manifest("bureau", "1", "市保密局")
SPAM_TEXT = "抢庄牛牛_棋牌_盘口_赔率\n"     # 棋牌, 盘口, 赔率 are weak: without a strong morpheme no spam


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A data directory with its 保密管理员 that trusts the bureau's key (tests/stations.py)."""
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    return bureau_station(tmp_path)


def _harmful(home: Path | None, text: str, tmp_path: Path) -> list[str]:
    doc = tmp_path / "page.txt"
    doc.write_text(text, encoding="utf-8")
    return [f.text for f in Engine.load(data_dir=home).scan_file(doc).findings if f.category.value == "harmful_content"]


def test_new_spam_morpheme_built_signed_installed_flags_a_real_scan(station, tmp_path: Path) -> None:
    from app.packs.diff import diff_lines, diff_packs
    from app.packs.service import install

    home, key = station
    assert _harmful(home, SPAM_TEXT, tmp_path) == []
    first = bundled_pack(FIRST)
    draft = add_word(first, SPAM, VocabWord("抢庄牛牛", "gamble", 3))
    assert draft.rules is not None and draft.rules.spam_morphemes is not None
    assert draft.rules.spam_morphemes[-1].to_json() == {"term": "抢庄牛牛", "group": "gamble", "weight": 3}
    assert draft.signature is None and draft.raw_body is None
    draft = with_entries(draft, draft.entries, [Vector(SPAM_TEXT.strip(), "harmful_content")])
    out = tmp_path / "bureau-1.signed.json"
    steps = list(build_signed(draft, key, KEY_PASSWORD, out, home))
    assert steps[-1].path == out
    signed = read_pack(out)
    assert signed.rules == draft.rules                                   # as RuleParams.from_json reads it back
    with Ledger.open(home) as ledger:
        pack, _notes = install(ledger, out.read_bytes(), home)
    assert pack.label == "bureau 1"
    assert _harmful(home, SPAM_TEXT, tmp_path) == ["抢庄牛牛_棋牌_盘口_赔率"]
    assert _harmful(home, "棋牌_盘口_赔率\n", tmp_path) == []
    lines = diff_lines(first, signed, diff_packs(first, signed))
    assert "~ 规则参数（rules）有变化" in lines and "  ~ 垃圾信息词素" in lines
    assert "    + “抢庄牛牛”（赌博站用词，权重 3）" in lines
    assert not any("指标词" in line for line in lines)                   # unchanged vocabularies not listed
    # a vector that needs the morpheme refuses the build once it is taken out again
    without = delete_word(draft, SPAM, "抢庄牛牛")
    from app.packs.errors import PackCheckError

    with pytest.raises(PackCheckError, match="测试用例未通过"):
        list(build_signed(without, key, KEY_PASSWORD, tmp_path / "bad.json", home))
    assert not (tmp_path / "bad.json").exists()


def test_refusals_are_in_chinese_and_change_nothing() -> None:
    draft = bundled_pack(FIRST)
    cases = [
        (SPAM, VocabWord("无码", "porn", 3), "已在垃圾信息词素中"),
        (SPAM, VocabWord("ＢＯＣＡＩ网", "gamble", 3), ""),                     # fine (checked below)
        (SPAM, VocabWord("新词素", "casino", 3), "类别“casino”未知"),
        (SPAM, VocabWord("新词素", "gamble", 11), "权重应为 -10…10 的整数"),
        (SPAM, VocabWord("新词素", "gamble", True), "权重应为"),
        (SPAM, VocabWord("", "gamble", 3), "不能为空"),
        (SPAM, VocabWord(" 新词素", "gamble", 3), "首尾不能有空白"),
        ("indicators", VocabWord("产" * 65), "过长"),
        ("indicators", VocabWord("\u200b\u00ad"), "规范化后为空"),
        ("indicators", VocabWord("蜂蜜产量", "gamble", 2), "只有词语"),
        ("strong_cues", VocabWord("內部初算"), ""),
        ("nonsense", VocabWord("x"), "未知的规则词表"),
    ]
    for name, word, message in cases:
        if not message:
            changed = add_word(draft, name, word)
            assert word.term in [w.term for w in vocabulary_words(changed, name)]
            with pytest.raises(RuleEditError, match="规范化后相同"):   # the same word, another spelling
                add_word(changed, name, VocabWord(word.term.lower() if name == SPAM else "内部初算",
                                                  word.group, word.weight))
            continue
        with pytest.raises(RuleEditError, match=message):
            add_word(draft, name, word)
    # edit: onto another word refused; a weight change accepted; the word itself may stay
    with pytest.raises(RuleEditError, match="已在"):
        edit_word(draft, SPAM, "无码", VocabWord("有码", "porn", 3))
    changed = edit_word(draft, SPAM, "无码", VocabWord("无码", "porn", 2))
    assert next(w for w in vocabulary_words(changed, SPAM) if w.term == "无码").weight == 2
    with pytest.raises(RuleEditError, match="没有“不存在”"):
        delete_word(draft, SPAM, "不存在")
    assert vocabulary_words(draft, SPAM) == vocabulary_words(bundled_pack(FIRST), SPAM)   # draft untouched


def test_bundled_vocabulary_is_copied_before_an_edit_and_can_be_given_back() -> None:
    spelled = bundled_pack(FIRST)
    assert all(vocabulary_source(spelled, n) == OWN for n in ("indicators", SPAM))
    bundled = vocabulary_words(spelled, "indicators")
    plain = use_bundled(spelled, "indicators")
    assert vocabulary_source(plain, "indicators") == BUNDLED and plain.rules is not None
    assert plain.rules.indicators is None and vocabulary_words(plain, "indicators") == bundled
    added = add_word(plain, "indicators", VocabWord("蜂蜜产量"))
    assert vocabulary_source(added, "indicators") == OWN
    assert vocabulary_words(added, "indicators") == (*bundled, VocabWord("蜂蜜产量"))   # nothing bundled lost
    nothing = spelled
    for name in ("indicators", "strong_cues", "weak_cues", "prohibitive_words", SPAM):
        nothing = use_bundled(nothing, name)
    assert nothing.rules is None and "rules" not in nothing.body()         # no empty section written
    again = own_from_bundled(nothing, SPAM)
    assert again.rules is not None and again.rules.to_json().keys() == {SPAM}
    assert vocabulary_words(again, SPAM) == vocabulary_words(spelled, SPAM)
    words = vocabulary_words(spelled, SPAM)
    gamble = filter_words(words, group="gamble")
    assert gamble and all(words[i].group == "gamble" for i in gamble)
    assert [words[i].term for i in filter_words(words, "百家")] == ["百家乐"]
