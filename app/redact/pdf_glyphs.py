"""Blank the outlines of glyphs a redacted copy no longer shows in an embedded TrueType font."""

from __future__ import annotations

from typing import Any

from app.redact.pdf_fonts import FontInfo


def blank_unused_glyphs(pdf: Any, font: Any, info: FontInfo, codes: set[int]) -> int:
    return 0
