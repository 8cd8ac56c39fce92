"""Puts one part of a `rich_plan.Plan` into a QTextDocument, recording where each segment's text
landed, so that a finding's offsets map to exactly its characters.

The document is filled while it is not shown (no layout runs during the inserts: that is what
makes a 100,000-character part take tens of milliseconds rather than seconds), step by step from
a generator so the caller can spread the work over event-loop turns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextTableFormat,
)

from app.model import Document
from app.structure import Span, Style
from ui.document.rich_plan import BADGES, Cell, Inline, Item, note_badge
from ui.document.text_offsets import display_text

#: size steps Qt offers relative to the base font (QTextCharFormat.FontSizeAdjustment -2..4)
_STEPS = ((-2, 0.7), (-1, 0.8), (0, 1.0), (1, 1.2), (2, 1.5), (3, 2.0), (4, 2.4))
_HEADING_STEP = {1: 2, 2: 1, 3: 1}
_ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
          "right": Qt.AlignmentFlag.AlignRight, "justify": Qt.AlignmentFlag.AlignJustify}
_SIDE_LOOK = {"insertion": ("#1a7f37", "修订：插入的文字（尚未接受）"),
              "deletion": ("#b42318", "修订：删除的文字（尚未接受，文件中仍可读出）"),
              "hidden": ("#6b6b6b", "隐藏文字：页面上看不到，文件中可读出")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("document_view", text)


@dataclass
class SegmentMap:
    """Per segment: the (offset in the segment, position in its part's QTextDocument) where each
    drawn piece of its text starts, in order (a paragraph with an inline change has several)."""

    pieces: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, segment: int, offset: int, position: int) -> None:
        self.pieces.setdefault(segment, []).append((offset, position))


def _size_step(size: float | None, default: float | None) -> int:
    if size is None:
        return 0
    ratio = size / (default or 12.0)
    return min(_STEPS, key=lambda s: abs(s[1] - ratio))[0]


def _char_format(style: Style, default_size: float | None) -> QTextCharFormat:
    fmt = QTextCharFormat()
    step = _size_step(style.size, default_size)
    if style.heading:
        step = max(step, _HEADING_STEP.get(style.heading, 0))
    if step:
        fmt.setProperty(QTextFormat.Property.FontSizeAdjustment, step)
    if style.bold or style.heading:
        fmt.setFontWeight(QFont.Weight.Bold)
    if style.italic:
        fmt.setFontItalic(True)
    return fmt


def _span_format(fmt: QTextCharFormat, span: Span, style: Style, default_size: float | None) -> QTextCharFormat:
    """The paragraph's character format with one run's own look over it."""
    out = QTextCharFormat(fmt)
    out.setFontWeight(QFont.Weight.Bold if span.bold or style.heading else QFont.Weight.Normal)
    out.setFontItalic(span.italic)
    if span.underline:
        out.setFontUnderline(True)
    if span.size is not None:
        step = _size_step(span.size, default_size)
        if style.heading:
            step = max(step, _HEADING_STEP.get(style.heading, 0))
        out.setProperty(QTextFormat.Property.FontSizeAdjustment, step)
    return out


def _block_format(style: Style, role: str) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    if style.alignment is not None:
        fmt.setAlignment(_ALIGN[style.alignment])
    if style.heading:
        fmt.setTopMargin(10)
        fmt.setBottomMargin(4)
        fmt.setHeadingLevel(min(style.heading, 6))
    else:
        fmt.setBottomMargin(3)
    if style.list_label:
        fmt.setIndent(1 + style.list_level)
    if role in ("header", "footer"):
        fmt.setAlignment(_ALIGN[style.alignment or "center"])
        fmt.setBackground(QColor("#f6f6f6"))
    return fmt


class PartBuilder:
    """Fills `qdoc` with `items`; `steps()` yields after each item."""

    def __init__(self, qdoc: QTextDocument, items: list[Item], document: Document, segmap: SegmentMap,
                 default_size: float | None, comment_numbers: dict[int, int]) -> None:
        self.qdoc = qdoc
        self.items = items
        self.document = document
        self.segmap = segmap
        self.default_size = default_size
        self.comment_numbers = comment_numbers
        self.cur = QTextCursor(qdoc)
        self._fresh = True            # the cursor's block is empty and unused
        self.page_positions: dict[int, int] = {}
        self._grey = QTextCharFormat()
        self._grey.setForeground(QColor("#777777"))
        self._title = QTextCharFormat()
        self._title.setFontWeight(QFont.Weight.Bold)
        self._title.setForeground(QColor("#1f3f77"))

    def steps(self) -> Iterator[None]:
        last_role = "body"
        items = self.items
        for k, item in enumerate(items):
            if item.kind == "table":
                self._table(item)
            elif item.kind == "page":
                fmt = QTextBlockFormat()
                fmt.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                fmt.setTopMargin(6)
                fmt.setBottomMargin(6)
                self._block(fmt, self._grey)
                if item.page is not None:
                    self.page_positions.setdefault(item.page, self.cur.position())
                self.cur.insertText(_tr("—— 第 {0} 页 ——").format(item.page) if item.page else item.text,
                                    self._grey)
            elif item.kind == "title":
                fmt = QTextBlockFormat()
                fmt.setBackground(QColor("#e6ecf7"))
                fmt.setTopMargin(10)
                self._block(fmt, self._title)
                self.cur.insertText(_tr(item.text), self._title)
            else:
                block = _block_format(item.style, item.role)
                if item.role == "header" and last_role != "header":
                    block.setTopMargin(2)
                if item.role == "footer" and last_role != "footer":
                    block.setTopMargin(14)
                fmt = _char_format(item.style, self.default_size)
                if item.role in ("header", "footer"):
                    fmt.setForeground(QColor("#555555"))
                    fmt.setToolTip(_tr("页眉") if item.role == "header" else _tr("页脚"))
                self._block(block, fmt)
                if item.role in ("header", "footer"):
                    self.cur.insertText(_tr("页眉") + "  " if item.role == "header" else _tr("页脚") + "  ",
                                        self._badge("#eeeeee", ""))
                if item.prefix:
                    self.cur.insertText(item.prefix, self._grey)
                if item.style.list_label:
                    self.cur.insertText(item.style.list_label + " ", fmt)
                self._text(item.segment, item.inlines, fmt, item.spans, item.style)
                if item.role == "header" and not (k + 1 < len(items) and items[k + 1].role == "header"):
                    rule = QTextBlockFormat()
                    rule.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth,
                                     QTextLength(QTextLength.Type.PercentageLength, 100))
                    self.cur.mergeBlockFormat(rule)
            last_role = item.role if item.kind == "para" else item.kind
            yield

    def _block(self, block: QTextBlockFormat, fmt: QTextCharFormat) -> None:
        if self._fresh:
            self.cur.setBlockFormat(block)
            self.cur.setBlockCharFormat(fmt)
            self._fresh = False
        else:
            self.cur.insertBlock(block, fmt)

    def _badge(self, colour: str, tip: str) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour))
        fmt.setForeground(QColor("#333333"))
        fmt.setProperty(QTextFormat.Property.FontSizeAdjustment, -1)
        if tip:
            fmt.setToolTip(tip)
        return fmt

    def _run(self, text: str, a: int, b: int, fmt: QTextCharFormat, spans: tuple[Span, ...],
             style: Style) -> None:
        """text[a:b] in the paragraph's format, the runs of `spans` in their own look (one
        character per character: the segment map stays what it was)."""
        k = a
        for span in spans:
            lo, hi = max(span.start, k), min(span.end, b)
            if lo >= hi:
                continue
            if lo > k:
                self.cur.insertText(text[k:lo], fmt)
            self.cur.insertText(text[lo:hi], _span_format(fmt, span, style, self.default_size))
            k = hi
        if b > k:
            self.cur.insertText(text[k:b], fmt)

    def _text(self, segment: int, inlines: tuple[Inline, ...], fmt: QTextCharFormat,
              spans: tuple[Span, ...] = (), style: Style | None = None) -> None:
        """The segment's text with its runs' own looks, inline changes and comment and note
        badges at their offsets."""
        segs = self.document.segments
        text = display_text(segs[segment].text)
        look = style or Style()
        k = 0
        for inline in inlines:
            if inline.at > k:
                self.segmap.add(segment, k, self.cur.position())
                self._run(text, k, inline.at, fmt, spans, look)
                k = inline.at
            side = segs[inline.segment]
            if inline.kind == "comment":
                number = self.comment_numbers.get(inline.segment, inline.number)
                tip = f"{side.location.label or _tr('批注')}\n{side.text}"
                self.cur.insertText(BADGES["comment"].format(number), self._badge("#fff1b8", tip))
                continue
            if inline.kind == "note":
                badge = self._badge("#e3ecfb", f"{side.location.label or _tr('脚注')}\n{side.text}")
                badge.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
                self.cur.insertText(note_badge(side), badge)
                continue
            colour, tip = _SIDE_LOOK[inline.kind]
            self.cur.insertText(BADGES[inline.kind], self._badge("#eeeeee", _tr(tip)))
            look = QTextCharFormat(fmt)
            look.setForeground(QColor(colour))
            look.setToolTip(_tr(tip))
            if inline.kind == "deletion":
                look.setFontStrikeOut(True)
            elif inline.kind == "insertion":
                look.setFontUnderline(True)
            else:
                look.setBackground(QBrush(QColor("#ececec"), Qt.BrushStyle.Dense4Pattern))
            self.segmap.add(inline.segment, 0, self.cur.position())
            self.cur.insertText(display_text(side.text), look)
        self.segmap.add(segment, k, self.cur.position())
        self._run(text, k, len(text), fmt, spans, look)

    def _table(self, item: Item) -> None:
        fmt = QTextTableFormat()
        fmt.setBorder(1)
        fmt.setBorderBrush(QBrush(QColor("#999999")))
        fmt.setBorderStyle(QTextTableFormat.BorderStyle.BorderStyle_Solid)
        fmt.setCellPadding(4)
        fmt.setCellSpacing(0)
        fmt.setBorderCollapse(True)
        fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        fmt.setTopMargin(4)
        fmt.setBottomMargin(4)
        rows, cols = max(1, item.rows), max(1, item.cols)
        if not self._fresh:
            self.cur.insertBlock()
        table = self.cur.insertTable(rows, cols, fmt)
        for cell in item.cells:
            if cell.colspan > 1 and cell.col - 1 + cell.colspan <= cols:
                table.mergeCells(cell.row - 1, cell.col - 1, 1, cell.colspan)
        for cell in sorted(item.cells, key=lambda c: (c.row, c.col)):   # in position order
            self._cell(table, cell, rows, cols)
        self.cur.movePosition(QTextCursor.MoveOperation.End)
        self._fresh = True

    def _cell(self, table, cell: Cell, rows: int, cols: int) -> None:
        if not (1 <= cell.row <= rows and 1 <= cell.col <= cols):
            return
        cursor = table.cellAt(cell.row - 1, cell.col - 1).firstCursorPosition()
        fmt = _char_format(cell.style, self.default_size)
        if cell.style.alignment is not None:
            block = QTextBlockFormat()
            block.setAlignment(_ALIGN[cell.style.alignment])
            cursor.setBlockFormat(block)
        saved, self.cur = self.cur, cursor
        try:
            self._text(cell.segment, cell.inlines, fmt, cell.spans, cell.style)
        finally:
            self.cur = saved
