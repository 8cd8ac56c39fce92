"""Widths for CID fonts with a UCS-2 CMap (UniGB-UCS2-H and its CNS/JIS/KS siblings): the code is
the character, so pdfium — which ships Adobe's CMaps — gives each code's advance width
(FPDFFont_GetGlyphWidth), and such a page is rewritten instead of rasterised. Callers hold
PDFIUM_LOCK and keep the page open while the widths are used."""

from __future__ import annotations

import ctypes
from typing import Any

from app.redact.pdf_fonts import FontInfo


def page_fonts(page: Any) -> dict[bytes, Any]:
    """Base font name -> pdfium font handle, for the fonts of the page's text objects."""
    import pypdfium2.raw as raw

    out: dict[bytes, Any] = {}
    for i in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT:
            continue
        font = raw.FPDFTextObj_GetFont(obj)
        if not font:
            continue
        size = raw.FPDFFont_GetBaseFontName(font, None, 0)
        buf = ctypes.create_string_buffer(max(size, 1))
        raw.FPDFFont_GetBaseFontName(font, buf, size)
        out.setdefault(buf.value, font)
    return out


def with_pdfium_widths(info: FontInfo, handle: Any) -> FontInfo:
    import pypdfium2.raw as raw

    def lookup(code: int) -> float:
        width = ctypes.c_float()
        if raw.FPDFFont_GetGlyphWidth(handle, code, ctypes.c_float(1000.0), ctypes.byref(width)):
            return float(width.value)
        return info.default_width

    return FontInfo(True, two_byte=True, default_width=info.default_width, ascent=info.ascent,
                    descent=info.descent, ucs2=True, lookup=lookup)


def ucs2_fonts(pdf_page: Any, pdfium_page: Any, cache: dict[tuple[int, int], FontInfo]) -> list[tuple[int, int]]:
    """Put a pdfium-backed FontInfo into `cache` for each UCS-2 CID font of the page; returns the
    keys to drop from the cache when the pdfium page is closed."""
    from app.redact.pdf_fonts import font_info

    fonts = pdf_page.resources.get("/Font")
    if fonts is None:
        return []
    handles: dict[bytes, Any] | None = None
    added = []
    for font in fonts.values():
        if not font.is_indirect or font.objgen in cache:
            continue
        info = font_info(font)
        if not info.ucs2:
            continue
        if handles is None:
            handles = page_fonts(pdfium_page)
        handle = handles.get(str(font.get("/BaseFont", "")).lstrip("/").encode("latin-1", "replace"))
        if handle is None:
            continue
        cache[font.objgen] = with_pdfium_widths(info, handle)
        added.append(font.objgen)
    return added
