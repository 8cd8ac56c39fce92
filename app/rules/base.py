"""What a rule is: it reads a `ScanContext` and yields `Hit`s in normalised coordinates.

The scan pipeline (app/scan.py) maps hits back to the original text, builds `Finding`s (exact
original text, context, location, id) and removes duplicates. Rules never build findings
themselves and never touch files.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING, Protocol

from app.doc_kind import DEFAULT_KIND, DocKind
from app.model import Category, Document, Segment, Severity
from app.normalize import NormalizedText

if TYPE_CHECKING:
    from app.lexicon.model import LexiconHit
    from app.lexicon.rule_params import RuleParams

# Sentence ends in normalised text (NFKC has turned ，；：！？ into , ; : ! ?).
SENTENCE_ENDS = frozenset("。!?;\n")
CLAUSE_ENDS = frozenset("。!?;\n,，、:")


@dataclass(frozen=True, slots=True)
class Hit:
    start: int                  # normalised offsets [start, end)
    end: int
    category: Category
    severity: Severity
    rule: str                   # e.g. "secret_mark.classification", or a lexicon entry id
    basis: str                  # 法规依据, e.g. "兴义市门户网站信息发布管理和问责制度 第八条(一)"
    message: str                # Chinese: what is wrong
    suggestion: str = ""        # Chinese: what to do, or the standard wording


@dataclass(frozen=True)
class ScanContext:
    document: Document
    norm: NormalizedText
    lexicon_hits: tuple[LexiconHit, ...] = ()
    kind: DocKind = DEFAULT_KIND     # what the document is (app/doc_kind.py), set by the pipeline
    params: RuleParams | None = None  # the active pack's rule vocabularies (None: the bundled ones)

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def vocab(self) -> RuleParams:
        """The rule vocabularies to use (app.lexicon.rule_params)."""
        if self.params is not None:
            return self.params
        from app.lexicon.rule_params import bundled_params

        return bundled_params()

    def allowed(self, category: Category, start: int, end: int) -> bool:
        """True when an allow-list entry of `category` covers the normalised span [start, end)
        (O(log n): a bisection in the allow spans of that category, see `_allow_spans`)."""
        spans = self._allow_spans.get(category)
        if spans is None:
            return False
        starts, max_end = spans
        i = bisect_right(starts, start)
        return i > 0 and max_end[i - 1] >= end

    @cached_property
    def _allow_spans(self) -> dict[Category, tuple[list[int], list[int]]]:
        """Per category, the allow-list hits' starts (sorted) and the running maximum of their ends."""
        grouped: dict[Category, list[tuple[int, int]]] = {}
        for h in self.lexicon_hits:
            if h.entry.allow:
                grouped.setdefault(h.entry.category, []).append((h.start, h.end))
        out: dict[Category, tuple[list[int], list[int]]] = {}
        for category, spans in grouped.items():
            spans.sort()
            ends = list(accumulate((e for _, e in spans), max))
            out[category] = ([s for s, _ in spans], ends)
        return out

    def segment_at(self, nstart: int) -> Segment:
        return self.document.segments[self.document.segment_at(self.norm.origin[nstart])]

    def sentence(self, start: int, end: int, ends: frozenset[str] = SENTENCE_ENDS) -> tuple[int, int]:
        """The normalised [s, e) of the sentence around [start, end)."""
        t = self.norm.text
        s = start
        while s > 0 and t[s - 1] not in ends:
            s -= 1
        e = end
        while e < len(t) and t[e] not in ends:
            e += 1
        return s, e


class Rule(Protocol):
    id: str

    def find(self, ctx: ScanContext) -> Iterable[Hit]: ...
