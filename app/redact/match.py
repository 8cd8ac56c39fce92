"""Whitespace- and line-break-insensitive search: where does a withheld string occur in a text."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

#: Characters ignored when comparing (layout, not content).
SPACE = frozenset(" \t\r\n\f\v\u3000\u00a0\u2002\u2003\u2009\u200b\u200c\u200d\ufeff\x00")
MASK = "■"


_DROP_SPACE = {ord(ch): None for ch in SPACE}


def squeeze(text: str) -> str:
    return text.translate(_DROP_SPACE)


@lru_cache(maxsize=64)
def _prepared(needles: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    flat = tuple(sorted({squeeze(n) for n in needles} - {""}))
    return flat, frozenset(n[0] for n in flat)


def find_spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Spans [start, end) of `text` covering every occurrence of each needle, comparing with
    whitespace removed from both; the spans hold exactly the needle's characters (and the
    whitespace between them). Sorted, overlapping spans merged."""
    prepared, firsts = _prepared(tuple(needles))
    if not any(ch in text for ch in firsts):
        return []
    index = [i for i, ch in enumerate(text) if ch not in SPACE]
    flat = "".join(text[i] for i in index)
    spans: list[tuple[int, int]] = []
    for needle in prepared:
        at = flat.find(needle)
        while at >= 0:
            spans.append((index[at], index[at + len(needle) - 1] + 1))
            at = flat.find(needle, at + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def mask(text: str, needles: Iterable[str]) -> tuple[str, int]:
    """`text` with every non-space character of every occurrence replaced by ■ (same length);
    returns the new text and the number of spans masked."""
    spans = find_spans(text, needles)
    if not spans:
        return text, 0
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            if chars[i] not in SPACE:
                chars[i] = MASK
    return "".join(chars), len(spans)


def contains_any(text: str, needles: Iterable[str]) -> list[str]:
    """The needles found in `text` (whitespace-insensitive)."""
    flat = squeeze(text)
    return sorted({n for n in needles if squeeze(n) and squeeze(n) in flat})
