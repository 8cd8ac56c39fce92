"""Excel (xlsx) reader (openpyxl): every non-empty cell as a CELL segment ("B7" on its sheet),
cell comments as COMMENT, cells on hidden sheets, rows or columns as HIDDEN (hidden data is still
published with the file), and workbook properties as METADATA.

Values are the cached results (`data_only=True`); a formula without a cached result is shown as
its formula text, read in a second, read-only pass only when the workbook has formulas."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.model import Document, Location, Part, Segment
from app.readers import guards
from app.structure import Block, BlockKind, SheetShape, Structure

_KIND = "Excel（xlsx）"
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_PROPS = (("creator", "author"), ("lastModifiedBy", "last_modified_by"), ("title", "title"),
          ("subject", "subject"), ("keywords", "keywords"), ("description", "comments"),
          ("category", "category"))
_PLACEHOLDERS = frozenset({"openpyxl", "python-docx", "anonymous", "untitled"})


def read(path: Path, data: bytes, sha256: str) -> Document:
    import openpyxl

    with guards.open_zip(data, _KIND) as zf:
        has_formulas = _has_formulas(zf)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise guards.corrupt(_KIND, "内部文件无法解压") from exc
    formulas = _formulas(data) if has_formulas else {}
    segments: list[Segment] = []
    shapes: list[SheetShape] = []
    try:
        for ws in wb.worksheets:
            segments += _sheet(ws, formulas.get(ws.title, {}))
            shapes.append(SheetShape(ws.title, ws.max_row or 0, ws.max_column or 0, ws.sheet_state != "visible"))
        segments += _properties(wb)
    finally:
        wb.close()
    document = Document.build(str(path), "xlsx", sha256, segments)
    return replace(document, structure=_structure(document, shapes))


def _structure(document: Document, shapes: list[SheetShape]) -> Structure:
    """Each cell (and cell comment) as a block at its sheet, row and column, for the sheet grid."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    blocks: list[Block] = []
    for index, seg in enumerate(document.segments):
        loc = seg.location
        if loc.sheet is None or not loc.cell:
            continue
        try:
            column, row = coordinate_from_string(loc.cell)
        except ValueError:
            continue
        kind: BlockKind = "comment" if loc.part is Part.COMMENT else "sheet-cell"
        blocks.append(Block(kind, index, seg.start, seg.end, sheet=loc.sheet, row=row,
                            col=column_index_from_string(column)))
    return Structure(tuple(blocks), sheets=tuple(shapes))


def _sheet(ws: Any, formulas: dict[str, str]) -> list[Segment]:
    sheet_hidden = ws.sheet_state != "visible"
    hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    hidden_cols: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min and dim.max:
            hidden_cols.update(range(dim.min, dim.max + 1))
    out: list[Segment] = []
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            coord = cell.coordinate
            text = format_value(value, cell.number_format) if value is not None else formulas.get(coord, "")
            hidden = sheet_hidden or cell.row in hidden_rows or cell.column in hidden_cols
            if text.strip():
                part = Part.HIDDEN if hidden else Part.CELL
                label = _hidden_label(sheet_hidden, cell.row in hidden_rows, cell.column in hidden_cols)
                out.append(Segment(text, Location(part, sheet=ws.title, cell=coord, label=label)))
            comment = cell.comment
            if comment is not None and (comment.text or "").strip():
                author = (comment.author or "").strip() or "未署名"
                out.append(Segment(comment.text.strip(), Location(Part.COMMENT, sheet=ws.title, cell=coord,
                                                                  label=f"批注 作者：{author}")))
    return out


def _hidden_label(sheet: bool, row: bool, col: bool) -> str | None:
    if sheet:
        return "隐藏工作表"
    if row:
        return "隐藏行"
    if col:
        return "隐藏列"
    return None


def format_value(value: Any, number_format: str = "General") -> str:
    """A cell value as a person reads it: 845.2 (not 845.20000000000005), 12 (not 12.0), 12.5%."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        percent = isinstance(number_format, str) and number_format.rstrip().endswith("%")
        number = value * 100 if percent else value
        return _number(number) + ("%" if percent else "")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text and -10 < int(text.split("e")[1]) < 21:
        text = format(Decimal(text), "f")  # the 15-digit decimal string, written out without noise
    return text


def _has_formulas(zf: zipfile.ZipFile) -> bool:
    for name in zf.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml") \
                and _FORMULA.search(guards.read_member(zf, name, _KIND)):
            return True
    return False


def _formulas(data: bytes) -> dict[str, dict[str, str]]:
    """Formula text per sheet and cell (second pass, read-only, without cached values)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    out: dict[str, dict[str, str]] = {}
    try:
        for ws in wb.worksheets:
            cells: dict[str, str] = {}
            for row in ws.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if isinstance(value, str) and value.startswith("="):
                        cells[cell.coordinate] = value
                    elif value is not None and type(value).__name__ == "ArrayFormula":
                        cells[cell.coordinate] = str(getattr(value, "text", ""))
            out[ws.title] = cells
    finally:
        wb.close()
    return out


def _properties(wb: Any) -> list[Segment]:
    props = wb.properties
    out: list[Segment] = []
    for attr, key in _PROPS:
        value = getattr(props, attr, None)
        if isinstance(value, str) and value.strip() and value.strip().lower() not in _PLACEHOLDERS:
            out.append(Segment(value.strip(), Location(Part.METADATA, label=f"core:{key}")))
    return out
