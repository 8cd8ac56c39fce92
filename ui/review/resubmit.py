"""提交修改稿: a new version of a review's document (after 退回修改 / 修改后发布, or when the file
changed on disk). The dialog picks the file (the changed original by default); the controller's
worker calls `app.review.resubmit`, scanning with the window's engine, and the window shows the
new version's findings. Sign-offs start again from level 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ui.review.review_controller import dismissals
from ui.review.review_dialogs import ReviewDialogBase
from ui.shell import worker

FILTER = "文稿 (*.docx *.pdf *.txt *.html *.htm *.xlsx *.doc *.wps *.et *.rtf *.odt);;所有文件 (*)"


def default_path(review: Any, page: Any) -> str:
    """The version's source file (it may have been edited in place), else the open document."""
    src = review.current.source_path if review is not None else ""
    return src if src and Path(src).is_file() else page.report.path


def changed_on_disk(review: Any, path: str) -> bool:
    from app.review.documents import file_sha256

    try:
        return Path(path).is_file() and file_sha256(path) != review.current.sha256
    except OSError:
        return False


def resubmit(controller: Any, page: Any, path: str,
             on_done: Callable[[bool, str, Any], None]) -> worker.Job:
    """Record the new version in the worker; `on_done(ok, error, (report, review, dispositions, diff))`
    (after a conditional approval the diff is also the check of the revised file)."""
    from app.review.scanning import ScanResult, engine_scanner
    from app.review.service import submit_revision

    review_id = page.review.id
    holder = controller.engine
    scanned: list[Any] = []

    def scan(p: Path) -> ScanResult:
        result = engine_scanner(holder.get())(p)
        scanned.append(result.report)
        return result

    def work(ledger: Any) -> tuple[Any, Any, Any, Any]:
        session = controller.session
        review, diff = submit_revision(ledger, review_id, path, scanner=scan,
                                       by=session.signer if session is not None else None)
        return scanned[-1], review, dismissals(ledger, review), diff

    return controller.run(work, lambda result: on_done(True, "", result), lambda text: on_done(False, text, None),
                          name="resubmit")


class ResubmitDialog(ReviewDialogBase):
    """Choose the revised file; OK records it as the review's next version."""

    def __init__(self, review: Any, page: Any, send: Callable[[str, Callable[[bool, str], None]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("提交修改稿"), parent)
        self.review = review
        self.send = send
        self.path = QLineEdit(default_path(review, page), self)
        self.browse_button = QPushButton(self.tr("选择文件…"), self)
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse_button)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.form.addRow(self.tr("审核单"), QLabel(f"{review.title}（{review.id}，第 {review.current.number} 版）", self))
        self.form.addRow(self.tr("修改稿"), row)
        self.form.addRow("", self.note)
        self.ok_button.setText(self.tr("提交"))
        self.path.textChanged.connect(self._update_note)
        self._update_note()

    def _update_note(self) -> None:
        path = self.path.text().strip()
        if changed_on_disk(self.review, path):
            text = self.tr("该文件与第 {0} 版不同，将作为第 {1} 版重新审查。")
        else:
            text = self.tr("请选择修改后的文稿（与第 {0} 版相同的文件不能提交）。")
        from app.review.dispositions import pending_condition

        waiting = pending_condition(self.review)
        if waiting is not None:
            text += self.tr("第 {0} 级已有条件同意：提交后核验修改稿（须修改的内容是否已删改、有无新的高风险问题），"
                            "通过即可发布，否则退回第 {0} 级。").format(waiting.level)
        else:
            text += self.tr("提交后各级签署从第一级重新开始，原有签署不适用于新版本。")
        self.note.setText(text.format(self.review.current.number, self.review.current.number + 1))

    def browse(self) -> None:
        dialog = QFileDialog(self, self.tr("选择修改后的文稿"), str(Path(self.path.text()).parent), self.tr(FILTER))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.path.setText)
        dialog.open()

    def submit(self) -> None:
        path = self.path.text().strip()
        if not path:
            self.error.setText(self.tr("请选择修改后的文稿"))
            return
        self.busy(True)
        self.send(path, self.done_with)
