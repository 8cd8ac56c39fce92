"""Text documents (docx, txt, html, PDF text mode…) shown like the document, with every finding
highlighted in place.

What is drawn comes from `ui.document.rich_plan` (headings, styled paragraphs, tables, inline
tracked changes and comment badges, page markers, sections for notes/comments/properties); how
it is put into Qt from `ui.document.rich_build`. A long document is cut into parts of about
`rich_plan.PART_CHARS` characters, each its own QTextDocument: a part is filled while it is not
shown, in steps spread over event-loop turns, and Qt lays out at most one part at a time, so
opening or resizing a 1,000-page draft never stalls the window. `finding_ranges` maps a finding's
offsets through the recorded piece positions to exactly its characters.
"""

from __future__ import annotations

import threading
import time
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextEdit, QToolButton, QVBoxLayout, QWidget

from app.model import Document, DocumentReport, Finding
from ui.document.rich_build import PartBuilder, SegmentMap
from ui.document.rich_plan import Plan, make_plan
from ui.document.text_offsets import finding_pieces
from ui.review.dispositions import Dispositions
from ui.shell.labels import DISMISSED_BG, SEVERITY_BG, SEVERITY_FG


def _tr(text: str) -> str:
    return QCoreApplication.translate("document_view", text)


_prepared: dict[int, tuple[weakref.ref[Document], Plan]] = {}
_prepared_lock = threading.Lock()


def prepare_layout(document: Document) -> Plan:
    """Work out what the view draws (pure Python, safe in a worker) and keep it for `set_report`."""
    plan = make_plan(document)
    key = id(document)
    with _prepared_lock:
        _prepared[key] = (weakref.ref(document, lambda _r, k=key: _forget(k)), plan)
    return plan


def _forget(key: int) -> None:
    with _prepared_lock:
        _prepared.pop(key, None)


def _plan_for(document: Document) -> Plan:
    with _prepared_lock:
        entry = _prepared.get(id(document))
    if entry is not None and entry[0]() is document:
        return entry[1]
    return make_plan(document)


#: a part this small is filled at once (no visible delay); larger ones in timed steps
SYNC_CHARS = 20_000
#: milliseconds of work per event-loop turn while a part is filled or painted
STEP_MS = 12


class _Built:
    """One part: its QTextDocument, where each segment's pieces and each page marker are."""

    def __init__(self, qdoc: QTextDocument, segmap: SegmentMap, pages: dict[int, int]) -> None:
        self.qdoc = qdoc
        self.segmap = segmap
        self.pages = pages


