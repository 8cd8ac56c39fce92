"""The partial-disclosure dialog: the findings of the current document, ticked when they will be
withheld (preset: high and above), a preview of what the copy will leave out, the output file,
and 生成副本 — run in the worker (app.redact.service.redact_file, both gates included). When the
document has a 审核单 and a user is logged in, the copy is recorded in the ledger as
`mishen redact --review` does (made inside the review controller's ledger job, signed by that
user); otherwise the dialog says it is not recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model import DocumentReport, Severity
from app.redact.select import CATEGORY_LABELS, DEFAULT_MIN_SEVERITY, from_finding
from ui.shell import worker

SEVERITY_LABELS = {Severity.BLOCK: "禁止发布", Severity.HIGH: "高", Severity.MEDIUM: "需核实", Severity.LOW: "提示"}


def default_output(path: str) -> str:
    p = Path(path)
    return str(p.with_name(f"{p.stem}-区分处理{p.suffix}"))


class RedactDialog(QDialog):
    finished_copy = Signal(object)    # app.redact.model.RedactionResult
    failed = Signal(str)

    def __init__(self, report: DocumentReport, parent: QWidget | None = None, *, review: Any = None,
                 controller: Any = None) -> None:
        """`review` (app.review.Review) and `controller` (ui.review.ReviewController): record the
        copy against the review, signed by the logged-in user."""
        super().__init__(parent)
        self.report = report
        self.review = review
        self.controller = controller
        self.job: worker.Job | None = None
        self.result: Any = None
        self.recorded_seq: int | None = None
        self._seqs: list[int] = []
        self.setWindowTitle(self.tr("制作区分处理副本"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("勾选不予公开的内容（默认：级别为“高”及以上的问题）。副本中这些文字的每一处都将被删除："
                                        "PDF 删除遮盖框下的文字并画出黑框，其他格式以 ■ 代替。"), wordWrap=True))
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("内容"), self.tr("类别"), self.tr("级别"), self.tr("编号")])
        self.tree.setRootIsDecorated(False)
        for f in report.findings:
            item = QTreeWidgetItem([f.text, CATEGORY_LABELS.get(f.category.value, f.category.value),
                                    SEVERITY_LABELS[f.severity], f.id])
            item.setData(0, Qt.ItemDataRole.UserRole, f)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if f.severity.rank >= DEFAULT_MIN_SEVERITY.rank
                               else Qt.CheckState.Unchecked)
            self.tree.addTopLevelItem(item)
        self.tree.itemChanged.connect(lambda *_: self._preview())
        layout.addWidget(self.tree, 1)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(120)
        layout.addWidget(self.preview)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("输出文件：")))
        self.output = QLineEdit(default_output(report.path), self)
        row.addWidget(self.output, 1)
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self._browse)
        row.addWidget(browse)
        layout.addLayout(row)
        session = controller.session if controller is not None else None
        self.record = QCheckBox(self)
        if review is not None and session is not None:
            self.record.setText(self.tr("记入审核单 {0} 的台帐（办理人 {1}）").format(review.id, session.name))
            self.record.setChecked(True)
        else:
            self.record.setText(self.tr("记入台帐（须先为本文稿建立审核单并登录）"))
            self.record.setEnabled(False)
        layout.addWidget(self.record)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(self)
        self.confirm = self.buttons.addButton(self.tr("生成副本"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.confirm.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(720, 520)
        self._preview()

    def chosen(self) -> list[Any]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                out.append(item.data(0, Qt.ItemDataRole.UserRole))
        return out

    def _preview(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.preview.setPlainText(self.tr("未选择任何内容：不会生成副本。"))
        else:
            lines = [self.tr("将删除以下 {0} 项（每一处）：").format(len(chosen))]
            lines += [f"  ■ “{f.text}”（{CATEGORY_LABELS.get(f.category.value, f.category.value)}，"
                      f"{SEVERITY_LABELS[f.severity]}）" for f in chosen]
            lines.append(self.tr("另外删除：批注、修订、隐藏文字、作者和单位等文档属性、缩略图；PDF 的文档信息、XMP、书签、注释、附件和脚本。"))
            self.preview.setPlainText("\n".join(lines))
        self.confirm.setEnabled(bool(chosen) and self.job is None)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("保存区分处理副本"), self.output.text())
        if name:
            self.output.setText(name)

    def start(self) -> None:
        from app.redact.service import redact_file

        withheld = [from_finding(f) for f in self.chosen()]
        if not withheld or self.job is not None:
            return
        source, output = self.report.path, self.output.text().strip()
        self.confirm.setEnabled(False)
        self.status.setText(self.tr("正在生成并复查副本……"))
        if self.record.isChecked() and self.record.isEnabled():
            self.job = self._start_recorded(source, withheld, output)
            return
        self.job = worker.run_call(lambda: redact_file(source, withheld, output), on_result=self._done,
                                   on_error=self._error, on_done=self._over, name="redact")

    def _start_recorded(self, source: str, withheld: list[Any], output: str) -> worker.Job:
        """The copy made inside the controller's ledger job; recorded before it is moved into place."""
        from app.redact.record import record_redaction
        from app.redact.service import redact_file

        review, session = self.review, self.controller.session
        seqs: list[int] = []
        self._seqs = seqs           # filled in the worker (a plain list), read on the GUI thread

        def work(ledger: Any) -> Any:
            def record(_tmp: Path, result: Any) -> None:
                seqs.append(record_redaction(ledger, review, result, user=session.name, signer=session.signer,
                                             output=Path(output)).seq)

            return redact_file(source, withheld, output, before_replace=record)

        job = self.controller.run(work, on_result=self._done, on_error=self._error, name="redact")
        job.finished.connect(self._over)
        return job

    def _over(self, _ok: bool) -> None:
        self.job = None
        self.confirm.setEnabled(bool(self.chosen()))

    def _done(self, result: Any) -> None:
        self.result = result
        self.recorded_seq = self._seqs[0] if self._seqs else None
        lines = [self.tr("已生成：{0}").format(result.output), f"SHA-256 {result.output_sha256}"]
        lines += [f"  - {a.message}" for a in result.actions]
        if result.rasterised:
            lines.append(self.tr("注意：第 {0} 页已整页转为图像。").format("、".join(str(p) for p in result.rasterised)))
        lines.append(self.tr("复查通过：两种提取方式均未读出被遮盖的内容，遮盖框内没有可提取的字符。"))
        if self.recorded_seq is not None:
            lines.append(self.tr("已记入台帐：第 {0} 条（审核单 {1}）。").format(self.recorded_seq, self.review.id))
        else:
            lines.append(self.tr("未记入台帐。"))
        self.preview.setPlainText("\n".join(lines))
        self.status.setText(self.tr("副本已生成。"))
        self.finished_copy.emit(result)

    def _error(self, exc: BaseException | str) -> None:
        message = exc if isinstance(exc, str) else getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        self.status.setText(self.tr("未生成副本。"))
        self.preview.setPlainText(str(message))
        self.failed.emit(str(message))

    def done(self, code: int) -> None:  # closing while a copy is being made: let it finish unseen
        if self.job is not None:
            self.job.detach()
        super().done(code)
