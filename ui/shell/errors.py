"""Turn anything the core raises into a Chinese sentence, and show it without a traceback."""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import MishenError

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def friendly_message(exc: BaseException) -> str:
    """A Chinese message a person can act on. Core errors carry their own `.message`."""
    if isinstance(exc, MishenError):
        return exc.message
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return _tr("台帐数据库正被其他程序占用（已锁定），请关闭其他密审窗口或稍后再试。")
        return _tr("台帐数据库无法访问：{0}").format(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return _tr("台帐数据库已损坏或不是密审台帐文件：{0}").format(exc)
    if isinstance(exc, FileNotFoundError):
        return _tr("找不到文件：{0}").format(exc.filename or exc)
    if isinstance(exc, PermissionError):
        return _tr("没有权限访问文件：{0}").format(exc.filename or exc)
    if isinstance(exc, OSError):
        return _tr("文件读写失败：{0}").format(exc.strerror or exc)
    if isinstance(exc, MemoryError):
        return _tr("内存不足，文件过大无法处理。")
    log.error("unexpected error", exc_info=exc)
    return _tr("发生内部错误（{0}）：{1}").format(type(exc).__name__, exc)


class ErrorSink:
    """Shows errors in a non-modal message box and keeps the last one (tests read it)."""

    def __init__(self, parent: QWidget | None) -> None:
        self.parent = parent
        self.messages: list[str] = []
        self.box: QMessageBox | None = None

    @property
    def last(self) -> str | None:
        return self.messages[-1] if self.messages else None

    def show(self, message: str, *, title: str | None = None, detail: str | None = None) -> None:
        self.messages.append(message)
        if self.box is not None:
            self.box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, title or _tr("密审"), message,
                          QMessageBox.StandardButton.Ok, self.parent)
        if detail:
            box.setInformativeText(detail)
        self.box = box
        box.open()

    def exception(self, exc: BaseException, *, title: str | None = None) -> None:
        self.show(friendly_message(exc), title=title)
