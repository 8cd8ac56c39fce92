"""The xlsx reader: cells, numbers as people read them, comments, hidden sheets/rows/columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import Document, Part
from app.readers import read_document
from app.readers.xlsx import format_value
from tests import builders as b


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return read_document(b.build_xlsx(tmp_path_factory.mktemp("xlsx") / "book.xlsx"))


def _cell(doc: Document, sheet: str, cell: str, part: Part = Part.CELL) -> str:
    found = [s.text for s in doc.segments
             if s.location.sheet == sheet and s.location.cell == cell and s.location.part is part]
    assert len(found) == 1, (sheet, cell, part, found)
    return found[0]


def test_cells_and_numbers(book: Document) -> None:
    assert book.format == "xlsx"
    assert _cell(book, "月报", "A2") == "地区生产总值"
    assert _cell(book, "月报", "B2") == "845.2"
    assert _cell(book, "月报", "B3") == "6.1%"
    assert _cell(book, "月报", "B4") == "12"
    assert _cell(book, "附表", "A1") == "附表内容"


def test_formula_without_cached_value_shows_formula(book: Document) -> None:
    assert _cell(book, "月报", "B5") == "=B2*2"


def test_comment(book: Document) -> None:
    comment = [s for s in book.segments if s.location.part is Part.COMMENT]
    assert len(comment) == 1
    assert comment[0].text == b.XLSX_COMMENT
    assert (comment[0].location.sheet, comment[0].location.cell) == ("月报", "B2")
    assert comment[0].location.label == "批注 作者：统计科"


def test_hidden_sheet_row_column(book: Document) -> None:
    assert _cell(book, "内部", "A1", Part.HIDDEN) == "隐藏表内容"
    assert _cell(book, "月报", "A6", Part.HIDDEN) == "隐藏行内容"
    assert _cell(book, "月报", "D1", Part.HIDDEN) == "隐藏列内容"
    labels = {s.location.label for s in book.segments if s.location.part is Part.HIDDEN}
    assert labels == {"隐藏工作表", "隐藏行", "隐藏列"}


def test_properties(book: Document) -> None:
    meta = {s.location.label: s.text for s in book.segments if s.location.part is Part.METADATA}
    assert meta == {"core:author": "统计科 王某"}


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (845.20000000000005, "General", "845.2"), (0.1 + 0.2, "General", "0.3"), (12.0, "General", "12"),
    (3, "General", "3"), (1e-5, "General", "0.00001"), (0.125, "0.0%", "12.5%"), (True, "General", "TRUE"),
])
def test_format_value(value: object, fmt: str, text: str) -> None:
    assert format_value(value, fmt) == text


def test_truncated_xlsx_is_corrupt(tmp_path: Path) -> None:
    from app.errors import ReadError

    path = b.build_xlsx(tmp_path / "cut.xlsx")
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "corrupt"


def test_sheet_layout_places_every_cell(tmp_path: Path) -> None:
    from tests import builders

    doc = read_document(builders.build_xlsx(tmp_path / "grid.xlsx"))
    assert doc.structure is not None
    shapes = {s.name: s for s in doc.structure.sheets}
    assert set(shapes) == {ws for ws in (s.location.sheet for s in doc.segments) if ws}
    assert any(s.hidden for s in shapes.values())
    for block in doc.structure.blocks:
        seg = doc.segments[block.segment]
        assert seg.location.cell is not None and block.row is not None and block.col is not None
        assert seg.location.cell.endswith(str(block.row))
        assert 1 <= block.row <= shapes[block.sheet or ""].rows and 1 <= block.col <= shapes[block.sheet or ""].cols
        assert doc.text[block.start:block.end] == seg.text
