"""Text documents (docx, txt, html, xlsx…) shown as text with every finding highlighted in place.

Body text first; headers/footers, notes, text boxes, comments, tracked changes, hidden text and
document properties follow in their own marked sections. `positions[i]` is where segment i starts
in the QTextDocument, so a finding's offsets map straight to a cursor range.
"""

from __future__ import annotations

import re
import threading
import weakref
from bisect import bisect_left
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from app.model import Document, DocumentReport, Finding, Part, Segment
from ui.document.text_offsets import display_text, finding_pieces
from ui.review.dispositions import Dispositions
from ui.shell.labels import DISMISSED_BG, SEVERITY_BG, SEVERITY_FG


def _tr(text: str) -> str:
    return QCoreApplication.translate("document_view", text)


#: Sections after the body: (title, parts). Body-like parts stay in the main flow.
SECTIONS: tuple[tuple[str, frozenset[Part]], ...] = (
    ("页眉和页脚", frozenset({Part.HEADER, Part.FOOTER})),
    ("脚注和尾注", frozenset({Part.FOOTNOTE, Part.ENDNOTE})),
    ("文本框", frozenset({Part.TEXTBOX})),
    ("网页属性（图片说明、链接标题）", frozenset({Part.ATTRIBUTE})),
    ("批注（发布后读者可见）", frozenset({Part.COMMENT})),
    ("修订（未接受的插入和删除）", frozenset({Part.INSERTION, Part.DELETION})),
    ("隐藏文字（页面上看不到，文件中可读出）", frozenset({Part.HIDDEN})),
    ("文档属性", frozenset({Part.METADATA})),
)
_SECTION_PARTS = frozenset().union(*(parts for _, parts in SECTIONS))

_PART_PREFIX = {
    Part.TABLE: "表格", Part.HEADER: "页眉", Part.FOOTER: "页脚", Part.FOOTNOTE: "脚注", Part.ENDNOTE: "尾注",
    Part.TEXTBOX: "文本框", Part.COMMENT: "批注", Part.INSERTION: "插入", Part.DELETION: "删除",
    Part.HIDDEN: "隐藏", Part.METADATA: "属性", Part.CELL: "单元格", Part.ATTRIBUTE: "属性", Part.TITLE: "标题",
}


def _prefix(seg: Segment) -> str:
    loc = seg.location
    name = _PART_PREFIX.get(loc.part)
    if name is None:
        return ""
    bits = [_tr(name)]
    if loc.sheet:
        bits.append(loc.sheet)
    if loc.table:
        bits.append(_tr("表{0}").format(loc.table))
    if loc.cell:
        bits.append(loc.cell)
    if loc.label:
        bits.append(loc.label)
    return "［" + " ".join(bits) + "］ "


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _astral(text: str) -> list[int]:
    """Indices of characters outside the BMP (two UTF-16 units in Qt)."""
    return [m.start() for m in _ASTRAL.finditer(text)]


