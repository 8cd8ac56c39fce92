"""How a document is laid out, for viewers: which segment is a heading, a table cell, a header, a
comment anchored where, on which page — alongside the extracted text, never changing it.

Readers that know the layout (docx, xlsx) attach a `Structure` to their `Document`; scanning never
looks at it. Every `Block` names one segment of `Document.segments` and that segment's span in
`Document.text`, so a viewer that draws blocks still maps a finding's offsets to exactly its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

BlockKind = Literal["paragraph", "heading", "list", "cell", "header", "footer", "note", "comment",
                    "insertion", "deletion", "hidden", "textbox", "sheet-cell"]

Alignment = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True, slots=True)
class Style:
    """Paragraph look: bold/italic when the whole paragraph is, the font size of its first run in
    points (None: the document's default), alignment, heading level (1–9, 0 = body text) and the
    list label the paragraph shows ("1." or "•", None outside lists)."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    alignment: Alignment | None = None
    heading: int = 0
    list_label: str | None = None
    list_level: int = 0


PLAIN = Style()


@dataclass(frozen=True, slots=True)
class Span:
    """Character formatting of part of a block's text that differs from its paragraph `Style`
    (a bold word in normal text, an underlined or larger run): `start`/`end` relative to the
    block's segment text; the look in full (size in points, None: the paragraph's size)."""

    start: int
    end: int
    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One segment as laid out. `start`/`end`: the segment's span in `Document.text`.

    Table cells carry `table`, `row`, `col` (1-based) and `colspan`; spreadsheet cells `sheet`,
    `row` and `col`. Text shown inline inside another block (a tracked change or hidden run) and
    comments name their `host` segment and the `anchor` offset in the host's text where they sit.
    `page`: the rendered page (docx with page breaks in the file), `page_paragraph` the paragraph's
    number on that page (body paragraphs). `spans`: runs formatted unlike the paragraph, in order.
    Footnotes and endnotes, like comments, name the `host` and `anchor` of their reference mark."""

    kind: BlockKind
    segment: int
    start: int
    end: int
    style: Style = PLAIN
    page: int | None = None
    page_paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    colspan: int = 1
    sheet: str | None = None
    host: int | None = None
    anchor: int | None = None
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class TableShape:
    number: int
    rows: int
    cols: int


@dataclass(frozen=True, slots=True)
class SheetShape:
    name: str
    rows: int
    cols: int
    hidden: bool = False


@dataclass(frozen=True)
class Structure:
    """The blocks in segment order (segments without layout have none), table and sheet shapes,
    the number of rendered pages when the file records page breaks (else None), and the default
    font size (a block's `style.size` is None when it is that size)."""

    blocks: tuple[Block, ...]
    tables: tuple[TableShape, ...] = ()
    sheets: tuple[SheetShape, ...] = ()
    pages: int | None = None
    default_size: float | None = None   # the document's default font size in points (docx)

    @cached_property
    def by_segment(self) -> dict[int, Block]:
        return {b.segment: b for b in self.blocks}

    def block(self, segment: int) -> Block | None:
        return self.by_segment.get(segment)

    @cached_property
    def table_shapes(self) -> dict[int, TableShape]:
        return {t.number: t for t in self.tables}
