"""征求意见: send a consultation about the current review to a registered unit (the letter is
signed with the unit identity key, so the 保密管理员 types their password), see every
consultation of the review with its state and due date, and import a reply. Opening the dialog
records 视为同意 for consultations past their due date (app.review.consult.settle_overdue). Typed
input stays after a wrong password. The ledger is used in the controller's worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.shell.screen_fit import fit_window


def load_state(ledger: Any, review_id: str) -> dict[str, Any]:
    """Worker side: settle overdue consultations, then what the dialog shows."""
    from app.peers.service import list_peers
    from app.review.consult import consultations_for, settle_overdue
    from app.users import Role, list_users

    settled = settle_overdue(ledger, review_id=review_id)
    return {"consultations": consultations_for(ledger, review_id), "settled": settled,
            "peers": [(p.unit_name, p.fingerprint) for p in list_peers(ledger)],
            "admins": [u.name for u in list_users(ledger) if u.role is Role.SECRECY_ADMIN]}


class ConsultDialog(QDialog):
    loaded = Signal(object)          # the consultations (tuple of app.review.consult_model.Consultation)
    sent = Signal(object)            # the new Consultation
    imported = Signal(object)        # the Consultation a reply was recorded for
    failed = Signal(str)
    printed = Signal(str)            # the paper letter written

    def __init__(self, controller: Any, review: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consultDialog")
        self.setWindowTitle(self.tr("征求意见"))
        self.controller = controller
        self.review = review
        self.consultations: tuple[Any, ...] = ()

        heading = QLabel(self.tr("审核单 {0}：{1}").format(review.id, review.title), self)
        heading.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("consultations")
        self.to_unit = QComboBox(self)
        self.admin = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.opinion = QPlainTextEdit(self)
        self.opinion.setPlaceholderText(self.tr("本单位的意见和依据（第十一条）；留空则写“拟公开”及审查发现的问题数"))
        self.opinion.setMaximumHeight(80)
        self.output = QLineEdit(self)
        self.output.setText(str(Path.home() / f"征求意见函-{review.id}.mishen"))
        browse = QPushButton(self.tr("浏览…"), self)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("征求意见单位"), self.to_unit)
        form.addRow(self.tr("保密管理员"), self.admin)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("本单位意见"), self.opinion)
        form.addRow(self.tr("征求意见函"), out_row)
        note = QLabel(self.tr("答复期限为发出之日后第 5 个工作日（按国务院办公厅公布的节假日和调休计算）；"
                              "期满未答复视为同意。征求意见期间各级不能同意发布。"), self)
        note.setWordWrap(True)
        self.send_button = QPushButton(self.tr("发出征求意见函"), self)
        self.send_button.setDefault(True)
        self.import_button = QPushButton(self.tr("导入答复…"), self)
        self.print_button = QPushButton(self.tr("打印纸面函…"), self)
        self.print_button.setToolTip(self.tr("所选（或最近一次）征求意见的纸面征求意见函，PDF 或 Word"))
        self.print_button.setEnabled(False)
        close = QPushButton(self.tr("关闭"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.result = QLabel(self)
        self.result.setObjectName("consultResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(QLabel(self.tr("本审核单的征求意见"), self))
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.result)
        layout.addLayout(buttons)
        fit_window(self, QSize(640, 620))

        browse.clicked.connect(self._browse)
        self.send_button.clicked.connect(self.send)
        self.import_button.clicked.connect(self.ask_import)
        self.print_button.clicked.connect(self.ask_print)
        close.clicked.connect(self.reject)
        session = getattr(controller, "session", None)
        self._session_name = session.name if session is not None else ""

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        rid = self.review.id
        self.controller.run(lambda ledger: load_state(ledger, rid), self._loaded, self._error, name="consult-load")

    def _loaded(self, data: dict[str, Any]) -> None:
        self.consultations = tuple(data["consultations"])
        self.list.clear()
        for c in self.consultations:
            text = self.tr("{unit}：{sent} 发出，{state}").format(unit=c.to_unit, sent=f"{c.sent_date:%Y-%m-%d}",
                                                               state=c.state_text)
            if c.opinion:
                text += self.tr("；意见：{0}").format(c.opinion)
            self.list.addItem(text)
        if not self.consultations:
            self.list.addItem(self.tr("（尚未征求意见）"))
        self.print_button.setEnabled(bool(self.consultations))
        current = self.to_unit.currentText()
        self.to_unit.clear()
        for name, fp in data["peers"]:
            self.to_unit.addItem(f"{name}（{fp}）", fp)
        if current:
            self.to_unit.setCurrentIndex(max(0, self.to_unit.findText(current)))
        if not self.admin.text():
            admins = data["admins"]
            self.admin.setText(self._session_name if self._session_name in admins else (admins[0] if admins else ""))
        if not data["peers"]:
            self.result.setText(self.tr("尚未登记任何外单位：请先由保密管理员交换单位身份（mishen peers export / peers add）。"))
        elif data["settled"]:
            self.result.setText(self.tr("已记录 {0} 份期满未答复的征求意见为视为同意。").format(len(data["settled"])))
        from app.review.consult_model import objection_note

        note = objection_note(self.consultations)
        if note:
            self.list.addItem(self.tr("注意：{0}").format(note))
        self.loaded.emit(self.consultations)

    def _error(self, text: str) -> None:
        self.result.setText(text)       # the typed opinion and choices stay for another try
        self.send_button.setEnabled(True)
        self.failed.emit(text)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存征求意见函"), self.output.text(),
                                              self.tr("密审征求意见函 (*.mishen)"))
        if path:
            self.output.setText(path)

    # --- actions ------------------------------------------------------------------------------
    def send(self) -> None:
        to = self.to_unit.currentData()
        admin, password = self.admin.text().strip(), self.password.text()
        opinion, output = self.opinion.toPlainText(), self.output.text().strip()
        if not to:
            self._error(self.tr("请选择征求意见的单位。"))
            return
        if not admin or not password or not output:
            self._error(self.tr("请填写保密管理员、密码和征求意见函的保存位置。"))
            return
        rid = self.review.id
        self.send_button.setEnabled(False)

        def work(ledger: Any) -> Any:
            from app.review.consult import send_consultation

            return send_consultation(ledger, rid, to=str(to), output=output, admin=admin, password=password,
                                     opinion=opinion)

        def done(c: Any) -> None:
            self.password.clear()
            self.send_button.setEnabled(True)
            text = self.tr("已写出征求意见函 {0}：征求{1}意见，答复期限 {2}。").format(output, c.to_unit,
                                                                            f"{c.due_date:%Y-%m-%d}")
            if c.calendar_warning:
                text += "\n" + c.calendar_warning
            self.result.setText(text)
            self.sent.emit(c)
            self.reload()

        self.controller.run(work, done, self._error, name="consult-send")

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入答复意见"), "", self.tr("密审答复意见 (*.mishen)"))
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        def work(ledger: Any) -> Any:
            from app.review.consult import import_reply

            return import_reply(ledger, path)

        def done(result: tuple[Any, bool]) -> None:
            c, new = result
            self.result.setText((self.tr("已记录{0}的答复：{1}") if new else self.tr("答复已记录过（{0}）：{1}"))
                                .format(c.to_unit, c.state_text))
            self.imported.emit(c)
            self.reload()

        self.controller.run(work, done, self._error, name="consult-import")

    def ask_print(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("打印纸面征求意见函"), "征求意见函.pdf",
                                              self.tr("PDF (*.pdf);;Word 文档 (*.docx)"))
        if path:
            self.print_to(Path(path))

    def print_to(self, path: Path) -> None:
        """The paper letter of the selected consultation (the latest when none is selected)."""
        if not self.consultations:
            return
        row = self.list.currentRow()
        c = self.consultations[row] if 0 <= row < len(self.consultations) else self.consultations[-1]

        def work(ledger: Any) -> str:
            from app.review.consult_print import print_letter

            return str(print_letter(ledger, c, path))

        def done(out: str) -> None:
            self.result.setText(self.tr("已输出纸面征求意见函：{0}").format(out))
            self.printed.emit(out)

        self.controller.run(work, done, self._error, name="consult-print")