def _u16(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


@dataclass(frozen=True)
class TextLayout:
    """The plain text the view shows for a document, laid out without Qt objects so that a
    worker can prepare it: the text, each segment's start position (UTF-16), each segment's
    astral-character indices, and the formatting to apply ("heading" | "prefix", start, end)."""

    text: str
    positions: list[int]
    astral: list[list[int]]
    ops: list[tuple[str, int, int]]


_prepared: dict[int, tuple[weakref.ref[Document], TextLayout]] = {}
_prepared_lock = threading.Lock()


def prepare_layout(document: Document) -> TextLayout:
    """Lay the document out (pure Python, safe in a worker) and remember it for `set_report`."""
    layout = layout_text(document)
    key = id(document)
    with _prepared_lock:
        _prepared[key] = (weakref.ref(document, lambda _r, k=key: _forget(k)), layout)
    return layout


def _forget(key: int) -> None:
    with _prepared_lock:
        _prepared.pop(key, None)


def _layout_for(document: Document) -> TextLayout:
    with _prepared_lock:
        entry = _prepared.get(id(document))
    if entry is not None and entry[0]() is document:
        return entry[1]
    return layout_text(document)


def layout_text(document: Document) -> TextLayout:
    lines: list[str] = []
    ops: list[tuple[str, int, int]] = []
    positions = [0] * len(document.segments)
    astral: list[list[int]] = [[] for _ in document.segments]
    pos = 0

    def line(text: str) -> int:
        nonlocal pos
        if lines:
            pos += 1
        at = pos
        lines.append(text)
        pos += _u16(text)
        return at

    def heading(text: str) -> None:
        at = line(text)
        ops.append(("heading", at, at + _u16(text)))

    def put(index: int, seg: Segment) -> None:
        pre = _prefix(seg)
        at = line(pre + display_text(seg.text))   # same length as seg.text: offsets map 1:1
        if pre:
            ops.append(("prefix", at, at + _u16(pre)))
        positions[index] = at + _u16(pre)
        astral[index] = _astral(seg.text)

    last_page: int | None = None
    for i, seg in enumerate(document.segments):
        if seg.location.part in _SECTION_PARTS:
            continue
        if seg.location.part is Part.PAGE and seg.location.page != last_page:
            last_page = seg.location.page
            heading(_tr("—— 第 {0} 页 ——").format(last_page))
        put(i, seg)
    for title, parts in SECTIONS:
        members = [(i, s) for i, s in enumerate(document.segments) if s.location.part in parts]
        if not members:
            continue
        heading(f"■ {_tr(title)}")
        for i, seg in members:
            put(i, seg)
    return TextLayout("\n".join(lines), positions, astral, ops)


def build_text_document(document: Document) -> tuple[QTextDocument, list[int], list[list[int]],
                                                       list[tuple[str, int, int]]]:
    """A QTextDocument for `document` (one insert: fast; the layout comes from the worker when
    `prepare_layout` ran there), each segment's start position and astral indices, and the
    formatting still to apply."""
    qdoc, rest, positions, astral, ops = start_text_document(document)
    if rest:
        append_text(qdoc, rest)
    return qdoc, positions, astral, ops


#: characters inserted per event-loop turn (≈15 ms for 150,000): a 1,000-page draft is put into
#: the view in several turns instead of one 110 ms insert
INSERT_CHUNK = 150_000


def start_text_document(document: Document) -> tuple[QTextDocument, str, list[int], list[list[int]],
                                                       list[tuple[str, int, int]]]:
    """A QTextDocument holding the first INSERT_CHUNK characters of the view text, and the rest
    still to append (empty for most documents)."""
    layout = _layout_for(document)
    qdoc = QTextDocument()
    qdoc.setUndoRedoEnabled(False)
    qdoc.setDocumentLayout(QPlainTextDocumentLayout(qdoc))
    QTextCursor(qdoc).insertText(layout.text[:INSERT_CHUNK])
    return qdoc, layout.text[INSERT_CHUNK:], layout.positions, layout.astral, layout.ops


def append_text(qdoc: QTextDocument, text: str) -> None:
    cur = QTextCursor(qdoc)
    cur.movePosition(QTextCursor.MoveOperation.End)
    cur.insertText(text)


def _heading_formats() -> tuple[QTextCharFormat, QTextBlockFormat, QTextCharFormat]:
    heading_fmt = QTextCharFormat()
    heading_fmt.setFontWeight(QFont.Weight.Bold)
    heading_fmt.setForeground(QColor("#1f3f77"))
    heading_block = QTextBlockFormat()
    heading_block.setBackground(QColor("#e6ecf7"))
    heading_block.setTopMargin(8)
    prefix_fmt = QTextCharFormat()
    prefix_fmt.setForeground(QColor("#777777"))
    return heading_fmt, heading_block, prefix_fmt


#: formatting operations applied per event-loop turn (≈70 µs each), so a long document never
#: stalls the window while its highlights are painted
FORMAT_CHUNK = 150


class TextDocumentView(QWidget):
    """The text of a document with findings highlighted; `show_finding` scrolls to one."""

    finding_clicked = Signal(str)     # finding id under a click

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit(self)
        self.editor.setReadOnly(True)
        self.editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setObjectName("documentText")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
        self.report: DocumentReport | None = None
        self.dispositions: Dispositions | None = None
        self._positions: list[int] = []
        self._astral: list[list[int]] = []
        self._by_id: dict[str, Finding] = {}
        self._current: str | None = None
        self._search: list[QTextEdit.ExtraSelection] = []
        self._zoom = 0
        self._pending: list[tuple[str, int, int, str]] = []
        self._rest = ""                       # view text still to append (large documents)
        self._wanted: Finding | None = None   # shown once the text is complete
        self._format_timer = QTimer(self)
        self._format_timer.setInterval(0)
        self._format_timer.timeout.connect(self._format_some)
        self.editor.cursorPositionChanged.connect(self._cursor_moved)

    # --- content ---------------------------------------------------------------------------
    def set_report(self, report: DocumentReport, dispositions: Dispositions) -> None:
        assert report.document is not None
        self.report = report
        self.dispositions = dispositions
        qdoc, self._rest, self._positions, self._astral, ops = start_text_document(report.document)
        qdoc.setParent(self.editor)
        qdoc.setDefaultFont(self.editor.font())
        self.editor.setDocument(qdoc)
        self._by_id = {f.id: f for f in report.findings}
        ordered = sorted(report.findings, key=lambda f: f.severity.rank)  # louder paints last
        # findings first (in view order), then the section headings and grey prefixes
        self._pending = [("finding", 0, 0, f.id) for f in ordered] + [(k, a, b, "") for k, a, b in ops]
        self._pending.reverse()
        if self._pending or self._rest:
            self._format_timer.start()  # text and highlights added in chunks by the event loop
        dispositions.changed.connect(self.refresh_finding)
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)

    @property
    def text_done(self) -> bool:
        """All of the document's text is in the view (large documents arrive in chunks)."""
        return not self._rest

    @property
    def formatting_done(self) -> bool:
        return not self._pending and not self._rest

    def _format_some(self) -> None:
        if self._rest:      # the text first: highlights need every position to exist
            chunk, self._rest = self._rest[:INSERT_CHUNK], self._rest[INSERT_CHUNK:]
            append_text(self.editor.document(), chunk)
            if not self._rest and self._wanted is not None:
                wanted, self._wanted = self._wanted, None
                self.show_finding(wanted)
            if not self._rest and not self._pending:
                self._format_timer.stop()
            return
        heading_fmt, heading_block, prefix_fmt = _heading_formats()
        doc = self.editor.document()
        cur = QTextCursor(doc)
        for _ in range(min(FORMAT_CHUNK, len(self._pending))):
            kind, a, b, fid = self._pending.pop()
            if kind == "finding":
                f = self._by_id.get(fid)
                if f is not None:
                    self._paint(f)
                continue
            cur.setPosition(a)
            cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            if kind == "heading":
                cur.mergeBlockFormat(heading_block)
                cur.mergeCharFormat(heading_fmt)
            else:
                cur.mergeCharFormat(prefix_fmt)
        if not self._pending:
            self._format_timer.stop()

    def shutdown(self) -> None:
        self._format_timer.stop()
        self._pending = []
        self._rest = ""

    def position(self, offset: int, segment: int | None = None) -> int:
        """The QTextDocument position of a Document.text offset."""
        doc = self.report.document if self.report else None
        if doc is None or not doc.segments:
            return 0
        i = doc.segment_at(offset) if segment is None else segment
        seg = doc.segments[i]
        k = max(0, min(offset - seg.start, len(seg.text)))
        return self._positions[i] + k + bisect_left(self._astral[i], k)

    def _view_position(self, segment: int, k: int) -> int:
        return self._positions[segment] + k + bisect_left(self._astral[segment], k)

    def finding_ranges(self, f: Finding) -> list[tuple[int, int]]:
        """The view ranges of a finding, one per segment it covers (ui.document.text_offsets mapping)."""
        doc = self.report.document if self.report else None
        if doc is None:
            return []
        limit = max(0, self.editor.document().characterCount() - 1)
        out = []
        for i, a, b in finding_pieces(doc, f):
            start, end = self._view_position(i, a), self._view_position(i, b)
            out.append((min(start, limit), min(max(start, end), limit)))
        return out

    def finding_range(self, f: Finding) -> tuple[int, int]:
        ranges = self.finding_ranges(f)
        if not ranges:
            return 0, 0
        a, b = ranges[0]
        if ranges[-1][0] >= b:        # pieces in view order: the span from the first to the last
            b = ranges[-1][1]
        return a, b

    def _cursors(self, f: Finding) -> list[QTextCursor]:
        out = []
        for a, b in self.finding_ranges(f) or [(0, 0)]:
            cur = QTextCursor(self.editor.document())
            cur.setPosition(a)
            cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            out.append(cur)
        return out

    def _cursor(self, f: Finding) -> QTextCursor:
        return self._cursors(f)[0]

    def finding_text(self, f: Finding) -> str:
        """What the view highlights for `f` (pieces joined), as plain text."""
        return "".join(c.selectedText() for c in self._cursors(f)).replace("\u2029", "\n")

    def _paint(self, f: Finding) -> None:
        fmt = QTextCharFormat()
        is_open = self.dispositions is None or self.dispositions.is_open(f.id)
        fmt.setBackground(QColor(SEVERITY_BG[f.severity] if is_open else DISMISSED_BG))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline if is_open
                              else QTextCharFormat.UnderlineStyle.NoUnderline)
        fmt.setUnderlineColor(QColor(SEVERITY_FG[f.severity]))
        fmt.setProperty(QTextFormat.Property.UserProperty, f.id)
        for cur in self._cursors(f):
            cur.mergeCharFormat(fmt)

    def refresh_finding(self, finding_id: str) -> None:
        f = self._by_id.get(finding_id)
        if f is not None:
            self._paint(f)

    # --- navigation ----------------------------------------------------------------------------
    def show_finding(self, f: Finding) -> None:
        if self._rest:
            self._wanted = f
            self._current = f.id
            return
        self._current = f.id
        cur = self._cursor(f)
        self._update_extra()
        end = QTextCursor(cur)
        end.setPosition(cur.selectionEnd())
        self.editor.setTextCursor(end)
        self.editor.centerCursor()

    def current_finding(self) -> str | None:
        return self._current

    def _update_extra(self) -> None:
        extras = list(self._search)
        f = self._by_id.get(self._current or "")
        if f is not None:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(SEVERITY_FG[f.severity]))
            fmt.setForeground(QColor("white"))
            for cur in self._cursors(f):
                sel = QTextEdit.ExtraSelection()
                sel.cursor = cur
                sel.format = fmt
                extras.append(sel)
        self.editor.setExtraSelections(extras)

    def _cursor_moved(self) -> None:
        if not self.editor.textCursor().hasSelection():
            fid = self.editor.textCursor().charFormat().property(QTextFormat.Property.UserProperty)
            if fid and fid in self._by_id and fid != self._current and self.editor.hasFocus():
                self.finding_clicked.emit(fid)

    # --- search and zoom -------------------------------------------------------------------------
    def find(self, text: str, backward: bool = False) -> bool:
        if not text:
            self._search = []
            self._update_extra()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        doc = self.editor.document()
        cur = doc.find(text, self.editor.textCursor(), flags)
        if cur.isNull():  # wrap around
            start = QTextCursor(doc)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            cur = doc.find(text, start, flags)
        if cur.isNull():
            self._search = []
            self._update_extra()
            return False
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cur
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#7fd17f"))
        sel.format = fmt
        self._search = [sel]
        self._update_extra()
        self.editor.setTextCursor(cur)
        self.editor.centerCursor()
        return True

    def zoom(self, steps: int) -> None:
        if steps == 0:
            self.editor.zoomOut(self._zoom)
            self._zoom = 0
            return
        new = max(-6, min(20, self._zoom + steps))
        self.editor.zoomIn(new - self._zoom)
        self._zoom = new

    @property
    def zoom_steps(self) -> int:
        return self._zoom

    def page_count(self) -> int:
        return 0

    def go_to_page(self, page: int) -> None:
        pass
