"""Editing a draft pack's rule vocabularies (the optional `rules` section, app.lexicon.rule_params)
for the lexicon editor's 规则词表 page: pure functions on the draft returning a new unsigned draft.

A vocabulary the draft does not carry is the bundled one. Editing it (adding, changing or deleting
a word) first copies the bundled values into the draft — a pack's vocabulary *replaces* the bundled
one, so a pack with one new spam morpheme must carry all the others too. `use_bundled` removes the
draft's own vocabulary again. Every change is checked as `RuleParams.from_json` checks a pack
(word length, weight range) and more strictly (no empty or duplicate word after normalisation, a
known spam group); a refusal raises RuleEditError with a Chinese message and changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from app.lexicon.rule_params import MAX_WORD_CHARS, MAX_WORDS, WORD_LISTS, RuleParams, SpamMorpheme
from app.packs.errors import PackInputError
from app.packs.format import Pack

SPAM = "spam_morphemes"
VOCABULARIES: tuple[str, ...] = (*WORD_LISTS, SPAM)
VOCABULARY_LABELS: dict[str, str] = {"indicators": "指标词", "strong_cues": "强提示词", "weak_cues": "弱提示词",
                                     "prohibitive_words": "禁止性用语", SPAM: "垃圾信息词素"}
#: spam morpheme groups (lexicons/spam/morphemes.csv) and their Chinese names
SPAM_GROUPS: dict[str, str] = {"porn": "色情站用词", "gamble": "赌博站用词", "lottery": "开奖类垃圾信息",
                               "site": "站点栏目用词", "label": "地区标签", "legit": "正当用语"}
MIN_WEIGHT, MAX_WEIGHT = -10, 10      # as RuleParams.from_json accepts
BUNDLED, OWN = "bundled", "pack"
SOURCE_LABELS = {BUNDLED: "使用内置词表", OWN: "本词库包自带"}


class RuleEditError(PackInputError):
    code = "rule_invalid"


@dataclass(frozen=True, slots=True)
class VocabWord:
    """One row of a vocabulary: a word; for spam morphemes also its group and weight."""

    term: str
    group: str = ""
    weight: int = 0


@cache
def _bundled() -> RuleParams:
    from app.packs.editor import bundled_rule_params

    return bundled_rule_params()


def _check_name(name: str) -> None:
    if name not in VOCABULARIES:
        raise RuleEditError(f"未知的规则词表“{name}”（应为 {'、'.join(VOCABULARIES)}）。")


def vocabulary_source(pack: Pack, name: str) -> str:
    """OWN when the draft carries this vocabulary, else BUNDLED."""
    _check_name(name)
    return OWN if pack.rules is not None and getattr(pack.rules, name) is not None else BUNDLED


def vocabulary_words(pack: Pack, name: str) -> tuple[VocabWord, ...]:
    """The words the rules would use with this draft: its own, or the bundled ones."""
    _check_name(name)
    values = getattr(pack.rules, name) if pack.rules is not None else None
    if values is None:
        values = getattr(_bundled(), name) or ()
    if name == SPAM:
        return tuple(VocabWord(m.term, m.group, m.weight) for m in values)
    return tuple(VocabWord(w) for w in values)


def filter_words(words: Sequence[VocabWord], query: str = "", group: str = "") -> list[int]:
    """Indices of the words containing `query` (case-folded) and, when given, of `group`."""
    q = query.strip().casefold()
    return [i for i, w in enumerate(words) if (not q or q in w.term.casefold()) and (not group or w.group == group)]


def _norm(term: str) -> str:
    from app.normalize import normalize

    return normalize(term.strip()).text.replace(" ", "")


def word_problem(name: str, word: VocabWord, others: Sequence[VocabWord]) -> str:
    """Why `word` cannot go into vocabulary `name` beside `others` (Chinese), or ''."""
    _check_name(name)
    term = word.term
    if not term.strip():
        return "词语不能为空。"
    if term != term.strip():
        return "词语首尾不能有空白。"
    if len(term) > MAX_WORD_CHARS:
        return f"词语“{term[:20]}…”过长（每个不超过 {MAX_WORD_CHARS} 字）。"
    norm = _norm(term)
    if not norm:
        return f"词语“{term}”规范化后为空（只有标点或不可见字符），规则无法使用。"
    if name == SPAM:
        if word.group not in SPAM_GROUPS:
            return f"类别“{word.group}”未知（应为 {'、'.join(f'{k}（{v}）' for k, v in SPAM_GROUPS.items())}）。"
        if isinstance(word.weight, bool) or not isinstance(word.weight, int) \
                or not MIN_WEIGHT <= word.weight <= MAX_WEIGHT:
            return f"权重应为 {MIN_WEIGHT}…{MAX_WEIGHT} 的整数。"
    elif word.group or word.weight:
        return f"{VOCABULARY_LABELS[name]}只有词语，没有类别和权重。"
    for other in others:
        if _norm(other.term) == norm:
            same = "已在" if other.term == term else f"与已有的“{other.term}”规范化后相同，已在"
            return f"“{term}”{same}{VOCABULARY_LABELS[name]}中。"
    if len(others) >= MAX_WORDS:
        return f"{VOCABULARY_LABELS[name]}最多 {MAX_WORDS} 个词语。"
    return ""


def _with_words(pack: Pack, name: str, words: Sequence[VocabWord] | None) -> Pack:
    """The draft with vocabulary `name` set to `words` (None: the bundled one), checked as a pack
    is read (RuleParams.from_json on the section as it will be written)."""
    base = pack.rules or RuleParams()
    values: dict[str, Any] = {n: getattr(base, n) for n in VOCABULARIES}
    if words is None:
        values[name] = None
    elif name == SPAM:
        values[name] = tuple(SpamMorpheme(w.term, w.group, w.weight) for w in words)
    else:
        values[name] = tuple(w.term for w in words)
    params = RuleParams(**values, source=base.source)
    rules: RuleParams | None = None
    if not params.empty:
        try:
            rules = RuleParams.from_json(params.to_json(), base.source)
        except ValueError as exc:
            raise RuleEditError(str(exc)) from None
    return replace(pack, rules=rules, signature=None, sha256="", raw_body=None)


def add_word(pack: Pack, name: str, word: VocabWord) -> Pack:
    """The draft with `word` added to vocabulary `name` (a bundled vocabulary is copied first)."""
    words = vocabulary_words(pack, name)
    problem = word_problem(name, word, words)
    if problem:
        raise RuleEditError(problem)
    return _with_words(pack, name, [*words, word])


def _index(words: Sequence[VocabWord], term: str, name: str) -> int:
    for i, w in enumerate(words):
        if w.term == term:
            return i
    raise RuleEditError(f"{VOCABULARY_LABELS[name]}中没有“{term}”。")


def edit_word(pack: Pack, name: str, term: str, word: VocabWord) -> Pack:
    """The draft with the word `term` of vocabulary `name` replaced by `word`."""
    words = list(vocabulary_words(pack, name))
    i = _index(words, term, name)
    problem = word_problem(name, word, words[:i] + words[i + 1:])
    if problem:
        raise RuleEditError(problem)
    words[i] = word
    return _with_words(pack, name, words)


def delete_word(pack: Pack, name: str, term: str) -> Pack:
    """The draft without the word `term` in vocabulary `name`."""
    words = list(vocabulary_words(pack, name))
    del words[_index(words, term, name)]
    return _with_words(pack, name, words)


def own_from_bundled(pack: Pack, name: str) -> Pack:
    """The draft carrying the bundled values of vocabulary `name` as its own (to edit them)."""
    _check_name(name)
    return _with_words(pack, name, list(vocabulary_words(replace(pack, rules=None), name)))


def use_bundled(pack: Pack, name: str) -> Pack:
    """The draft without its own vocabulary `name`: the rules use the bundled one again."""
    _check_name(name)
    return _with_words(pack, name, None)


def rules_summary(pack: Pack) -> list[str]:
    """One Chinese line per vocabulary: its name, where it comes from and how many words."""
    return [f"{VOCABULARY_LABELS[n]}：{SOURCE_LABELS[vocabulary_source(pack, n)]}，"
            f"{len(vocabulary_words(pack, n))} 个" for n in VOCABULARIES]
