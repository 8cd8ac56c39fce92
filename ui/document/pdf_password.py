"""Password-protected PDFs: ask the user for the password (echo hidden) and scan with it.

The scan fails with error code "encrypted"; the window then opens a `PasswordPrompt` (non-blocking)
and runs `scan_with_password` in the worker. A wrong password asks again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from app.model import DocumentReport

if TYPE_CHECKING:
    from ui.shell.engine import EngineHolder


def scan_with_password(path: str, password: str, holder: EngineHolder) -> DocumentReport:
    """Read the PDF with `password` and scan it (run in the worker). Failures become a report
    with `error`/`error_code` like any scan."""
    from app.errors import MishenError
    from app.readers import read_document
    from ui.document.document_view import prepare_layout

    try:  # the same bounded reader as every scan (regular files only, size checked before reading)
        document = read_document(path, password=password)
    except MishenError as exc:
        return DocumentReport(path=path, sha256=None, format="pdf", error=exc.message, error_code=exc.code)
    report: DocumentReport = holder.get().scan_document(document)
    if report.document is not None:
        prepare_layout(report.document)
    return report


class PasswordPrompt(QInputDialog):
    """"请输入打开密码" for one PDF; `password_entered(path, password)` when confirmed."""

    password_entered = Signal(str, str)

    def __init__(self, path: str, parent: QWidget | None = None, retry: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPassword")
        self.path = path
        self.setWindowTitle(self.tr("PDF 已加密"))
        text = self.tr("“{0}”受密码保护，请输入打开密码：").format(Path(path).name)
        if retry:
            text = self.tr("密码不正确，请重新输入。") + "\n" + text
        self.setLabelText(text)
        self.setTextEchoMode(QLineEdit.EchoMode.Password)
        self.setOkButtonText(self.tr("打开"))
        self.setCancelButtonText(self.tr("取消"))
        self.textValueSelected.connect(lambda value: self.password_entered.emit(self.path, value))
        self.finished.connect(self.deleteLater)
