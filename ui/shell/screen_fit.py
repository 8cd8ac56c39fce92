"""Window sizes taken from the screen a window opens on: never larger than its available area
(office PCs run 1366×768, often with a larger font), centred on it, with a minimum that still fits."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: share of the available area a window may take by default: room for the window frame
WIDTH_SHARE = 0.96
HEIGHT_SHARE = 0.92
#: the smallest available area we plan for (an old 1280×720 laptop minus a task bar)
SMALLEST = QSize(1024, 600)


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The available area (without task bars) of the screen `widget` is on, else the primary one."""
    screen = None
    if widget is not None:
        handle = widget.window().windowHandle()
        screen = handle.screen() if handle is not None else widget.screen()
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    if screen is None:  # no screen at all (should not happen): plan for the smallest
        return QRect(0, 0, SMALLEST.width(), SMALLEST.height())
    return screen.availableGeometry()


def fit_size(preferred: QSize, available: QRect, width_share: float = WIDTH_SHARE,
             height_share: float = HEIGHT_SHARE) -> QSize:
    """`preferred`, shrunk to the share of `available` a window may take."""
    return QSize(min(preferred.width(), int(available.width() * width_share)),
                 min(preferred.height(), int(available.height() * height_share)))


def limit_minimum(widget: QWidget, available: QRect) -> None:
    """Cap the widget's minimum size (explicit or from its layout) inside the available area, so a
    window can always be placed on the screen. Windows keep their own minimum small (scroll areas,
    elided labels) so that this cap never has to squeeze a layout."""
    hint = widget.minimumSizeHint()
    cap_w, cap_h = int(available.width() * WIDTH_SHARE), int(available.height() * HEIGHT_SHARE)
    w = min(max(hint.width(), widget.minimumWidth()), cap_w)
    h = min(max(hint.height(), widget.minimumHeight()), cap_h)
    widget.setMinimumSize(QSize(max(0, w), max(0, h)))


def fit_window(widget: QWidget, preferred: QSize, available: QRect | None = None,
               centre: bool = True) -> QRect:
    """Resize `widget` to `preferred` shrunk to the screen, keep its minimum inside the screen and
    (for a top-level window) centre it; returns the geometry chosen."""
    area = available if available is not None else available_geometry(widget)
    limit_minimum(widget, area)
    size = fit_size(preferred, area).expandedTo(widget.minimumSize())
    size = size.boundedTo(QSize(area.width(), area.height()))
    widget.resize(size)
    rect = QRect(area.topLeft(), size)
    if centre:
        rect.moveCenter(area.center())
        rect = _inside(rect, area)
        widget.move(rect.topLeft())
    return rect


def keep_inside(widget: QWidget, available: QRect | None = None) -> None:
    """After restoreGeometry: pull a window saved on a larger screen back inside this one."""
    area = available if available is not None else available_geometry(widget)
    size = widget.size().boundedTo(QSize(area.width(), area.height()))
    if size != widget.size():
        widget.resize(size)
    rect = _inside(QRect(widget.pos(), size), area)
    if rect.topLeft() != widget.pos():
        widget.move(rect.topLeft())


def _inside(rect: QRect, area: QRect) -> QRect:
    out = QRect(rect)
    if out.right() > area.right():
        out.moveRight(area.right())
    if out.bottom() > area.bottom():
        out.moveBottom(area.bottom())
    if out.left() < area.left():
        out.moveLeft(area.left())
    if out.top() < area.top():
        out.moveTop(area.top())
    return out
