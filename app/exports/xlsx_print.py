"""Print setup shared by every xlsx MiShen writes for filing (领导审批台帐, patrol reports, review
statistics): A4, fit to one page wide, the header row repeated on every page, centred, page
numbers in the footer. Works on normal and write-only openpyxl worksheets."""

from __future__ import annotations

from typing import Any

A4 = "9"           # openpyxl Worksheet.PAPERSIZE_A4
PAGE_FOOTER = "第 &P 页，共 &N 页"


def a4_print_setup(ws: Any, *, landscape: bool = True, title_rows: str = "2:2",
                   side_margin: float = 0.6, end_margin: float = 0.7) -> None:
    """Set `ws` up to print on A4 (`landscape` or portrait), `title_rows` repeated (e.g. "2:2")."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = side_margin
    ws.page_margins.top = ws.page_margins.bottom = end_margin
    ws.oddFooter.center.text = PAGE_FOOTER