class TextDocumentView(QWidget):
    """The document with findings highlighted; `show_finding` scrolls to one."""

    finding_clicked = Signal(str)     # finding id under a click
    part_changed = Signal(int)        # the part shown (long documents)
    page_changed = Signal(int)        # the page at the top of the view (documents with page markers)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QTextEdit(self)
        self.editor.setReadOnly(True)
        self.editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.editor.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setObjectName("documentText")
        self.part_bar = QWidget(self)
        bar = QHBoxLayout(self.part_bar)
        bar.setContentsMargins(4, 2, 4, 2)
        self.part_label = QLabel(self.part_bar)
        self.prev_part = QToolButton(self.part_bar)
        self.prev_part.setText(_tr("◀ 上一部分"))
        self.next_part = QToolButton(self.part_bar)
        self.next_part.setText(_tr("下一部分 ▶"))
        bar.addWidget(self.part_label, 1)
        bar.addWidget(self.prev_part)
        bar.addWidget(self.next_part)
        self.prev_part.clicked.connect(lambda: self.show_part(self._shown - 1))
        self.next_part.clicked.connect(lambda: self.show_part(self._shown + 1))
        self.part_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.part_bar)
        layout.addWidget(self.editor)
        self.report: DocumentReport | None = None
        self.dispositions: Dispositions | None = None
        self.plan: Plan | None = None
        self._built: dict[int, _Built] = {}
        self._by_id: dict[str, Finding] = {}
        self._by_part: dict[int, list[Finding]] = {}
        self._astral: dict[int, list[int]] = {}
        self._comment_numbers: dict[int, int] = {}
        self._shown = -1
        self._current: str | None = None
        self._search: list[QTextEdit.ExtraSelection] = []
        self._zoom = 0
        self._job: Iterator[None] | None = None   # the part being filled and painted
        self._job_part = -1
        self._wanted: tuple[int, Finding | None, int | None] | None = None   # (part, finding, position)
        self._pending_page: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._work)
        self.editor.cursorPositionChanged.connect(self._cursor_moved)
        self._top_page = 0
        self.editor.verticalScrollBar().valueChanged.connect(self._scrolled)

    # --- content ---------------------------------------------------------------------------
    def set_report(self, report: DocumentReport, dispositions: Dispositions) -> None:
        assert report.document is not None
        self.report = report
        self.dispositions = dispositions
        self.plan = _plan_for(report.document)
        self._by_id = {f.id: f for f in report.findings}
        self._by_part = {}
        for f in sorted(report.findings, key=lambda f: f.severity.rank):   # louder paints last
            self._by_part.setdefault(self._part_of(f), []).append(f)
        self._astral = self.plan.astral
        self._comment_numbers = self.plan.comment_numbers
        self.part_bar.setVisible(len(self.plan.parts) > 1)
        dispositions.changed.connect(self.refresh_finding)
        self._want(0, None, 0)

    def _part_of(self, f: Finding) -> int:
        assert self.plan is not None
        return self.plan.segment_part.get(f.segment, 0)

    @property
    def text_done(self) -> bool:
        """The part to be shown is filled and shown (long documents are filled in steps)."""
        return self._wanted is None and self._shown >= 0

    @property
    def formatting_done(self) -> bool:
        return self.text_done and self._job is None

    @property
    def part_count(self) -> int:
        return len(self.plan.parts) if self.plan else 0

    @property
    def shown_part(self) -> int:
        return self._shown

    def _want(self, part: int, finding: Finding | None, position: int | None) -> None:
        """Show `part` (filling it first), then `finding` or `position` in it."""
        if part in self._built:
            self._attach(part)
            self._wanted = None
            self._land(finding, position)
            return
        self._wanted = (part, finding, position)
        if self._job is None or self._job_part != part:
            self._job = self._fill(part)
            self._job_part = part
        if self._size(part) <= SYNC_CHARS:
            self._work(budget=None)
        else:
            self._timer.start()

    def _size(self, part: int) -> int:
        assert self.plan is not None
        return self.plan.part_sizes[part] if part < len(self.plan.part_sizes) else 0

    def _fill(self, part: int) -> Iterator[None]:
        assert self.plan is not None and self.report is not None and self.report.document is not None
        qdoc = QTextDocument(self)
        qdoc.setUndoRedoEnabled(False)
        qdoc.setDefaultFont(self.editor.font())
        segmap = SegmentMap()
        builder = PartBuilder(qdoc, self.plan.parts[part], self.report.document, segmap,
                              self.plan.default_size, self._comment_numbers)
        yield from builder.steps()
        built = _Built(qdoc, segmap, builder.page_positions)
        for f in self._by_part.get(part, []):     # painted before Qt lays the part out: cheap
            self._paint(f, built)
            yield
        self._built[part] = built

    def _work(self, budget: float | None = STEP_MS) -> None:
        job = self._job
        if job is None:
            self._timer.stop()
            return
        end = None if budget is None else time.perf_counter() + budget / 1000
        try:
            while end is None or time.perf_counter() < end:
                next(job)
        except StopIteration:
            self._job = None
            self._timer.stop()
            wanted, self._wanted = self._wanted, None
            if wanted is not None and wanted[0] in self._built:
                self._attach(wanted[0])
                self._land(wanted[1], wanted[2])
            elif wanted is not None:
                self._want(*wanted)

    def _attach(self, part: int) -> None:
        if part == self._shown:
            return
        built = self._built[part]
        if built.qdoc.defaultFont() != self.editor.font():     # zoomed since it was filled
            built.qdoc.setDefaultFont(self.editor.font())
        self.editor.setDocument(built.qdoc)
        self._shown = part
        self._update_part_bar()
        self._update_extra()
        self.part_changed.emit(part)

    def _update_part_bar(self) -> None:
        if self.plan is None or len(self.plan.parts) <= 1:
            return
        first, last = self.plan.part_pages[self._shown]
        pages = _tr("（第 {0}–{1} 页）").format(first, last) if first else ""
        self.part_label.setText(_tr("长文档分部分显示：第 {0}/{1} 部分{2}").format(
            self._shown + 1, len(self.plan.parts), pages))
        self.prev_part.setEnabled(self._shown > 0)
        self.next_part.setEnabled(self._shown < len(self.plan.parts) - 1)

    def show_part(self, part: int) -> None:
        if self.plan is not None and 0 <= part < len(self.plan.parts):
            self._want(part, None, 0)

    def shutdown(self) -> None:
        self._timer.stop()
        self._job = None
        self._wanted = None

    # --- offsets -> view positions ------------------------------------------------------------
    def _pos(self, built: _Built, segment: int, k: int, *, end: bool = False) -> int:
        pieces = built.segmap.pieces.get(segment)
        if not pieces:
            return 0
        keys = [p[0] for p in pieces]
        j = (bisect_left(keys, k) if end else bisect_right(keys, k)) - 1
        j = max(0, j)
        k0, p0 = pieces[j]
        astral = self._astral.get(segment)
        extra = bisect_left(astral, k) - bisect_left(astral, k0) if astral else 0
        return p0 + (k - k0) + extra

    def _ranges(self, built: _Built, segment: int, a: int, b: int) -> list[tuple[int, int]]:
        pieces = built.segmap.pieces.get(segment)
        if not pieces:
            return []
        if a == b:
            p = self._pos(built, segment, a)
            return [(p, p)]
        assert self.report is not None and self.report.document is not None
        length = len(self.report.document.segments[segment].text)
        out = []
        for j, (k0, _p0) in enumerate(pieces):
            k1 = pieces[j + 1][0] if j + 1 < len(pieces) else length
            lo, hi = max(a, k0), min(b, k1)
            if lo < hi:
                out.append((self._pos(built, segment, lo), self._pos(built, segment, hi, end=True)))
        return out

    def position(self, offset: int, segment: int | None = None) -> int:
        """The position of a Document.text offset in the QTextDocument of its part."""
        doc = self.report.document if self.report else None
        if doc is None or not doc.segments or self.plan is None:
            return 0
        i = doc.segment_at(offset) if segment is None else segment
        built = self._built.get(self.plan.segment_part.get(i, 0))
        if built is None:
            return 0
        return self._pos(built, i, max(0, min(offset - doc.segments[i].start, len(doc.segments[i].text))))

    def finding_ranges(self, f: Finding) -> list[tuple[int, int]]:
        """The view ranges of a finding in its part's document (ui.document.text_offsets mapping)."""
        doc = self.report.document if self.report else None
        built = self._built.get(self._part_of(f)) if doc is not None and self.plan else None
        if doc is None or built is None:
            return []
        out: list[tuple[int, int]] = []
        for i, a, b in finding_pieces(doc, f):
            out += self._ranges(built, i, a, b)
        return out

    def finding_range(self, f: Finding) -> tuple[int, int]:
        ranges = self.finding_ranges(f)
        if not ranges:
            return 0, 0
        a, b = ranges[0]
        if ranges[-1][0] >= b:        # pieces in view order: the span from the first to the last
            b = ranges[-1][1]
        return a, b

    def _cursors(self, f: Finding, built: _Built | None = None) -> list[QTextCursor]:
        built = built or self._built.get(self._part_of(f))
        if built is None:
            return []
        out = []
        doc = self.report.document if self.report else None
        pieces = finding_pieces(doc, f) if doc is not None else []
        ranges = [r for i, a, b in pieces for r in self._ranges(built, i, a, b)] or [(0, 0)]
        # inside an edit block a cursor does not work out its x position, which would make Qt
        # lay the document out up to it
        guard = QTextCursor(built.qdoc)
        guard.beginEditBlock()
        for a, b in ranges:
            cur = QTextCursor(built.qdoc)
            cur.setPosition(a)
            cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            out.append(cur)
        guard.endEditBlock()
        return out

    def finding_text(self, f: Finding) -> str:
        """What the view highlights for `f` (pieces joined), as plain text."""
        return "".join(c.selectedText() for c in self._cursors(f)).replace("\u2029", "\n")

    def _paint(self, f: Finding, built: _Built | None = None) -> None:
        fmt = QTextCharFormat()
        is_open = self.dispositions is None or self.dispositions.is_open(f.id)
        fmt.setBackground(QColor(SEVERITY_BG[f.severity] if is_open else DISMISSED_BG))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline if is_open
                              else QTextCharFormat.UnderlineStyle.NoUnderline)
        fmt.setUnderlineColor(QColor(SEVERITY_FG[f.severity]))
        fmt.setProperty(QTextFormat.Property.UserProperty, f.id)
        fmt.setToolTip(f"{f.rule_name}：{f.message}" if f.message else f.rule_name)
        for cur in self._cursors(f, built):
            cur.mergeCharFormat(fmt)

    def refresh_finding(self, finding_id: str) -> None:
        f = self._by_id.get(finding_id)
        if f is not None and self._part_of(f) in self._built:
            self._paint(f)

    # --- navigation ----------------------------------------------------------------------------
    def show_finding(self, f: Finding) -> None:
        self._current = f.id
        self._want(self._part_of(f), f, None)

    def _land(self, f: Finding | None, position: int | None) -> None:
        if f is not None:
            cursors = self._cursors(f)
            self._update_extra()
            if cursors:
                self._center(cursors[0].selectionEnd())
        elif position is not None:
            self._center(position, top=True)
        elif self._pending_page is not None:
            built = self._built.get(self._shown)
            if built is not None:
                self._center(built.pages.get(self._pending_page, 0), top=True)
        self._pending_page = None

    def _center(self, position: int, top: bool = False, cursor: QTextCursor | None = None) -> None:
        """Put the text cursor (or `cursor`, a selection) at `position` and scroll it to the middle
        (to the top for a page)."""
        cur = cursor
        if cur is None:
            cur = QTextCursor(self.editor.document())
            cur.setPosition(min(position, max(0, self.editor.document().characterCount() - 1)))
        self.editor.setTextCursor(cur)
        bar = self.editor.verticalScrollBar()
        rect = self.editor.cursorRect(cur)
        target = rect.top() - 8 if top else rect.center().y() - self.editor.viewport().height() // 2
        bar.setValue(bar.value() + target)

    def current_finding(self) -> str | None:
        return self._current

    def _update_extra(self) -> None:
        extras = list(self._search) if self._search and self._search[0].cursor.document() is self.editor.document() \
            else []
        f = self._by_id.get(self._current or "")
        if f is not None and self._part_of(f) == self._shown:
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

    # --- search, pages and zoom ----------------------------------------------------------------
    def find(self, text: str, backward: bool = False) -> bool:
        if not text:
            self._search = []
            self._update_extra()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        doc = self.editor.document()
        cur = doc.find(text, self.editor.textCursor(), flags)
        if cur.isNull() and self.plan is not None and len(self.plan.parts) > 1:
            cur = self._find_in_other_parts(text, backward, flags)
        if cur.isNull():  # wrap around
            doc = self.editor.document()
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
        self._center(cur.selectionEnd(), cursor=cur)
        return True

    def _find_in_other_parts(self, text: str, backward: bool, flags: QTextDocument.FindFlag) -> QTextCursor:
        """The next match in the following (or preceding) parts, filling them as needed."""
        assert self.plan is not None
        count = len(self.plan.parts)
        for step in range(1, count):
            part = (self._shown + (-step if backward else step)) % count
            if part not in self._built:
                self._job, self._job_part = self._fill(part), part
                self._work(budget=None)
            doc = self._built[part].qdoc
            if not doc.toPlainText().count(text):
                continue
            self._attach(part)
            start = QTextCursor(doc)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            return doc.find(text, start, flags)
        return QTextCursor()

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
        return self.plan.pages if self.plan is not None else 0

    def go_to_page(self, page: int) -> None:
        if self.plan is None or not self.plan.page_part:
            return
        known = sorted(self.plan.page_part)
        page = known[max(0, bisect_right(known, page) - 1)]
        part = self.plan.page_part[page]
        self._pending_page = page
        self._want(part, None, None)

    def current_page(self) -> int:
        """The page whose marker is the last one above the top of the view — above its bottom
        when the view is scrolled to the end (0: no pages)."""
        built = self._built.get(self._shown)
        if built is None or not built.pages:
            return 0
        bar = self.editor.verticalScrollBar()
        rect = self.editor.viewport().rect()
        corner = rect.bottomLeft() if bar.maximum() > 0 and bar.value() >= bar.maximum() else rect.topLeft()
        top = self.editor.cursorForPosition(corner).position()
        marks = sorted(built.pages.items(), key=lambda kv: kv[1])
        positions = [p for _, p in marks]
        k = bisect_right(positions, top) - 1
        return marks[max(0, k)][0]

    def _scrolled(self, _value: int) -> None:
        page = self.current_page()
        if page and page != self._top_page:
            self._top_page = page
            self.page_changed.emit(page)

    def page_position(self, page: int) -> int | None:
        """Where the marker of `page` is in the shown part (None when not shown)."""
        built = self._built.get(self._shown)
        return built.pages.get(page) if built is not None else None
