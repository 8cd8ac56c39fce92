"""A plain horizontal bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#4a78b5")
ROW = 22


class BarChart(QWidget):
    """Title and (label, value) bars; `values()` returns what is drawn (for tests)."""

    def __init__(self, title: str, parent: QWidget | None = None, *, unit: str = "") -> None:
        super().__init__(parent)
        self.title = title
        self.unit = unit
        self._items: list[tuple[str, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_items(self, items: list[tuple[str, float]]) -> None:
        self._items = list(items)
        self.updateGeometry()
        self.update()

    def values(self) -> list[tuple[str, float]]:
        return list(self._items)

    def sizeHint(self) -> QSize:
        return QSize(360, 30 + ROW * max(1, len(self._items)))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 30 + ROW * max(1, len(self._items)))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = p.fontMetrics()
        p.setPen(self.palette().windowText().color())
        title_font = p.font()
        title_font.setBold(True)
        p.setFont(title_font)
        p.drawText(QRectF(0, 0, self.width(), 22), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.title)
        p.setFont(self.font())
        if not self._items:
            p.drawText(QRectF(0, 26, self.width(), ROW), Qt.AlignmentFlag.AlignLeft, self.tr("（无数据）"))
            p.end()
            return
        label_w = min(max(metrics.horizontalAdvance(label) for label, _ in self._items) + 8, self.width() // 2)
        top = max(v for _, v in self._items) or 1.0
        value_w = metrics.horizontalAdvance("0000.0" + self.unit) + 8
        span = max(10, self.width() - label_w - value_w)
        for i, (label, value) in enumerate(self._items):
            y = 26 + i * ROW
            p.drawText(QRectF(0, y, label_w - 6, ROW - 4), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 6))
            w = span * (value / top)
            p.fillRect(QRectF(label_w, y + 3, max(w, 1), ROW - 8), BAR)
            text = f"{value:g}{self.unit}"
            p.drawText(QRectF(label_w + w + 4, y, value_w, ROW - 4),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        p.end()
