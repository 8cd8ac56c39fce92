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
import sys
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
        _warn_t2s("未安装 opencc")
        return None
    try:
        converter: _Converter = opencc.OpenCC("t2s")
    except Exception as exc:  # a missing or unreadable dictionary (e.g. an incomplete bundle)
        _warn_t2s(f"OpenCC 词典无法加载：{exc}")
        return None
    return converter


def _warn_t2s(reason: str) -> None:
    """Said once on stderr: scanning goes on, but traditional-script words are matched as written."""
    print(f"警告：繁体→简体转换不可用（{reason}），繁体写法的敏感词可能漏检。请重新安装密审或 opencc。",
          file=sys.stderr)


def _looks_letter_spaced(text: str) -> bool:
    """PDFs often extract as "地 区 生 产 总 值 3 0 9 9 万": most characters stand alone between
    single spaces."""
    if len(text) < 8 or " " not in text:
        return False
    singles = len(_SINGLE_SPACED.findall(text))
    non_space = len(_NON_SPACE.findall(text))
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


_RUN = re.compile("[" + re.escape("".join(sorted(_SPACES | _FILLER))) + "]+")
_ZW_DROP = re.compile("[" + "".join(sorted(_ZERO_WIDTH)) + "]")
_LS_DROP = re.compile("[" + "".join(sorted(_ZERO_WIDTH)) + "]|(?<=[^ ]) (?=[^ ])")
_NEEDS_FOLD = re.compile("[A-Z" + "".join(sorted(_ZERO_WIDTH)) + "]")
_CJK_ANY = re.compile("[\u2e80-\U0010ffff]")
_SINGLE_SPACED = re.compile(r"(?:(?<= )|^)[^ ](?= |$)")
_NON_SPACE = re.compile(r"[^ ]")


@lru_cache(maxsize=65536)
def _fold(ch: str) -> str:
    """What one character becomes in step 1 ("" = dropped); ★ and ☆ are kept as they are."""
    if ch in _ZERO_WIDTH:
        return ""
    if ch.isascii():
        return ch.lower() if "A" <= ch <= "Z" else ch
    if ch in "★☆":
        return ch
    nf = unicodedata.normalize("NFKC", ch)
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in nf)


def _fold_all(original: str, letter_spaced: bool) -> tuple[str, Sequence[int]]:
    """Step 1 — NFKC, ASCII case-fold, zero-width and letter-spacing removal — with the map.
    Most text only needs a 1:1 translation; the per-character path runs only for text with
    expanding characters (㈠ → (一))."""
    if not letter_spaced and not _NEEDS_FOLD.search(original) and unicodedata.is_normalized("NFKC", original):
        return original, range(len(original))  # the common case: plain simplified Chinese
    table: dict[int, str] = {}
    expanding = False
    for ch in set(original):
        folded = _fold(ch)
        if folded != ch:
            table[ord(ch)] = folded
            expanding = expanding or len(folded) > 1
    if not expanding:
        dropper = _LS_DROP if letter_spaced else _ZW_DROP
        pieces: list[str] = []
        origin: list[int] = []
        last = 0
        for m in dropper.finditer(original):
            pieces.append(original[last:m.start()])
            origin.extend(range(last, m.start()))
            last = m.end()
        if not pieces:
            return original.translate(table), range(len(original))
        pieces.append(original[last:])
        origin.extend(range(last, len(original)))
        return "".join(pieces).translate(table), origin
    chars: list[str] = []
    origin = []
    final = len(original) - 1
    for i, ch in enumerate(original):
        if letter_spaced and ch == " " and 0 < i < final and original[i - 1] != " " \
                and original[i + 1] != " ":
            continue  # a single space in a letter-spaced line is layout, not a word gap
        for c in _fold(ch):
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


def normalize(original: str, *, soft_breaks: bool = True, letter_spaced: bool | None = None) -> NormalizedText:
    """Normalise one run of text. `soft_breaks`: newlines are layout and may be dropped between
    dense characters; otherwise a newline is kept as a hard separator."""
    if letter_spaced is None:
        letter_spaced = _looks_letter_spaced(original)

    # 1. NFKC per character (keeps the map exact), case-fold ASCII, drop zero-width.
    text, origin = _fold_all(original, letter_spaced)

    # 2. Traditional → simplified. OpenCC t2s keeps length for nearly all input; if a phrase
    # conversion changes the length we fall back to converting character by character.
    conv = _t2s()
    if conv is not None and _CJK_ANY.search(text):
        converted = conv.convert(text)
        if len(converted) == len(text):
            text = converted
        else:
            text = "".join(conv.convert(c) if len(conv.convert(c)) == 1 else c for c in text)

    # 3. Drop whitespace and filler between dense characters.
    out: list[str] = []
    out_origin: list[int] = []
    n = len(text)
    last = 0
    for m in _RUN.finditer(text):
        i, j = m.start(), m.end()
        out.append(text[last:i])
        out_origin.extend(origin[last:i])
        last = j
        run = m.group()
        prev = text[i - 1] if i else ""
        nxt = text[j] if j < n else ""
        only_space = all(c in _SPACES for c in run)
        hard_newline = "\n" in run and (
            not soft_breaks or (j < n and _ITEM_START.match(original, origin[j]) is not None))
        if prev and nxt and not hard_newline:
            if _dense(prev) and _dense(nxt):
                # between CJK: spaces/newlines always; filler only when it is short (evasion)
                if only_space or (len(run) <= 3 and is_cjk(prev) and is_cjk(nxt)):
                    continue
            elif only_space and (_dense(prev) or _dense(nxt)):
                continue  # "2025年 12月", "北纬 45°", PDF spacing next to CJK
        keep = "\n" if hard_newline else (" " if only_space else None)
        if keep is not None:  # one space (or the newline) for the whole run
            out.append(keep)
            out_origin.append(origin[i])
            continue
        out.append("".join(" " if c in _SPACES else c for c in run))
        out_origin.extend(origin[i:j])
    out.append(text[last:])
    out_origin.extend(origin[last:])
    out_origin.append(len(original))
    return NormalizedText("".join(out), array("i", out_origin), original)


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
