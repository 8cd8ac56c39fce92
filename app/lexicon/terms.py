"""Normalising lexicon terms exactly as documents are normalised, fast enough for 100k terms.

`normalize()` costs ~13 µs per call on a short term; joining terms with a hard newline and
normalising the batch in one call gives the same result at a fraction of the cost. Terms where the
batch could differ (a space or filler character at either end, internal spaces that could be read
as letter-spacing, a newline) go through `normalize()` one by one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from app import normalize as _normalize_module
from app.normalize import normalize

_BATCH = 2000
_EDGE = frozenset(" \t\r\n\u3000\u00a0*·•・_-|/\\~^#`'\"+=.@$&\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# Exercises NFKC, OpenCC, case folding and filler removal; its output is part of the cache key.
_PROBE = "ＡＢＣ１２３ 測試賭博網站 乾隆 發展 赌*博 赌 博 ㈠ ★ Bet365 臺灣 後來"


def normalize_term(term: str) -> str:
    return normalize(term).text


def normalize_terms(terms: Sequence[str]) -> list[str]:
    """`[normalize_term(t) for t in terms]`, batched."""
    out: list[str] = []
    for first in range(0, len(terms), _BATCH):
        chunk = terms[first:first + _BATCH]
        simple = [t for t in chunk if _batchable(t)]
        done: list[str] | None = None
        if simple:
            parts = normalize("\n".join(simple), soft_breaks=False, letter_spaced=False).text.split("\n")
            if len(parts) == len(simple):
                done = parts
        it = iter(done) if done is not None else None
        for t in chunk:
            if it is not None and _batchable(t):
                out.append(next(it))
            else:
                out.append(normalize_term(t))
    return out


def _batchable(term: str) -> bool:
    return bool(term) and term[0] not in _EDGE and term[-1] not in _EDGE and " " not in term \
        and "\n" not in term and "\u3000" not in term


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
