"""The data-driven parameters of the rules: the vocabularies the unpublished-statistic rule reads
(indicators, strong and weak cues), the prohibitive words that lower a lexicon hit or silence spam,
and the spam morphemes with their weights.

The bundled values live with the rules (`app/rules/stat_vocab.py`, `app/rules/lexicon_rule.py`,
`lexicons/spam/morphemes.csv`). A lexicon pack may carry its own (the optional `rules` section,
docs/lexicon-packs.md): each vocabulary it carries *replaces* the bundled one; a vocabulary it
leaves out stays bundled. The engine hands the result to every rule through `ScanContext.params`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

#: The vocabularies a pack's `rules` section may carry (lists of words), besides `spam_morphemes`.
WORD_LISTS = ("indicators", "strong_cues", "weak_cues", "prohibitive_words")
SECTION_KEYS = frozenset((*WORD_LISTS, "spam_morphemes"))
MAX_WORD_CHARS = 64
MAX_WORDS = 100_000


@dataclass(frozen=True, slots=True)
class SpamMorpheme:
    term: str        # as written (normalised when the table is built)
    group: str       # porn, gamble, lottery, site, label, legit
    weight: int      # 3 strong … negative for legitimate words

    def to_json(self) -> dict[str, Any]:
        return {"term": self.term, "group": self.group, "weight": self.weight}


@dataclass(frozen=True)
class RuleParams:
    """Rule vocabularies; a field left None means "the bundled one"."""

    indicators: tuple[str, ...] | None = None
    strong_cues: tuple[str, ...] | None = None
    weak_cues: tuple[str, ...] | None = None
    prohibitive_words: tuple[str, ...] | None = None
    spam_morphemes: tuple[SpamMorpheme, ...] | None = None
    source: str = field(default="", compare=False)   # e.g. "bureau 2026.2", for messages

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in SECTION_KEYS)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: list(getattr(self, name)) for name in WORD_LISTS
                               if getattr(self, name) is not None}
        if self.spam_morphemes is not None:
            out["spam_morphemes"] = [m.to_json() for m in self.spam_morphemes]
        return out

    @staticmethod
    def from_json(data: object, source: str = "") -> RuleParams:
        """ValueError (Chinese) naming the first malformed member."""
        if not isinstance(data, dict) or not data.keys() <= SECTION_KEYS:
            unknown = "、".join(sorted(set(data) - SECTION_KEYS)) if isinstance(data, dict) else "（不是对象）"
            raise ValueError(f"规则参数（rules）含未知字段：{unknown}")
        values: dict[str, Any] = {}
        for name in WORD_LISTS:
            if name in data:
                values[name] = _words(data[name], name)
        if "spam_morphemes" in data:
            items = data["spam_morphemes"]
            if not isinstance(items, list) or len(items) > MAX_WORDS:
                raise ValueError("规则参数 spam_morphemes 应为列表")
            morphemes = []
            for i, m in enumerate(items, start=1):
                if not isinstance(m, dict) or m.keys() != {"term", "group", "weight"} \
                        or not isinstance(m["term"], str) or not isinstance(m["group"], str) \
                        or not isinstance(m["weight"], int) or isinstance(m["weight"], bool) \
                        or not m["term"].strip() or len(m["term"]) > MAX_WORD_CHARS or not -10 <= m["weight"] <= 10:
                    raise ValueError(f"规则参数 spam_morphemes 第 {i} 项无效（应有 term、group、weight，权重 -10…10）")
                morphemes.append(SpamMorpheme(m["term"], m["group"], m["weight"]))
            values["spam_morphemes"] = tuple(morphemes)
        return RuleParams(**values, source=source)

    def over(self, base: RuleParams) -> RuleParams:
        """These parameters on top of `base` (each vocabulary given here replaces base's)."""
        values = {name: getattr(self, name) if getattr(self, name) is not None else getattr(base, name)
                  for name in SECTION_KEYS}
        return RuleParams(**values, source=self.source or base.source)

    # --- what the rules use (compiled once per parameter set) ---------------------------------

    @cached_property
    def indicator_re(self) -> re.Pattern[str]:
        from app.rules import stat_vocab

        return stat_vocab.INDICATOR_RE if self.indicators is None else _alternation(self.indicators)

    @cached_property
    def strong_cue_re(self) -> re.Pattern[str]:
        from app.rules import stat_vocab

        return stat_vocab.STRONG_CUE_RE if self.strong_cues is None else _alternation(self.strong_cues)

    @cached_property
    def cue_re(self) -> re.Pattern[str]:
        from app.rules import stat_vocab

        if self.strong_cues is None and self.weak_cues is None:
            return stat_vocab.CUE_RE
        strong = stat_vocab.STRONG_CUES if self.strong_cues is None else self.strong_cues
        weak = stat_vocab.WEAK_CUES if self.weak_cues is None else self.weak_cues
        return _alternation((*strong, *weak))

    @cached_property
    def prohibitive_re(self) -> re.Pattern[str]:
        from app.rules import lexicon_rule

        if self.prohibitive_words is None:
            return lexicon_rule.PROHIBITIVE_RE
        words = normalised_words(self.prohibitive_words)
        return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)) or r"(?!)")

    @cached_property
    def spam_table(self) -> tuple[dict[str, Any], re.Pattern[str]]:
        """(normalised morpheme → app.rules.spam.Morpheme, alternation) for the spam rule."""
        from app.rules import spam

        if self.spam_morphemes is None:
            return spam.bundled_table()
        return spam.build_table([(m.term, m.group, m.weight) for m in self.spam_morphemes])


def _words(value: object, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_WORDS \
            or not all(isinstance(w, str) and w.strip() and len(w) <= MAX_WORD_CHARS for w in value):
        raise ValueError(f"规则参数 {name} 应为非空词语的列表（每个不超过 {MAX_WORD_CHARS} 字）")
    return tuple(value)


def normalised_words(words: Sequence[str]) -> tuple[str, ...]:
    """Words as the rules see text (app.normalize: simplified, lower case, half-width)."""
    from app.normalize import normalize

    return tuple(dict.fromkeys(n for w in words if (n := normalize(w.strip()).text)))


def _alternation(words: Sequence[str]) -> re.Pattern[str]:
    from app.rules.common import any_of

    normal = normalised_words(words)
    return re.compile(any_of(normal)) if normal else re.compile(r"(?!)")


@cache
def bundled_params() -> RuleParams:
    """The rules' own vocabularies (every field None: each rule uses its bundled value)."""
    return RuleParams()
