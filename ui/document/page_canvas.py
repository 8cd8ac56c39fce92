"""The machinery the PDF page view and the image page view share: pages laid out one below the
other in a graphics scene, each finding's boxes over the page (outline + light fill), the frame
round the current finding, only the pages in view rendered in the worker (debounced, far pages
dropped again, a page whose render was in flight during a zoom drawn again at the new zoom), zoom
and fit-width, page navigation and search boxes. A subclass says how to load the layout, how to
render a page, and how many screen pixels one page unit is at zoom 1."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QVBoxLayout,
    QWidget,
)

from app.model import DocumentReport, Finding, Segment
from ui.document.page_layout import PageLayout, Rect
from ui.review.dispositions import Dispositions
from ui.shell.labels import DISMISSED_BG, SEVERITY_BG, SEVERITY_FG
from ui.shell.worker import Job, run_call

ID_KEY = 0               # QGraphicsItem.data key holding a finding id
HIGHLIGHT_ALPHA = 56     # fill opacity of a finding's box (0-255)


class PageCanvas(QGraphicsView):
    clicked = Signal(QPointF)
    viewport_moved = Signal()

    def __init__(self, scene: QGraphicsScene, parent: QWidget) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QColor("#8a8f98"))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.verticalScrollBar().valueChanged.connect(self.viewport_moved)
        self.horizontalScrollBar().valueChanged.connect(self.viewport_moved)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        self.clicked.emit(self.mapToScene(event.position().toPoint()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.viewport_moved.emit()


class PagedView(QWidget):
    """Base of the page views; scene units are page units (PDF points, image pixels)."""

    finding_clicked = Signal(str)
    page_changed = Signal(int)       # 1-based page in the middle of the view
    layout_ready = Signal()
    page_rendered = Signal(int)      # 0-based page index

    # --- what a subclass sets ----------------------------------------------------------------
    PAGE_GAP = 12.0                  # page units between pages
    KEEP_AROUND = 3                  # rendered pages kept beyond the visible ones
    MAX_ZOOM, MIN_ZOOM = 6.0, 0.2
    FRAME_MARGIN = 3.0               # page units between a finding's boxes and its current frame
    FRAME_COSMETIC = False           # the current frame's pen keeps its width on screen at any zoom
    CANVAS_NAME = "pageCanvas"
    LAYOUT_JOB = "page-layout"
    RENDER_JOB = "render"
    LAYOUT_FAILED = "无法显示页面：{0}"

    def _layout_call(self, report: DocumentReport) -> Callable[[], PageLayout]:
        """The layout work to run in the worker."""
        raise NotImplementedError

    def _render_call(self, path: str, index: int, scale: float) -> Callable[[], tuple[QImage, float]]:
        """Work for the worker: page `index` at (at most) `scale` display pixels per page unit,
        with the scale it was actually drawn at."""
        raise NotImplementedError

    def _unit(self) -> float:
        """Screen pixels per page unit at zoom 1."""
        return 1.0

    def _page_of(self, seg: Segment) -> int | None:
        """The 1-based page a segment lies on (to go to a finding that has no boxes)."""
        return seg.location.page or None

    def _show_match(self, seg: Segment, pos: int, text: str) -> None:
        """Box the search match of `text` at offset `pos` of the document text (in segment `seg`)."""
        raise NotImplementedError

    # --- common ------------------------------------------------------------------------------
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.canvas = PageCanvas(self.scene, self)
        self.canvas.setObjectName(self.CANVAS_NAME)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.report: DocumentReport | None = None
        self.dispositions: Dispositions | None = None
        self.layout_info: PageLayout | None = None
        self._zoom = 1.0
        self._fit_width = True
        self._tops: list[float] = []
        self._page_items: list[QGraphicsRectItem] = []
        self._pixmaps: dict[int, QGraphicsPixmapItem] = {}
        self._rendered_scale: dict[int, float] = {}
        self._wanted_scale: dict[int, float] = {}
        self._pending: dict[int, Job] = {}
        self._highlights: dict[str, list[QGraphicsRectItem]] = {}
        self._current: QGraphicsRectItem | None = None
        self._current_id: str | None = None
        self._wanted: Finding | None = None
        self._search_items: list[QGraphicsRectItem] = []
        self._search_pos = -1
        self._jobs: list[Job] = []
        self._last_page = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._update_visible)
        self.canvas.viewport_moved.connect(self._timer.start)
        self.canvas.clicked.connect(self._clicked)

    # --- content ---------------------------------------------------------------------------
    def set_report(self, report: DocumentReport, dispositions: Dispositions) -> None:
        assert report.document is not None
        self.report = report
        self.dispositions = dispositions
        dispositions.changed.connect(self.refresh_finding)
        job = run_call(self._layout_call(report), on_result=self._layout_loaded,
                       on_error=self._layout_failed, name=self.LAYOUT_JOB)
        self._jobs.append(job)

    @property
    def ready(self) -> bool:
        return self.layout_info is not None

    def _layout_failed(self, exc: BaseException) -> None:
        from ui.shell.errors import friendly_message

        text = self.scene.addText(self.tr(self.LAYOUT_FAILED).format(friendly_message(exc)))
        text.setDefaultTextColor(QColor("white"))

    def _layout_loaded(self, info: PageLayout) -> None:
        self.layout_info = info
        gap = self.PAGE_GAP
        y = 0.0
        for w, h in info.sizes:
            page = self.scene.addRect(QRectF(0, y, w, h), QPen(QColor("#555555"), 0), QBrush(QColor("white")))
            page.setZValue(0)
            self._page_items.append(page)
            self._tops.append(y)
            y += h + gap
        width = max((w for w, _ in info.sizes), default=600.0)
        self.scene.setSceneRect(QRectF(-gap, -gap, width + 2 * gap, y + gap))
        for fid, pieces in info.rects.items():
            items = []
            for page_index, (x0, t, x1, b) in pieces:
                item = QGraphicsRectItem(QRectF(x0, self._tops[page_index] + t, x1 - x0, b - t))
                item.setData(ID_KEY, fid)
                item.setZValue(2)
                self.scene.addItem(item)
                items.append(item)
            self._highlights[fid] = items
        for f in self.report.findings if self.report else ():
            self._paint(f)
        self._apply_zoom()
        self.layout_ready.emit()
        if self._wanted is not None:
            wanted, self._wanted = self._wanted, None
            self.show_finding(wanted)
        else:
            self.go_to_page(1)        # the top of page 1, where the secrecy marks sit

    def _paint(self, f: Finding) -> None:
        is_open = self.dispositions is None or self.dispositions.is_open(f.id)
        # outline + light fill: the boxes lie over the page's picture, so the words stay readable
        fill = QColor(SEVERITY_BG[f.severity] if is_open else DISMISSED_BG)
        fill.setAlpha(HIGHLIGHT_ALPHA)
        pen = QPen(QColor(SEVERITY_FG[f.severity]) if is_open else QColor("#999999"), 1.5)
        pen.setCosmetic(True)
        for item in self._highlights.get(f.id, ()):
            item.setBrush(QBrush(fill))
            item.setPen(pen)

    def refresh_finding(self, finding_id: str) -> None:
        for f in self.report.findings if self.report else ():
            if f.id == finding_id:
                self._paint(f)

    def highlight_count(self) -> int:
        return sum(len(v) for v in self._highlights.values())

    def highlight_rects(self, finding_id: str) -> list[QRectF]:
        """The finding's boxes in scene coordinates (page `i` starts at `page_top(i)`)."""
        return [i.rect() for i in self._highlights.get(finding_id, ())]

    def page_top(self, index: int) -> float:
        """Scene y of the top of page `index` (0-based)."""
        return self._tops[index]

    def visible_scene_rect(self) -> QRectF:
        return self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()

    # --- rendering ---------------------------------------------------------------------------
    def _display_scale(self) -> float:
        """Display pixels per page unit at the current zoom."""
        return self._zoom * self._unit() * self.devicePixelRatioF()

    def visible_pages(self) -> list[int]:
        if not self._tops:
            return []
        area = self.visible_scene_rect()
        return [i for i, item in enumerate(self._page_items) if item.rect().intersects(area)]

    def _update_visible(self) -> None:
        visible = self.visible_pages()
        if not visible:
            return
        scale = self._display_scale()
        for i in visible:
            wanted = self._wanted_scale.get(i)
            if (wanted is None or abs(wanted - scale) / scale > 0.05) and i not in self._pending:
                self._request(i, scale)
        keep = set(range(visible[0] - self.KEEP_AROUND, visible[-1] + self.KEEP_AROUND + 1))
        for i in list(self._pixmaps):
            if i not in keep:
                self.scene.removeItem(self._pixmaps.pop(i))
                self._rendered_scale.pop(i, None)
                self._wanted_scale.pop(i, None)
        middle = visible[len(visible) // 2] + 1
        if middle != self._last_page:
            self._last_page = middle
            self.page_changed.emit(middle)

    def _request(self, index: int, scale: float) -> None:
        path = self.report.path if self.report else ""
        self._wanted_scale[index] = scale
        job = run_call(self._render_call(path, index, scale),
                       on_result=lambda result: self._rendered(index, *result),
                       on_done=lambda _ok: self._render_done(index),
                       on_error=lambda _exc: None, name=f"{self.RENDER_JOB}-{index}")
        self._pending[index] = job

    def _render_done(self, index: int) -> None:
        self._pending.pop(index, None)
        self._timer.start()      # the zoom may have changed while this page was being drawn

    def _rendered(self, index: int, image: QImage, scale: float) -> None:
        if index >= len(self._tops):
            return
        old = self._pixmaps.pop(index, None)
        if old is not None:
            self.scene.removeItem(old)
        item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        item.setScale(1.0 / scale)
        item.setPos(0, self._tops[index])
        item.setZValue(1)
        self.scene.addItem(item)
        self._pixmaps[index] = item
        self._rendered_scale[index] = scale
        self.page_rendered.emit(index)

    def rendered_pages(self) -> list[int]:
        return sorted(self._pixmaps)

    def rendered_scale(self, index: int) -> float | None:
        """Display pixels per page unit of page `index`'s picture, None when not rendered."""
        return self._rendered_scale.get(index)

    # --- navigation ---------------------------------------------------------------------------
    def show_finding(self, f: Finding) -> None:
        if not self.ready:
            self._wanted = f
            return
        self._current_id = f.id
        if self._current is not None:
            self.scene.removeItem(self._current)
            self._current = None
        rects = self.highlight_rects(f.id)
        if rects:
            box = rects[0]
            for r in rects[1:]:
                box = box.united(r)
            pen = QPen(QColor(SEVERITY_FG[f.severity]), 2.5)
            pen.setCosmetic(self.FRAME_COSMETIC)
            m = self.FRAME_MARGIN
            self._current = self.scene.addRect(box.adjusted(-m, -m, m, m), pen)
            self._current.setZValue(3)
            self.canvas.centerOn(box.center())
        else:
            seg = self.report.document.segments[f.segment] if self.report and self.report.document else None
            page = self._page_of(seg) if seg is not None else None
            if page:
                self.go_to_page(page)
        self._update_visible()

    def current_finding(self) -> str | None:
        return self._current_id

    def page_count(self) -> int:
        return len(self._tops)

    def current_page(self) -> int:
        return self._last_page or (1 if self._tops else 0)

    def go_to_page(self, page: int) -> None:
        if not self._tops:
            return
        i = max(0, min(page - 1, len(self._tops) - 1))
        view_h = self.visible_scene_rect().height()
        self.canvas.centerOn(QPointF(self.scene.sceneRect().center().x(), self._tops[i] + view_h / 2 - self.PAGE_GAP))
        self._update_visible()

    def _clicked(self, point: QPointF) -> None:
        for item in self.scene.items(point):
            fid = item.data(ID_KEY)
            if fid:
                self.finding_clicked.emit(str(fid))
                return

    # --- zoom ---------------------------------------------------------------------------------
    def zoom(self, steps: int) -> None:
        if steps == 0:
            self._fit_width = True
        else:
            self._fit_width = False
            self._zoom = max(self.MIN_ZOOM, min(self.MAX_ZOOM, self._zoom * (1.25 ** steps)))
        self._apply_zoom()

    @property
    def zoom_factor(self) -> float:
        return self._zoom

    def _apply_zoom(self) -> None:
        unit = self._unit()
        if self._fit_width and self.layout_info is not None:
            width = max((w for w, _ in self.layout_info.sizes), default=600.0) + 2 * self.PAGE_GAP
            avail = max(100, self.canvas.viewport().width() - 4)
            self._zoom = max(self.MIN_ZOOM, min(self.MAX_ZOOM, avail / (width * unit)))
        k = self._zoom * unit
        # keep the top edge of the view where it is (zoom and resize never drift down the page)
        viewport = self.canvas.viewport().rect()
        top = self.canvas.mapToScene(viewport.center().x(), viewport.top())
        self.canvas.resetTransform()
        self.canvas.scale(k, k)
        half = self.canvas.mapToScene(viewport).boundingRect().height() / 2
        self.canvas.centerOn(QPointF(top.x(), top.y() + half))
        self._timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_width and self.layout_info is not None:
            self._apply_zoom()

    # --- search -------------------------------------------------------------------------------
    def find(self, text: str, backward: bool = False) -> bool:
        """Search the document's text: the next match (wrapping round) is boxed and brought into view."""
        for item in self._search_items:
            self.scene.removeItem(item)
        self._search_items = []
        doc = self.report.document if self.report else None
        if not text or doc is None:
            return False
        full = doc.text
        if backward:
            pos = full.rfind(text, 0, max(0, self._search_pos))
            if pos < 0:
                pos = full.rfind(text)
        else:
            pos = full.find(text, self._search_pos + 1)
            if pos < 0:
                pos = full.find(text)
        if pos < 0:
            return False
        self._search_pos = pos
        self._show_match(doc.segments[doc.segment_at(pos)], pos, text)
        return True

    def search_match_rects(self) -> list[QRectF]:
        """The boxes of the current search match, in scene coordinates."""
        return [item.rect() for item in self._search_items]

    def _show_ocr_match(self, page_index: int, seg: Segment, pos: int, text: str) -> bool:
        """Box a match in text read by OCR with the segment's own character boxes (page units);
        False when the segment has none."""
        from app.ocr.pages import box_runs

        a = pos - seg.start
        if seg.boxes and self._add_search_boxes(page_index, box_runs(seg.boxes[a:a + len(text)])):
            self._update_visible()
            return True
        return False

    def _add_search_boxes(self, page_index: int, rects: Iterable[Rect]) -> bool:
        """Box a search match on page `page_index` and centre it; False when there was no box."""
        if page_index >= len(self._tops):
            return False
        for x0, t, x1, b in rects:
            item = self.scene.addRect(QRectF(x0, self._tops[page_index] + t, x1 - x0, b - t),
                                      QPen(QColor("#1a8f1a"), 0), QBrush(QColor(127, 209, 127, 120)))
            item.setZValue(2.5)
            self._search_items.append(item)
        if self._search_items:
            self.canvas.centerOn(self._search_items[0].rect().center())
            return True
        return False

    def shutdown(self) -> None:
        """Stop the debounce timer and cancel outstanding render jobs (window/tab closing)."""
        self._timer.stop()
        for job in [*self._pending.values(), *self._jobs]:
            job.cancel(detach=True)
