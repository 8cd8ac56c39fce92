"""PDF tables with a CJK font that needs no font file (reportlab's STSong-Light CID font: works
offline on Windows, macOS and Linux; readers supply the glyphs)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.plain_text import printable

FONT = "STSong-Light"
_registered: list[bool] = []


TableSpec = tuple[Sequence[object], Sequence[Sequence[object]], Sequence[float]]


def font() -> str:
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered.append(True)
    return FONT


def _style(size: float, leading: float | None = None, align: int = 0) -> ParagraphStyle:
    return ParagraphStyle(f"cjk{size}{align}", fontName=font(), fontSize=size, leading=leading or size * 1.35,
                          alignment=align, wordWrap="CJK")


def para(text: object, size: float = 9) -> Paragraph:
    return Paragraph(escape(printable(str(text))).replace("\n", "<br/>"), _style(size))


def write_pdf(path: Path, title: str, blocks: Sequence[tuple[str, object]], *, wide: bool = False,
              footer: str = "") -> None:
    """`blocks`: ("heading", text) | ("text", text) | ("table", (header, rows, col_widths_mm))."""
    pagesize = landscape(A4) if wide else A4

    def on_page(canvas: object, doc: object) -> None:
        c = canvas
        c.saveState()  # type: ignore[attr-defined]
        c.setFont(font(), 7)  # type: ignore[attr-defined]
        c.drawString(15 * mm, 8 * mm, f"{printable(footer)}  第 {c.getPageNumber()} 页")  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]

    doc = SimpleDocTemplate(str(path), pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=title, author="密审 MiShen")
    story: list[object] = [Paragraph(escape(printable(title)), _style(16, align=1)), Spacer(1, 6 * mm)]
    for kind, value in blocks:
        if kind == "heading":
            story += [Spacer(1, 3 * mm), Paragraph(escape(printable(str(value))), _style(11.5)), Spacer(1, 1.5 * mm)]
        elif kind == "text":
            story.append(para(value, 9.5))
        elif kind == "table":
            header, rows, widths = cast(TableSpec, value)
            data = [[para(h, 8.5) for h in header]] + [[para(c, 8.5) for c in row] for row in rows]
            table = Table(data, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story.append(table)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
