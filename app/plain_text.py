"""Text a person types (opinions, reasons, titles) is plain text: no control characters.

Signing refuses them (`control_problem`); exports turn any that an older ledger already holds into
visible symbols (`printable`), so one stray character never stops a 台帐 or 审查单 from printing."""

from __future__ import annotations

import re

#: C0 controls except tab and newline, DEL, C1 controls, lone surrogates and the two non-characters
#: XML 1.0 forbids. Carriage returns are controls too (a CRLF pair is normalised to a newline first).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n]")


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def control_problem(label: str, text: str, *, multiline: bool = True) -> str | None:
    """A Chinese sentence naming the first control character in `text`, or None when it is clean.
    Tabs and newlines are allowed only when `multiline`."""
    text = text.replace("\r\n", "\n")
    m = _CONTROL.search(text) or (None if multiline else _LINE_BREAKS.search(text))
    if m is None:
        return None
    return (f"{label}含有不可见的控制字符（{_describe(m.group())}，第 {m.start() + 1} 个字符），"
            "可能是从其他程序粘贴时带入的；请删除后重新输入。")


def _picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)   # ␀ … ␟ (Unicode control pictures)
    if code == 0x7F:
        return "\u2421"             # ␡
    return "\ufffd"


def printable(text: str) -> str:
    """`text` with CRLF as newline and every other control character shown as a visible symbol."""
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(_picture, text) if _CONTROL.search(text) else text
