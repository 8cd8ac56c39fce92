"""What the content-stream rewriter needs to know about a PDF font: how its strings split into
codes, each code's advance width, and the font's ToUnicode map (read and rewritten).

Handled: simple fonts with a /Widths array (Type1, TrueType, MMType1: one byte per code) and Type0
fonts with the Identity-H encoding (two bytes per code, widths from /W and /DW); Type0 fonts with a
UCS-2 CMap are `ucs2=True` and handled once pdfium supplies their widths (app.redact.pdf_widths).
Anything else — Type3, vertical writing, CID fonts with other predefined CMaps such as GBK-EUC-H,
simple fonts without widths — is `supported=False` with the reason, and the page is rasterised."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SIMPLE = ("/Type1", "/TrueType", "/MMType1")
#: predefined CMaps whose codes are two-byte UCS-2 values: handled when pdfium supplies the widths
#: (app.redact.pdf_widths), the CID being unknown without Adobe's CMap files
UCS2_CMAPS = frozenset({"/UniGB-UCS2-H", "/UniCNS-UCS2-H", "/UniJIS-UCS2-H", "/UniKS-UCS2-H"})


@dataclass
class FontInfo:
    supported: bool
    reason: str = ""
    two_byte: bool = False
    widths: dict[int, float] = field(default_factory=dict)   # code -> width in 1/1000 em
    default_width: float = 0.0
    ascent: float = 0.9                                       # in em
    descent: float = -0.2
    ucs2: bool = False                                        # a UCS-2 CMap: widths by code from pdfium
    lookup: Callable[[int], float] | None = None              # code -> width, for codes not in `widths`

    def codes(self, data: bytes) -> list[int]:
        if self.two_byte:
            if len(data) % 2:
                data = data + b"\0"
            return [(data[i] << 8) | data[i + 1] for i in range(0, len(data), 2)]
        return list(data)

    def encode(self, codes: list[int]) -> bytes:
        if self.two_byte:
            return b"".join(c.to_bytes(2, "big") for c in codes)
        return bytes(codes)

    def width(self, code: int) -> float:
        found = self.widths.get(code)
        if found is None:
            found = self.lookup(code) if self.lookup is not None else self.default_width
            self.widths[code] = found
        return found


def _num(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def font_info(font: Any) -> FontInfo:
    subtype = str(font.get("/Subtype", ""))
    if subtype == "/Type3":
        return FontInfo(False, "Type3 字体")
    if subtype in _SIMPLE:
        widths = font.get("/Widths")
        if widths is None:
            return FontInfo(False, f"字体 {font.get('/BaseFont', '')} 没有字宽表（标准字体未嵌入）")
        first = int(_num(font.get("/FirstChar", 0)))
        desc = font.get("/FontDescriptor")
        missing = _num(desc.get("/MissingWidth", 0)) if desc is not None else 0.0
        info = FontInfo(True, widths={first + i: _num(w) for i, w in enumerate(widths)}, default_width=missing)
        _metrics(info, desc)
        return info
    if subtype == "/Type0":
        encoding = font.get("/Encoding")
        if str(encoding) != "/Identity-H":
            import pikepdf

            what = str(encoding) if isinstance(encoding, pikepdf.Name) else "内嵌 CMap"
            info = FontInfo(False, f"CID 字体使用 {what.lstrip('/')} 编码", two_byte=True, ucs2=what in UCS2_CMAPS)
            descendants = font.get("/DescendantFonts")
            if info.ucs2 and descendants is not None and len(descendants) == 1:
                info.default_width = _num(descendants[0].get("/DW", 1000), 1000.0)
                _metrics(info, descendants[0].get("/FontDescriptor"))
            return info
        descendants = font.get("/DescendantFonts")
        if descendants is None or len(descendants) != 1:
            return FontInfo(False, "CID 字体缺少下级字体")
        cid = descendants[0]
        info = FontInfo(True, two_byte=True, default_width=_num(cid.get("/DW", 1000), 1000.0))
        _cid_widths(info, cid.get("/W"))
        _metrics(info, cid.get("/FontDescriptor"))
        return info
    return FontInfo(False, f"不支持的字体类型 {subtype.lstrip('/') or '（未标明）'}")


def _metrics(info: FontInfo, desc: Any) -> None:
    if desc is None:
        return
    ascent, descent = _num(desc.get("/Ascent", 0)), _num(desc.get("/Descent", 0))
    if ascent > 0:
        info.ascent = max(ascent / 1000.0, 0.7)
    if descent < 0:
        info.descent = min(descent / 1000.0, -0.1)


def _cid_widths(info: FontInfo, w: Any) -> None:
    if w is None:
        return
    items = list(w)
    i = 0
    while i < len(items):
        start = int(_num(items[i]))
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is not None and hasattr(nxt, "__len__") and not isinstance(nxt, (int, float, str)) \
                and not _is_number(nxt):
            for k, width in enumerate(nxt):
                info.widths[start + k] = _num(width)
            i += 2
        else:
            if i + 2 >= len(items):
                break
            end, width = int(_num(items[i + 1])), _num(items[i + 2])
            for code in range(start, min(end, start + 65536) + 1):
                info.widths[code] = width
            i += 3


def _is_number(obj: Any) -> bool:
    try:
        float(obj)
    except (TypeError, ValueError):
        return False
    return True


# --- ToUnicode ----------------------------------------------------------------------------

_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_TOKEN = re.compile(rb"<[0-9A-Fa-f\s]*>|\[|\]")


def _hex(token: bytes) -> bytes:
    return bytes.fromhex(re.sub(rb"\s", b"", token.strip(b"<>")).decode("ascii") or "")


def _utf16(data: bytes) -> str:
    return data.decode("utf-16-be", errors="replace")


def parse_tounicode(data: bytes) -> tuple[dict[int, str], int]:
    """Code -> text of a ToUnicode CMap, and the code width in bytes (from its codespace)."""
    width = 1
    space = re.search(rb"begincodespacerange(.*?)endcodespacerange", data, re.S)
    if space:
        first = _HEX.search(space.group(1))
        if first:
            width = max(1, len(_hex(first.group(0))))
    out: dict[int, str] = {}
    for kind, body in _SECTION.findall(data):
        tokens = _TOKEN.findall(body)
        i = 0
        if kind == b"bfchar":
            while i + 1 < len(tokens):
                out[int.from_bytes(_hex(tokens[i]), "big")] = _utf16(_hex(tokens[i + 1]))
                i += 2
            continue
        while i + 2 < len(tokens):
            lo, hi = int.from_bytes(_hex(tokens[i]), "big"), int.from_bytes(_hex(tokens[i + 1]), "big")
            if tokens[i + 2] == b"[":
                j = i + 3
                code = lo
                while j < len(tokens) and tokens[j] != b"]":
                    out[code] = _utf16(_hex(tokens[j]))
                    code += 1
                    j += 1
                i = j + 1
                continue
            dst = _hex(tokens[i + 2])
            base = int.from_bytes(dst, "big") if dst else 0
            for k, code in enumerate(range(lo, min(hi, lo + 65536) + 1)):
                value = base + k
                out[code] = _utf16(value.to_bytes(max(2, len(dst)), "big"))
            i += 3
    return out, width


def write_tounicode(mapping: dict[int, str], width: int) -> bytes:
    """A ToUnicode CMap holding exactly `mapping` (bfchar entries, 100 per block)."""
    digits = 2 * width
    hi = "F" * digits
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", f"<{'0' * digits}> <{hi}>", "endcodespacerange"]
    items = sorted(mapping.items())
    for k in range(0, len(items), 100):
        block = items[k:k + 100]
        lines.append(f"{len(block)} beginbfchar")
        for code, text in block:
            lines.append(f"<{code:0{digits}X}> <{text.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")
