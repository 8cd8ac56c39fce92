"""Whole-phrase spans and grouping of findings.

- `refine_spans` (hits, normalised offsets): a finding covers the whole problem — a bid base price
  with its amount (标底为 → 标底为1234.5万元), the whole status phrase of a pending matter
  (…正在审理 → …正在审理程序中) — and never starts inside another token (a phone number before
  the phrase).
- `merge_overlaps` (hits): overlapping hits of one category become one hit (the louder one's
  rule and explanation, the union of the spans).
- `merge_spam_chains` (hits): harmful-content hits in one segment that are adjacent or joined only
  by SEO-chain separators (`_ | , / ｜ 丨`, spaces) or a few characters become one hit covering the
  whole stuffed phrase (the loudest one's rule, the other terms named in the message).
- `group_identical` (findings): identical findings in one document (same category, severity, rule
  and text) become one finding whose `occurrences` list every location, handled together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from app.model import Category, Finding, Occurrence
from app.rules.base import Hit, ScanContext

_AMOUNT = re.compile(r" ?(?:为|是|:|约|共计|合计|价)? ?(?:人民币)? ?\d[\d,]*(?:\.\d+)? ?(?:万亿元|亿元|万元|千元|元)")
_AMOUNT_TERMS = ("标底", "底价", "控制价", "预算价")
_STATUS_TAIL = re.compile(r"(?:处理|核实|核查|审查|处置|办理)?(?:程序|阶段|过程|工作)?(?:之中|当中|中)?")
_TOKEN_CHAR = re.compile(r"[0-9a-z]")


def refine_spans(ctx: ScanContext, hits: Iterable[Hit]) -> list[Hit]:
    text = ctx.text
    out: list[Hit] = []
    for h in hits:
        start, end = h.start, h.end
        if h.category is Category.SENSITIVE_TERM and any(t in text[start:end] for t in _AMOUNT_TERMS):
            m = _AMOUNT.match(text, end)
            if m:
                end = m.end()
        elif h.rule == "pending_case.pending_state":
            m = _STATUS_TAIL.match(text, end)
            if m and m.end() > end:
                end = m.end()
            # never start inside a number or a code that precedes the phrase
            if start > 0 and _TOKEN_CHAR.match(text, start) and _TOKEN_CHAR.match(text, start - 1):
                s = start
                while s < end and _TOKEN_CHAR.match(text, s):
                    s += 1
                while s < end and not text[s].isalnum():
                    s += 1
                if s < end:
                    start = s
        out.append(h if (start, end) == (h.start, h.end) else replace(h, start=start, end=end))
    return out


_LEXICON_ENTRY = re.compile(r"[a-z_]+-\d{4}")
_TWIN_CATEGORIES = frozenset({Category.SECRET_MARK, Category.SENSITIVE_TERM})


def merge_twins(hits: list[Hit]) -> list[Hit]:
    """One phrase matched by generic lexicon entries of two categories at the same span and the
    same severity (暂不公开 as 密级标志 and as 敏感事项) is one finding: the category listed first
    in `Category` is kept. Rule hits (not lexicon entries), other categories, spans or severities are left."""
    order = {c: i for i, c in enumerate(Category)}
    best: dict[tuple[int, int, str], Hit] = {}
    for h in hits:
        if not _generic(h):
            continue
        key = (h.start, h.end, h.severity.value)
        kept = best.get(key)
        if kept is None or order[h.category] < order[kept.category]:
            best[key] = h
    return [h for h in hits if not _generic(h) or best[(h.start, h.end, h.severity.value)] is h]


def _generic(h: Hit) -> bool:
    """A lexicon entry of the two generic categories (harmful content, personal information… are
    never folded into another category)."""
    return h.category in _TWIN_CATEGORIES and _LEXICON_ENTRY.fullmatch(h.rule) is not None


def merge_overlaps(hits: list[Hit]) -> list[Hit]:
    """Partially overlapping hits of one category merge into one (containment is left to the
    pipeline's de-duplication); same-span twins of generic lexicon entries first (`merge_twins`)."""
    hits = merge_twins(hits)
    by_cat: dict[Category, list[Hit]] = {}
    for h in hits:
        by_cat.setdefault(h.category, []).append(h)
    out: list[Hit] = []
    for group in by_cat.values():
        group.sort(key=lambda h: (h.start, -h.end))
        current: Hit | None = None
        for h in group:
            if current is not None and current.start < h.start < current.end < h.end:
                lead = current if (current.severity.rank, current.end - current.start) >= (
                    h.severity.rank, h.end - h.start) else h
                current = replace(lead, start=current.start, end=h.end)
                continue
            if current is not None:
                out.append(current)
            current = h
        if current is not None:
            out.append(current)
    return out


#: harmful-content hits this close (normalised characters) may be one stuffed phrase
SPAM_CHAIN_GAP = 6
_CHAIN_JOINT = re.compile(r"[\s_|,/｜丨＿\-·•~]")
_CHAIN_STOP = re.compile(r"[。！？；!?;\n、，：:（）()“”\"]")


def _chained(ctx: ScanContext, a: Hit, b: Hit) -> bool:
    """True when `b` continues the stuffed phrase `a` ends: a short gap in one segment, no sentence
    or enumeration punctuation, and either an SEO joint in it or at most two characters."""
    if b.start - a.end > SPAM_CHAIN_GAP:
        return False
    if b.start <= a.end:
        return True
    norm = ctx.norm
    gap_norm = norm.text[a.end:b.start]
    if "\n" in gap_norm:
        return False  # another segment
    gap = norm.original[norm.origin[a.end - 1] + 1:norm.origin[b.start]]
    if _CHAIN_STOP.search(gap):
        return False
    return bool(_CHAIN_JOINT.search(gap)) or len(gap_norm) <= 2


def merge_spam_chains(ctx: ScanContext, hits: list[Hit]) -> list[Hit]:
    harmful = sorted((h for h in hits if h.category is Category.HARMFUL_CONTENT), key=lambda h: (h.start, -h.end))
    if len(harmful) < 2:
        return hits
    out = [h for h in hits if h.category is not Category.HARMFUL_CONTENT]
    chain: list[Hit] = []
    for h in harmful:
        if chain and _chained(ctx, max(chain, key=lambda c: c.end), h):
            chain.append(h)
            continue
        if chain:
            out.append(_merge_chain(ctx, chain))
        chain = [h]
    if chain:
        out.append(_merge_chain(ctx, chain))
    return out


def _merge_chain(ctx: ScanContext, chain: list[Hit]) -> Hit:
    if len(chain) == 1:
        return chain[0]
    lead = max(chain, key=lambda h: (h.severity.rank, h.end - h.start))
    start, end = min(h.start for h in chain), max(h.end for h in chain)
    others = [ctx.text[h.start:h.end] for h in chain if h is not lead and not (lead.start <= h.start and h.end <= lead.end)]
    message = lead.message
    if others:
        message += f"（与相邻的“{'”“'.join(dict.fromkeys(others))}”连成一处关键词堆砌，已合并为一条。）"
    return replace(lead, start=start, end=end, message=message)


def group_identical(findings: list[Finding]) -> list[Finding]:
    """One finding per (category, severity, rule, text), with every location in `occurrences`.
    Order is kept (the first occurrence's place)."""
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.category.value, f.severity.value, f.rule, f.text), []).append(f)
    out: list[Finding] = []
    for f in findings:
        members = groups[(f.category.value, f.severity.value, f.rule, f.text)]
        if members[0] is not f:
            continue
        if len(members) == 1:
            out.append(f)
            continue
        occurrences = tuple(Occurrence(m.start, m.end, m.segment, m.location, m.context) for m in members)
        message = f"{f.message}（同一内容在本文件中出现{len(members)}处，已合并为一条，一并处理。）"
        out.append(replace(f, occurrences=occurrences, message=message))
    return out
