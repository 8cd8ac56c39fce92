"""PDF forms on A4 with embedded TrueType CJK fonts (`pdf_fonts`): title in a 黑体/小标宋, body in a
仿宋/宋体 face, margins after GB/T 9704 (上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm; landscape forms
use 20 mm all round so that a wide 台帐 keeps readable columns)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.exports.atomic import ExportError
from app.exports.pdf_fonts import FontMissing, FormFonts, covers, form_fonts
from app.plain_text import printable

TableSpec = tuple[Sequence[object], Sequence[Sequence[object]], Sequence[float]]

#: (top, bottom, left, right) in mm.
PORTRAIT_MARGINS = (37.0, 35.0, 28.0, 26.0)
LANDSCAPE_MARGINS = (20.0, 20.0, 20.0, 20.0)


def fonts() -> FormFonts:
    try:
        return form_fonts()
    except FontMissing as exc:
        raise ExportError("找不到可嵌入 PDF 的中文 TrueType 字体（仿宋/黑体，或文泉驿正黑、AR PL UMing）。"
                          "请安装 fonts-wqy-zenhei 和 fonts-arphic-uming（scripts/bootstrap.sh 会安装）。",
                          code="no_font") from exc


def font() -> str:
    """The body font's registered name (kept for callers that draw with a canvas)."""
    return fonts().body


def _style(name: str, size: float, leading: float | None = None, align: int = 0, keep: bool = False) -> ParagraphStyle:
    return ParagraphStyle(f"{name}{size}{align}{keep}", fontName=name, fontSize=size,
                          leading=leading or size * 1.4, alignment=align, wordWrap="CJK",
                          spaceAfter=2 * mm if keep else 0)


def markup(text: str, font_name: str) -> str:
    """Escaped paragraph markup; characters the font lacks are set in the other form font (or the
    symbol font), so no box replaces a glyph that one of the embedded fonts has."""
    f = fonts()
    spare = [n for n in (f.body, f.title, f.symbols) if n and n != font_name]
    out: list[str] = []
    run: list[str] = []
    run_font: str | None = None
    for ch in printable(text):
        use: str | None = None
        if ch not in "\n\t " and not covers(font_name, ch):
            use = next((n for n in spare if covers(n, ch)), None)
        if use != run_font and run:
            out.append(_run("".join(run), run_font))
            run = []
        run_font = use
        run.append(ch)
    if run:
        out.append(_run("".join(run), run_font))
    return "".join(out)


def _run(text: str, font_name: str | None) -> str:
    body = escape(text).replace("\n", "<br/>")
    return f'<font name="{font_name}">{body}</font>' if font_name else body


def para(text: object, size: float = 10.5, *, title: bool = False, align: int = 0,
         keep: bool = False) -> Paragraph:
    name = fonts().title if title else fonts().body
    return Paragraph(markup(str(text), name), _style(name, size, align=align, keep=keep))


def write_pdf(path: Path, title: str, blocks: Sequence[tuple[str, object]], *, wide: bool = False,
              footer: str = "") -> None:
    """`blocks`: ("heading", text) | ("text", text) | ("table", (header, rows, col_widths)); the widths
    are relative (scaled to the text width of the page)."""
    f = fonts()
    pagesize = landscape(A4) if wide else A4
    top, bottom, left, right = LANDSCAPE_MARGINS if wide else PORTRAIT_MARGINS
    frame_width = pagesize[0] - (left + right) * mm

    def on_page(canvas: object, doc: object) -> None:
        c = canvas
        c.saveState()  # type: ignore[attr-defined]
        c.setFont(f.body, 8)  # type: ignore[attr-defined]
        text = f"{printable(footer)}    第 {c.getPageNumber()} 页"  # type: ignore[attr-defined]
        c.drawCentredString(pagesize[0] / 2, (bottom - 10) * mm, text)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]

    doc = SimpleDocTemplate(str(path), pagesize=pagesize, leftMargin=left * mm, rightMargin=right * mm,
                            topMargin=top * mm, bottomMargin=bottom * mm, title=title, author="密审 MiShen",
                            creator="密审 MiShen",
                            # the canvas starts in the body font: no stray, non-embedded Helvetica
                            initialFontName=f.body, initialFontSize=10)
    story: list[object] = [para(title, 20, title=True, align=1), Spacer(1, 6 * mm)]
    cell = 9 if wide else 10.5
    for kind, value in blocks:
        if kind == "heading":
            # a heading never stands alone at the foot of a page (a long table still starts on it)
            story += [CondPageBreak(40 * mm), Spacer(1, 3 * mm), para(str(value), 14, title=True, keep=True)]
        elif kind == "text":
            story += [Spacer(1, 1.5 * mm), para(value, cell + 0.5)]
        elif kind == "table":
            header, rows, widths = cast(TableSpec, value)
            data = ([[para(h, cell, title=True, align=1) for h in header]]
                    + [[para(c, cell) for c in row] for row in rows])
            total = float(sum(widths)) if widths else 0.0
            col_widths = [w / total * frame_width for w in widths] if total else None
            table = Table(data, colWidths=col_widths, repeatRows=1)
            table.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), f.body),   # reportlab sets it per cell (else Helvetica)
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]))
            story.append(table)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
