"""The Chinese text an inline `<script>` would write into a page: how spam ("黑链") is planted in a
hacked page so that it appears when the page runs, or only to search engines, but not in its
HTML text — `document.write('<a href=…>澳门…</a>')`, the words escaped (`'\\u6fb3\\u95e8'`,
`unescape('%u6FB3%u95E8')`, `decodeURIComponent('%E6%BE%B3…')`, `String.fromCharCode(28595, …)`)
or cut into pieces joined with `+`.

`script_texts(code)` returns the decoded string literals that hold at least `MIN_CJK` Chinese
characters, pieces joined by `+` taken as one, markup removed. The code is never run.
"""

from __future__ import annotations

import re
from contextlib import suppress
from urllib.parse import unquote

MIN_CJK = 2
#: Per script, at most this many characters of text are kept (a script is not a document).
MAX_CHARS = 20_000

_LITERAL = re.compile(r"""'(?:[^'\\\n]|\\.){0,4000}'|"(?:[^"\\\n]|\\.){0,4000}"|`(?:[^`\\]|\\.){0,4000}`""", re.S)
_FROM_CHAR_CODE = re.compile(r"String\s*\.\s*fromCharCode\s*\(\s*((?:0x[0-9a-fA-F]+|\d+)(?:\s*,\s*(?:0x[0-9a-fA-F]+|\d+))*)\s*\)")
_JOIN = re.compile(r"^\s*\+\s*$")
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_SPACE = re.compile(r"\s+")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc.startswith("u{"):
            return _chr(int(esc[2:-1], 16))
        if esc[0] == "u" and len(esc) == 5:
            return _chr(int(esc[1:], 16))
        if esc[0] == "x" and len(esc) == 3:
            return chr(int(esc[1:], 16))
        return _SIMPLE.get(esc, esc)

    text = _ESCAPE.sub(one, body)
    if "%" in text:
        text = _PERCENT_U.sub(lambda m: _chr(int(m.group(1), 16)), text)
        if re.search(r"%[0-9a-fA-F]{2}", text):
            with suppress(UnicodeDecodeError):       # not UTF-8 percent-escapes: left as written
                text = unquote(text, errors="strict")
    return text


def _chr(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return ""


def _plain(text: str) -> str:
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def script_texts(code: str) -> list[str]:
    """The Chinese text the string literals (and String.fromCharCode calls) of `code` hold."""
    pieces: list[tuple[int, int, str]] = []
    for m in _LITERAL.finditer(code):
        pieces.append((m.start(), m.end(), _unescape(m.group(0)[1:-1])))
    for m in _FROM_CHAR_CODE.finditer(code):
        chars = "".join(_chr(int(n, 16) if n.lower().startswith("0x") else int(n)) for n in re.split(r"\s*,\s*", m.group(1)))
        pieces.append((m.start(), m.end(), chars))
    pieces.sort()
    groups: list[str] = []
    current = ""
    last_end = -1
    for start, end, text in pieces:
        if start < last_end:
            continue                                 # a literal inside a fromCharCode span, or overlap
        if current and _JOIN.match(code[last_end:start]):
            current += text
        else:
            if current:
                groups.append(current)
            current = text
        last_end = end
    if current:
        groups.append(current)
    out: list[str] = []
    total = 0
    for group in groups:
        text = _plain(group)
        if _cjk_count(text) >= MIN_CJK and total < MAX_CHARS:
            out.append(text[:MAX_CHARS - total])
            total += len(out[-1])
    return out
