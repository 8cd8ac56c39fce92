"""Word output with python-docx: a title, headings, paragraphs and grid tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from app.plain_text import printable

TableSpec = tuple[Sequence[object], Sequence[Sequence[object]], Sequence[float]]


def write_docx(path: Path, title: str, blocks: Sequence[tuple[str, object]], *, footer: str = "") -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = doc.add_heading(printable(title), level=0)
    heading.alignment = 1
    for kind, value in blocks:
        if kind == "heading":
            doc.add_heading(printable(str(value)), level=2)
        elif kind == "text":
            doc.add_paragraph(printable(str(value)))
        elif kind == "table":
            header, rows, _ = cast(TableSpec, value)
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = printable(str(text))
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = printable(str(text))
    if footer:
        doc.sections[0].footer.paragraphs[0].text = printable(footer)
    doc.save(str(path))
