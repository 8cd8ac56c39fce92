"""Turning bytes into text: BOM, strict UTF-8, strict GB18030 (covers GBK/GB2312), then a guess."""

from __future__ import annotations

import codecs

from app.errors import ReadError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Declared charsets we read with a superset codec.
ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030",
           "gb_2312-80": "gb18030", "euc-cn": "gb18030", "iso-8859-1": "cp1252", "latin-1": "cp1252",
           "ascii": "utf-8", "us-ascii": "utf-8"}


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). `declared` (e.g. an html meta charset) is tried after the BOM
    and after strict UTF-8. Raises `ReadError("decode_failed")`."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                break
    candidates: list[str] = []
    nul = b"\x00" in data[:4096]
    utf16 = _utf16_guess(data) if nul else None
    if utf16 is not None:
        candidates.append(utf16)
    candidates.append("utf-8")
    if declared:
        candidates.append(_canonical(declared))
    if not nul:
        candidates.append("gb18030")
    for name in dict.fromkeys(candidates):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text, name
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    raise ReadError("无法识别文件的文字编码（不是 UTF-8、GBK/GB18030 或 UTF-16），或者它不是文本文件。"
                    "请用记事本等软件打开后另存为 UTF-8 编码再审查。", code="decode_failed")


def _canonical(name: str) -> str:
    name = name.strip().lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return name
    return ALIASES.get(name, name)


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM puts the zero byte of every ASCII character (markup, digits, line
    ends) on one side; a stray NUL or two in a UTF-8 file is no reason to read it as UTF-16, which
    decodes almost any even-length bytes "successfully" into nonsense."""
    sample = data[:4096]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if max(even, odd) < 4 * (min(even, odd) + 1):
        return None
    return "utf-16-be" if even > odd else "utf-16-le"


def _plausible(text: str) -> bool:
    """Reject decodes full of control characters (a binary file that happens to decode)."""
    sample = text[:20000]
    if not sample:
        return True
    bad = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\x0b\x1a")
    return bad / len(sample) < 0.02


def _guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or not best.encoding:
        return None
    name = _canonical(best.encoding)
    try:
        text = data.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text, name) if _plausible(text) else None
