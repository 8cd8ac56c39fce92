"""Normalising lexicon terms exactly as documents are normalised, fast enough for 100k terms.

`normalize()` costs ~13 µs per call on a short term; `normalize_terms` checks and converts all
terms in one pass and calls `normalize()` only for the few terms it could change beyond OpenCC.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from app import normalize as _normalize_module
from app.normalize import _CJK_ANY, _FILLER, _SPACES, _ZERO_WIDTH, normalize

# Exercises NFKC, OpenCC, case folding and filler removal; its output is part of the cache key.
_PROBE = "ＡＢＣ１２３ 測試賭博網站 乾隆 發展 赌*博 赌 博 ㈠ ★ Bet365 臺灣 後來"


def normalize_term(term: str) -> str:
    return normalize(term).text


def normalize_terms(terms: Sequence[str]) -> list[str]:
    """`[normalize_term(t) for t in terms]`, fast.

    Most terms are plain simplified Chinese that `normalize` leaves alone but for the OpenCC
    conversion. All terms are joined with "\n" and checked and converted in one call each: "\n"
    is NFKC-stable and never composes, and no OpenCC dictionary entry contains it, so the joined
    result splits into the per-term results. A term with anything the later steps could touch
    (upper-case ASCII, zero-width, space or filler characters, a character NFKC changes, a
    conversion that changes its length, a term without CJK the converter changed) goes through
    `normalize()` on its own."""
    n = len(terms)
    if n == 0:
        return []
    joined = "\n".join(terms)
    if joined.count("\n") != n - 1:  # a term with a newline: not from a file, keep it simple
        return [normalize_term(t) for t in terms]
    slow = _touched(joined, terms)
    if not unicodedata.is_normalized("NFKC", joined):
        slow.update(i for i, t in enumerate(terms) if not unicodedata.is_normalized("NFKC", t))
    out = list(terms)
    conv = _normalize_module._t2s()
    if conv is not None and _CJK_ANY.search(joined):
        converted = conv.convert(joined)
        pieces = converted.split("\n")
        if len(pieces) != n:
            return [normalize_term(t) for t in terms]
        slow |= _touched(converted, pieces)  # a conversion that produced a filler character
        for i, (t, c) in enumerate(zip(terms, pieces, strict=True)):
            if t is not c and t != c:
                if len(t) != len(c) or not _CJK_ANY.search(t):
                    slow.add(i)
                else:
                    out[i] = c
    for i in slow:
        out[i] = normalize_term(terms[i])
    return out


# Characters normalize() changes or may drop besides NFKC and OpenCC: upper-case ASCII, zero-width,
# spaces and filler (newlines are the separator here and do not occur inside a term).
_TOUCHED = re.compile("[A-Z" + re.escape("".join(sorted((_ZERO_WIDTH | _SPACES | _FILLER) - {"\n"}))) + "]")


def _touched(joined: str, parts: Sequence[str]) -> set[int]:
    """Indices of the parts (joined by "\n" into `joined`) that contain a _TOUCHED character."""
    found: set[int] = set()
    ends: list[int] | None = None
    for m in _TOUCHED.finditer(joined):
        if ends is None:  # the position of the "\n" after each part
            ends = [e + i for i, e in enumerate(accumulate(map(len, parts)))]
        found.add(bisect_left(ends, m.start()))
    return found


@lru_cache(maxsize=1)
def normalizer_fingerprint() -> str:
    """Changes whenever normalisation could change: the module's source and its output on a probe."""
    h = hashlib.sha256(normalize(_PROBE).text.encode())
    try:
        h.update(Path(_normalize_module.__file__ or "").read_bytes())
    except OSError:
        from app import __version__

        h.update(__version__.encode())
    return h.hexdigest()
