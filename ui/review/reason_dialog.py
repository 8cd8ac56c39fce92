"""A small dialog that asks for a required reason (false alarm, waiver, return…)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ReasonDialog(QDialog):
    def __init__(self, title: str, prompt: str, parent: QWidget | None = None, *, password: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("reasonDialog")
        layout = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit = QPlainTextEdit(self)
        self.edit.setPlaceholderText(self.tr("必填"))
        layout.addWidget(self.edit)
        self.password_edit: QLineEdit | None = None
        if password:
            self.password_edit = QLineEdit(self)
            self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.password_edit.setPlaceholderText(self.tr("您的签名密码（豁免以您的名义签名记入台帐）"))
            layout.addWidget(self.password_edit)
            self.password_edit.textChanged.connect(self._update)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel(self)
        self.error.setObjectName("reasonError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c00000;")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._update)
        self._update()
        self.resize(420, 220)

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason) and (self.password_edit is None or bool(self.password)))

    def retry(self, reason: str, error: str) -> None:
        """Shown again after a failure (e.g. a wrong password): the typed reason is back, the
        error says why, only the password must be typed again."""
        self.edit.setPlainText(reason)
        self.error.setText(error)
        self.error.show()
        if self.password_edit is not None:
            self.password_edit.clear()
            self.password_edit.setFocus()

    @property
    def reason(self) -> str:
        return self.edit.toPlainText().strip()

    @property
    def password(self) -> str:
        return self.password_edit.text() if self.password_edit is not None else ""
