"""Word forms with python-docx on A4 (GB/T 9704 margins: 上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm;
a wide form is A4 landscape with 20 mm margins): title in 方正小标宋简体 (黑体 where Word lacks
it — the run names both through the east-Asian and the complex-script slot), headings in 黑体,
body and tables in 仿宋_GB2312/仿宋 (Word substitutes Noto Serif CJK or another installed CJK
font on systems without them), grid tables whose column widths follow the content."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from app.plain_text import printable

TableSpec = tuple[Sequence[object], Sequence[Sequence[object]], Sequence[float]]

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
LATIN_FONT = "Times New Roman"


def _fonts(run_or_style: Any, east_asia: str, size: float, *, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    font.size = Pt(size)
    font.bold = bold
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _page(doc: Any, wide: bool) -> None:
    section = doc.sections[0]
    if wide:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(20)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(15)


def _paragraph(doc: Any, text: str, east_asia: str, size: float, *, bold: bool = False,
               center: bool = False, after: float = 4, keep: bool = False) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = keep or None
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(after)
    _fonts(p.add_run(printable(text)), east_asia, size, bold=bold)


def _cell(cell: Any, text: str, size: float, *, header: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if header:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(p.add_run(printable(text)), HEADING_FONT if header else BODY_FONT, size)


def write_docx(path: Path, title: str, blocks: Sequence[tuple[str, object]], *, footer: str = "",
               wide: bool = False) -> None:
    """`blocks` as for `write_pdf`; table widths are relative and scaled to the text width."""
    doc = Document()
    _page(doc, wide)
    section = doc.sections[0]
    text_width = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, 12)
    cell_size = 9 if wide else 10.5
    _paragraph(doc, title, TITLE_FONT, 22, center=True, after=12)
    for kind, value in blocks:
        if kind == "heading":
            _paragraph(doc, str(value), HEADING_FONT, 14, after=4, keep=True)   # never alone at a page foot
        elif kind == "text":
            _paragraph(doc, str(value), BODY_FONT, cell_size + 1, after=4)
        elif kind == "table":
            header, rows, widths = cast(TableSpec, value)
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            _narrow_margins(table)
            total = float(sum(widths)) if widths else float(len(header))
            emus = [int(text_width * (w if widths else 1) / total) for w in (widths or [1] * len(header))]
            for col, width in zip(table.columns, emus, strict=True):
                col.width = width
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                _cell(cell, str(text), cell_size, header=True)
            _repeat_header(table.rows[0])
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    _cell(cell, str(text), cell_size)
            for row_ in table.rows:
                for cell, width in zip(row_.cells, emus, strict=True):
                    cell.width = width   # Word reads the cell widths, LibreOffice the grid
            doc.add_paragraph()
    if footer:
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(printable(footer) + "    第 "), BODY_FONT, 9)
        field = OxmlElement("w:fldSimple")   # the page number, filled in by Word/WPS when printing
        field.set(qn("w:instr"), "PAGE")
        number = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "18")   # 9 pt, as the rest of the footer
        rpr.append(size)
        number.append(rpr)
        text = OxmlElement("w:t")
        text.text = "1"
        number.append(text)
        field.append(number)
        p._p.append(field)
        _fonts(p.add_run(" 页"), BODY_FONT, 9)
    doc.core_properties.author = "密审 MiShen"
    doc.core_properties.title = printable(title)
    doc.save(str(path))


def _narrow_margins(table: Any) -> None:
    """1 mm cell margins left and right (Word's default 1.9 mm eats a narrow column)."""
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "57")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
