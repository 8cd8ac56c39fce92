"""The 审核 menu entries 制作区分处理副本… and 清理发布稿…, installed by the main window
(`install_actions(window)`); they work on the current document tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.shell import worker


def tr(text: str) -> str:
    return QCoreApplication.translate("RedactActions", text)


def install_actions(window: Any) -> tuple[QAction, QAction]:
    redact = QAction(tr("制作区分处理副本…"), window)
    redact.setObjectName("redactAction")
    redact.triggered.connect(lambda: open_redact(window))
    sanitize = QAction(tr("清理发布稿…"), window)
    sanitize.setObjectName("sanitizeAction")
    sanitize.triggered.connect(lambda: open_sanitize(window))
    window.add_panel_action(redact)
    window.add_panel_action(sanitize)
    return redact, sanitize


def _tell(window: Any, icon: QMessageBox.Icon, text: str) -> QMessageBox:
    """A message that does not block (the window keeps scanning the cleaned file meanwhile)."""
    box = QMessageBox(icon, tr("清理发布稿"), text, QMessageBox.StandardButton.Ok, window)
    box.setObjectName("sanitizeReport")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _report(window: Any) -> Any:
    page = window.current_page()
    if page is None:
        QMessageBox.information(window, tr("区分处理"), tr("请先打开并扫描一份文稿。"))
        return None
    return page.report


def open_redact(window: Any) -> Any:
    from ui.redact.redact_dialog import RedactDialog

    report = _report(window)
    if report is None:
        return None
    page = window.current_page()
    controller = window.review.controller if window.review is not None else None
    dialog = RedactDialog(report, window, review=page.review, controller=controller)
    dialog.setModal(True)
    dialog.show()
    return dialog


def open_sanitize(window: Any, output: str | None = None) -> Any:
    """Ask for the output file (unless given), clean the copy in the worker, report item by item."""
    from app.sanitize.service import sanitize_file

    report = _report(window)
    if report is None:
        return None
    src = Path(report.path)
    if output is None:
        output, _ = QFileDialog.getSaveFileName(window, tr("保存清理后的发布稿"),
                                                str(src.with_name(f"{src.stem}-发布稿{src.suffix}")))
        if not output:
            return None

    def done(result: Any) -> None:
        lines = [f"- {a.message}" for a in result.actions] or [tr("- 没有需要清理的内容。")]
        _tell(window, QMessageBox.Icon.Information, tr("已生成：{0}\n\n{1}\n\n已打开清理后的文件重新扫描。")
              .format(result.output, "\n".join(lines)))
        window.open_paths([result.output])

    def failed(exc: BaseException) -> None:
        _tell(window, QMessageBox.Icon.Warning, str(getattr(exc, "message", exc)))

    return worker.run_call(lambda: sanitize_file(src, output), on_result=done, on_error=failed, name="sanitize")
