"""Lexicon entries and the matches the automaton produces."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.model import Category, LexiconInfo, Severity


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    id: str                         # stable, e.g. "wording-0003"
    term: str                       # as written by the maintainer (matched after normalisation)
    category: Category
    severity: Severity
    basis: str                      # 法规依据
    suggestion: str = ""            # standard wording / correction / what to do
    note: str = ""                  # why (Chinese), shown as the finding's message
    allow: bool = False             # allow-list entry: suppresses matches it covers
    options: frozenset[str] = field(default_factory=frozenset)
    # options understood by the engine:
    #   "word"            the match must start and end on a jieba word boundary
    #   "context_lower"   prohibitive/reporting context (打击, 整治, 破除…) lowers it to medium
    #   "not_in_title"    quiet inside 《…》 (law and document titles)


@dataclass(frozen=True, slots=True)
class LexiconHit:
    start: int                      # normalised offsets [start, end)
    end: int
    entry: LexiconEntry


@dataclass(frozen=True)
class Lexicon:
    info: LexiconInfo
    entries: tuple[LexiconEntry, ...]
