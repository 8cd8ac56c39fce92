"""Image files (png/jpg/tiff/bmp, every page of a multi-page tiff) as pages, with each OCR
finding's box over the picture — the image counterpart of the PDF page view. Pages are rendered
by Pillow in the worker at the resolution the zoom needs; far pages are dropped again. Scene
units are pixels of the upright original image (the space of the OCR boxes)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QVBoxLayout,
    QWidget,
)

from app.model import DocumentReport, Finding
from ui.document.image_pages import ImageLayout, load_layout, render_page
from ui.review.dispositions import Dispositions
from ui.shell.labels import DISMISSED_BG, SEVERITY_BG, SEVERITY_FG
from ui.shell.worker import Job, run_call

PAGE_GAP = 24.0          # image pixels between pages
KEEP_AROUND = 2          # rendered pages kept beyond the visible ones
MAX_ZOOM, MIN_ZOOM = 8.0, 0.02     # screen pixels per image pixel
ID_KEY = 0               # QGraphicsItem.data key holding a finding id
HIGHLIGHT_ALPHA = 56     # fill opacity of a finding's box (0-255), as on PDF pages


class ImageCanvas(QGraphicsView):
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


class ImageView(QWidget):
    finding_clicked = Signal(str)
    page_changed = Signal(int)       # 1-based page in the middle of the view
    layout_ready = Signal()
    page_rendered = Signal(int)      # 0-based page index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.canvas = ImageCanvas(self.scene, self)
        self.canvas.setObjectName("imageCanvas")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.report: DocumentReport | None = None
        self.dispositions: Dispositions | None = None
        self.layout_info: ImageLayout | None = None
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
        document, findings = report.document, report.findings
        job = run_call(lambda: load_layout(report.path, document, findings),
                       on_result=self._layout_loaded, on_error=self._layout_failed, name="image-layout")
        self._jobs.append(job)

    @property
    def ready(self) -> bool:
        return self.layout_info is not None

    def _layout_failed(self, exc: BaseException) -> None:
        from ui.shell.errors import friendly_message

        text = self.scene.addText(self.tr("无法显示图片：{0}").format(friendly_message(exc)))
        text.setDefaultTextColor(QColor("white"))

    def _layout_loaded(self, info: ImageLayout) -> None:
        self.layout_info = info
        y = 0.0
        for w, h in info.sizes:
            page = self.scene.addRect(QRectF(0, y, w, h), QPen(QColor("#555555"), 0), QBrush(QColor("white")))
            page.setZValue(0)
            self._page_items.append(page)
            self._tops.append(y)
            y += h + PAGE_GAP
        width = max((w for w, _ in info.sizes), default=600.0)
        self.scene.setSceneRect(QRectF(-PAGE_GAP, -PAGE_GAP, width + 2 * PAGE_GAP, y + PAGE_GAP))
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
            self.go_to_page(1)

    def _paint(self, f: Finding) -> None:
        is_open = self.dispositions is None or self.dispositions.is_open(f.id)
        # outline + light fill: the boxes lie over the picture, so the words stay readable
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
        return self._zoom * self.devicePixelRatioF()

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
        keep = set(range(visible[0] - KEEP_AROUND, visible[-1] + KEEP_AROUND + 1))
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
        job = run_call(lambda: render_page(path, index, scale),
                       on_result=lambda result: self._rendered(index, *result),
                       on_done=lambda _ok: self._render_done(index),
                       on_error=lambda _exc: None, name=f"image-render-{index}")
        self._pending[index] = job

    def _render_done(self, index: int) -> None:
        self._pending.pop(index, None)
        self._timer.start()      # the zoom may have changed while this page was being drawn

    def _rendered(self, index: int, image, scale: float) -> None:
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
        """Display pixels per original pixel of page `index`'s picture, None when not rendered."""
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
            pen.setCosmetic(True)
            self._current = self.scene.addRect(box.adjusted(-4, -4, 4, 4), pen)
            self._current.setZValue(3)
            self.canvas.centerOn(box.center())
        else:
            seg = self.report.document.segments[f.segment] if self.report and self.report.document else None
            if seg is not None and seg.location.page:
                self.go_to_page(seg.location.page)
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
        self.canvas.centerOn(QPointF(self.scene.sceneRect().center().x(), self._tops[i] + view_h / 2 - PAGE_GAP))
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
            self._zoom = max(MIN_ZOOM, min(MAX_ZOOM, self._zoom * (1.25 ** steps)))
        self._apply_zoom()

    @property
    def zoom_factor(self) -> float:
        return self._zoom

    def _apply_zoom(self) -> None:
        if self._fit_width and self.layout_info is not None:
            width = max((w for w, _ in self.layout_info.sizes), default=600.0) + 2 * PAGE_GAP
            avail = max(100, self.canvas.viewport().width() - 4)
            self._zoom = max(MIN_ZOOM, min(MAX_ZOOM, avail / width))
        viewport = self.canvas.viewport().rect()
        top = self.canvas.mapToScene(viewport.center().x(), viewport.top())
        self.canvas.resetTransform()
        self.canvas.scale(self._zoom, self._zoom)
        half = self.canvas.mapToScene(viewport).boundingRect().height() / 2
        self.canvas.centerOn(QPointF(top.x(), top.y() + half))
        self._timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_width and self.layout_info is not None:
            self._apply_zoom()

    # --- search -------------------------------------------------------------------------------
    def find(self, text: str, backward: bool = False) -> bool:
        """Search the recognised text: the next match is boxed on the picture and brought into view."""
        from app.ocr.pages import box_runs

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
        seg = doc.segments[doc.segment_at(pos)]
        page = (seg.location.page or 1) - 1
        if not seg.boxes or page >= len(self._tops):
            self.go_to_page(page + 1)
            return True
        a = pos - seg.start
        for x0, t, x1, b in box_runs(seg.boxes[a:a + len(text)]):
            item = self.scene.addRect(QRectF(x0, self._tops[page] + t, x1 - x0, b - t),
                                      QPen(QColor("#1a8f1a"), 0), QBrush(QColor(127, 209, 127, 120)))
            item.setZValue(2.5)
            self._search_items.append(item)
        if self._search_items:
            self.canvas.centerOn(self._search_items[0].rect().center())
            self._update_visible()
        else:
            self.go_to_page(page + 1)
        return True

    def shutdown(self) -> None:
        """Stop the debounce timer and cancel outstanding render jobs (window/tab closing)."""
        self._timer.stop()
        for job in [*self._pending.values(), *self._jobs]:
            job.cancel(detach=True)
