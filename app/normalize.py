"""Matching text with an offset map back to the original.

Rules and lexicons match on a normalised form of the document: NFKC (full-width → half-width,
㈠ → (一)), traditional → simplified Chinese (OpenCC), ASCII case-folded, and with layout noise
removed — whitespace and zero-width characters between CJK characters (PDF letter-spacing, line
breaks inside sentences), and filler punctuation planted between CJK characters to dodge filters
("赌*博", "赌·博"). Every normalised character remembers the original index it came from, so a
finding always reports the exact original text and position.

Characters rules depend on are never folded: ★ and ☆ pass through NFKC unchanged and are kept.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.model import Document

# Zero-width and format characters dropped everywhere.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# Filler characters dropped when they sit between two CJK characters (evasion: 赌*博, 赌·博, 赌_博).
_FILLER = frozenset("*·•・_-|/\\~^#`'\"+=.@$&")
_SPACES = frozenset(" \t\r\n\u3000\u00a0\u2002\u2003\u2009\u202f\x0b\x0c")


# A line that starts like this begins a new item, even where line breaks are otherwise layout
# (PDF text): "2、", "(二)", "（三）", "一、", "第五条".
_ITEM_START = re.compile(r"[ \t\u3000]*(?:\d{1,2}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|"
                         r"[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十百零\d]{1,4}[条章节])")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FA1F or o == 0x3007)


def is_cjk_punct(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF0F or 0xFF1A <= o <= 0xFF20 or ch in "“”‘’《》【】★☆—…"


def _dense(ch: str) -> bool:
    """Characters that never need a space next to them in Chinese text."""
    return is_cjk(ch) or is_cjk_punct(ch)


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _t2s() -> _Converter | None:
    try:
        import opencc  # the official wheel: much faster than the pure-Python reimplementation
    except ImportError:  # pragma: no cover - opencc is a hard dependency; keep scanning if broken
        return None
    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def _looks_letter_spaced(text: str) -> bool:
    """PDFs often extract as "地 区 生 产 总 值 3 0 9 9 万": most characters followed by one space."""
    if len(text) < 8:
        return False
    singles = 0
    pairs = 0
    for i in range(len(text) - 2):
        a, b, c = text[i], text[i + 1], text[i + 2]
        if b == " " and a != " " and c != " ":
            pairs += 1
            if i + 3 >= len(text) or text[i + 3] == " " or i == 0 or text[i - 1] == " ":
                singles += 1
    non_space = sum(1 for ch in text if ch != " ")
    return non_space > 0 and singles / non_space > 0.3


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """`text` is the matching form; `origin[i]` is the index in the original text of `text[i]`.
    `origin` has one extra entry (the original length) so that spans ending at len(text) map."""

    text: str
    origin: Sequence[int]
    original: str

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) span to the smallest original span covering it."""
        if end <= start:
            o = self.origin[start]
            return o, o
        # origin entries name single original characters, so +1 covers an expanded one (㈠) whole
        return self.origin[start], self.origin[end - 1] + 1

    def to_normalized(self, offset: int) -> int:
        """First normalised index whose origin is at or after `offset` in the original."""
        lo, hi = 0, len(self.text)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.origin[mid] < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo


def normalize(original: str, *, soft_breaks: bool = True, letter_spaced: bool | None = None) -> NormalizedText:
    """Normalise one run of text. `soft_breaks`: newlines are layout and may be dropped between
    dense characters; otherwise a newline is kept as a hard separator."""
    if letter_spaced is None:
        letter_spaced = _looks_letter_spaced(original)

    # 1. NFKC per character (keeps the map exact), case-fold ASCII, drop zero-width.
    chars: list[str] = []
    origin: list[int] = []
    last = len(original) - 1
    for i, ch in enumerate(original):
        if ch in _ZERO_WIDTH:
            continue
        if letter_spaced and ch == " " and 0 < i < last and original[i - 1] != " " \
                and original[i + 1] != " ":
            continue  # a single space in a letter-spaced line is layout, not a word gap
        if ch.isascii():
            chars.append(ch.lower() if "A" <= ch <= "Z" else ch)
            origin.append(i)
            continue
        if ch in "★☆":
            chars.append(ch)
            origin.append(i)
            continue
        nf = unicodedata.normalize("NFKC", ch)
        if nf == "\u3000":
            nf = " "
        for c in nf:
            chars.append(c.lower() if "A" <= c <= "Z" else c)
            origin.append(i)

    # 2. Traditional → simplified. OpenCC t2s keeps length for nearly all input; if a phrase
    # conversion changes the length we fall back to converting character by character.
    joined = "".join(chars)
    conv = _t2s()
    if conv is not None and any(ord(c) > 0x2E80 for c in joined):
        converted = conv.convert(joined)
        if len(converted) == len(joined):
            chars = list(converted)
        else:
            chars = [conv.convert(c) if len(conv.convert(c)) == 1 else c for c in chars]

    # 3. Drop whitespace and filler between dense characters.
    out_chars: list[str] = []
    out_origin: list[int] = []
    n = len(chars)
    i = 0
    while i < n:
        ch = chars[i]
        if ch in _SPACES or ch in _FILLER:
            j = i
            while j < n and (chars[j] in _SPACES or chars[j] in _FILLER):
                j += 1
            run = chars[i:j]
            prev = out_chars[-1] if out_chars else ""
            nxt = chars[j] if j < n else ""
            only_space = all(c in _SPACES for c in run)
            has_newline = any(c == "\n" for c in run)
            hard_newline = has_newline and (
                not soft_breaks or (j < n and _ITEM_START.match(original, origin[j]) is not None))
            drop = False
            if prev and nxt and not hard_newline:
                if _dense(prev) and _dense(nxt):
                    # between CJK: spaces/newlines always; filler only when it is short (evasion)
                    drop = only_space or (len(run) <= 3 and is_cjk(prev) and is_cjk(nxt))
                elif only_space and (_dense(prev) or _dense(nxt)):
                    drop = True  # "2025年 12月", "北纬 45°", PDF spacing next to CJK
            if drop:
                i = j
                continue
            # keep one space (or the newline) for the whole run
            keep = "\n" if hard_newline else (" " if only_space else None)
            if keep is not None:
                out_chars.append(keep)
                out_origin.append(origin[i])
                i = j
                continue
            for k in range(i, j):
                out_chars.append(" " if chars[k] in _SPACES else chars[k])
                out_origin.append(origin[k])
            i = j
            continue
        out_chars.append(ch)
        out_origin.append(origin[i])
        i += 1

    out_origin.append(len(original))
    return NormalizedText("".join(out_chars), array("i", out_origin), original)


def normalize_document(document: Document) -> NormalizedText:
    """Normalise a whole document; segment boundaries stay hard "\n" separators so that nothing
    matches across two segments. Offsets map into `document.text`."""
    texts: list[str] = []
    origin = array("i")
    for k, seg in enumerate(document.segments):
        if k:
            texts.append("\n")
            origin.append(seg.start - 1)
        nt = normalize(seg.text, soft_breaks=seg.soft_breaks)
        texts.append(nt.text)
        base = seg.start
        origin.extend(o + base for o in nt.origin[:-1])
    origin.append(len(document.text))
    return NormalizedText("".join(texts), origin, document.text)
