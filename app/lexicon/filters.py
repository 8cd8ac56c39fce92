"""Option checks run on candidate matches: "not_in_title" and "word" (jieba boundaries)."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

_TITLE_REACH = 80          # how far to look for 《 and 》
_WORD_WINDOW = 12          # characters of context either side given to jieba
_tokenizer: Any = None


def in_title(text: str, start: int, end: int) -> bool:
    """True when [start, end) sits inside 《…》 on one line."""
    i = start - 1
    low = max(0, start - _TITLE_REACH)
    while i >= low:
        ch = text[i]
        if ch == "《":
            break
        if ch in "》\n":
            return False
        i -= 1
    else:
        return False
    high = min(len(text), end + _TITLE_REACH)
    for j in range(end, high):
        ch = text[j]
        if ch == "》":
            return True
        if ch in "《\n":
            return False
    return False


def _jieba() -> Any:
    """A private jieba tokenizer, created on first use (~0.6 s); its dictionary cache lives in
    app.paths.cache_dir()."""
    global _tokenizer
    if _tokenizer is None:
        import jieba

        from app.paths import cache_dir

        directory = cache_dir()
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True)
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(directory)
        tokenizer.initialize()
        _tokenizer = tokenizer
    return _tokenizer


def word_boundaries(text: str, start: int, end: int) -> bool:
    """True when jieba, segmenting a small window around [start, end), puts word boundaries at
    both start and end."""
    a = max(0, start - _WORD_WINDOW)
    b = min(len(text), end + _WORD_WINDOW)
    cuts = {a}
    pos = a
    for word in _jieba().cut(text[a:b], HMM=True):
        pos += len(word)
        cuts.add(pos)
    return start in cuts and end in cuts
