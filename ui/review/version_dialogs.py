"""版本差异 and 核对发布文件: the version diff of a revised file (shown after 提交修改稿), and the
check whether a file is exactly a version a review approved (the window's `mishen review check`)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.shell import worker
from ui.shell.screen_fit import fit_window


def diff_html(diff: Any) -> str:
    from app.review.diff_text import diff_lines

    lines = diff_lines(diff)
    head, rest = lines[0], lines[1:]
    colour = "#006100" if diff.passed else "#c00000"
    body = "".join(
        f"<div style='font-family:monospace;color:{'#c00000' if ln.lstrip().startswith(('-', '[仍存在]')) else '#006100' if ln.lstrip().startswith(('+', '[已修改]')) else '#000'}'>"
        f"{html.escape(ln)}</div>" for ln in rest)
    return f"<p style='color:{colour}'><b>{html.escape(head)}</b></p>{body}"


class TextResultDialog(QDialog):
    """A titled, scrollable HTML result with a close button (opened with open())."""

    def __init__(self, title: str, body_html: str, parent: QWidget | None = None, name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        if name:
            self.setObjectName(name)
        self.text = QTextBrowser(self)
        self.text.setHtml(body_html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_window(self, QSize(760, 560))


def diff_dialog(diff: Any, parent: QWidget | None = None) -> TextResultDialog:
    title = QCoreApplication.translate("version_dialogs", "版本差异：第 {0} 版 → 第 {1} 版").format(
        diff.from_version, diff.to_version)
    return TextResultDialog(title, diff_html(diff), parent, "versionDiffDialog")


def check_file(controller: Any, path: str, on_done: Callable[[Any | None, str], None]) -> worker.Job:
    """`app.review.file_check.check_file` in the worker; `on_done(FileCheck, "")` or `(None, error)`."""
    from app.review.file_check import check_file as core_check

    return controller.run(lambda ledger: core_check(ledger, path), lambda result: on_done(result, ""),
                          lambda text: on_done(None, text), name="check-file")


def check_html(result: Any) -> str:
    ok = result.approved is not None
    colour = "#006100" if ok else "#c00000"
    return (f"<p style='color:{colour};font-size:large'><b>{'可以发布' if ok else '不是经批准的版本'}</b></p>"
            f"<p>{html.escape(result.message())}</p><p style='color:#555'>文件：{html.escape(result.path)}</p>")


def ask_check_file(controller: Any, parent: QWidget, show: Callable[[QDialog], None]) -> QFileDialog:
    """Pick a file, check it, show the answer in a dialog passed to `show`."""
    dialog = QFileDialog(parent, parent.tr("核对发布文件：选择准备发布的文件"), str(Path.home()))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)

    def chosen(path: str) -> None:
        def done(result: Any, error: str) -> None:
            body = check_html(result) if result is not None else f"<p style='color:#c00000'>{html.escape(error)}</p>"
            show(TextResultDialog(parent.tr("核对发布文件"), body, parent, "fileCheckDialog"))

        check_file(controller, path, done)

    dialog.fileSelected.connect(chosen)
    dialog.open()
    return dialog
