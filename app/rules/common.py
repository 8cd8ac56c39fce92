"""Small helpers shared by the composite rules (statistic, case, personal data, approval…).

All offsets are normalised offsets into `ctx.text` unless a name says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.basis import compose_basis
from app.model import Category, Part, Segment, Severity
from app.rules.base import CLAUSE_ENDS, Hit, ScanContext

CJK = "\u4e00-\u9fff\u3400-\u4dbf"

# Regulation clauses the rules cite.
BASIS_ART8 = "兴义市门户网站信息发布管理和问责制度 第八条"
BASIS_SECRECY = "兴义市门户网站信息发布管理和问责制度 第二条“涉密不上网”、第八条(五)；信息发布保密审查暂行办法 第三条"
BASIS_APPROVAL = "兴义市人民政府信息发布保密审查暂行办法 第十条；清远市政府信息发布协调制度 第七条"
BASIS_PRIVACY = "璧山区政府网站管理办法 第三十条(四)；广州市政府信息共享管理规定（个人信息保护）"


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a family of hits shares: category, rule id prefix and legal basis."""

    category: Category
    rule: str
    basis: str

    def hit(self, start: int, end: int, severity: Severity, sub: str, message: str,
            suggestion: str = "") -> Hit:
        rule = f"{self.rule}.{sub}"
        return Hit(start, end, self.category, severity, rule, compose_basis(rule, self.category, self.basis),
                   message, suggestion)


def clause_bounds(ctx: ScanContext, start: int, end: int) -> tuple[int, int]:
    return ctx.sentence(start, end, CLAUSE_ENDS)


def line_bounds(ctx: ScanContext, start: int, end: int) -> tuple[int, int]:
    """The normalised span of the original line (split at original newlines) around [start, end).

    Normalisation may merge soft-wrapped PDF lines; this looks at the original text instead."""
    original = ctx.norm.original
    o_start = ctx.norm.origin[start]
    o_end = ctx.norm.origin[max(start, end - 1)]
    ls = original.rfind("\n", 0, o_start) + 1
    le = original.find("\n", o_end)
    if le < 0:
        le = len(original)
    return ctx.norm.to_normalized(ls), ctx.norm.to_normalized(le)


def segment_span(ctx: ScanContext, seg: Segment) -> tuple[int, int]:
    """Normalised [start, end) of a segment."""
    return ctx.norm.to_normalized(seg.start), ctx.norm.to_normalized(seg.end)


def in_book_title(text: str, start: int, end: int, window: int = 60) -> bool:
    """True when [start, end) sits inside 《…》 (a law or document title)."""
    left = text.rfind("《", max(0, start - window), start)
    if left < 0 or text.rfind("》", left, start) >= 0:
        return False
    right = text.find("》", end, end + window)
    return right >= 0 and text.find("《", end, right) < 0


HIDDEN_OR_CHROME_PARTS = frozenset({Part.HEADER, Part.FOOTER, Part.METADATA, Part.TITLE, Part.ATTRIBUTE,
                                    Part.TEXTBOX, Part.COMMENT, Part.HIDDEN, Part.INSERTION, Part.DELETION})


def any_of(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
