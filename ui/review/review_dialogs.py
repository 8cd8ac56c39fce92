"""Login and 建立审核单 dialogs (non-blocking: opened with open(), results by signal)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


class ReviewDialogBase(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c00000;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        # the form scrolls when it outgrows the screen (large font, low screen); the reason and
        # the OK/Cancel buttons stay below it, always visible
        body = QWidget(self)
        body.setLayout(self.form)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def submit(self) -> None:  # pragma: no cover - overridden
        self.accept()

    def busy(self, on: bool) -> None:
        self.ok_button.setEnabled(not on)
        if on:
            self.error.setText(self.tr("请稍候…"))

    def done_with(self, ok: bool, text: str) -> None:
        """Callback from the controller: close on success, show the reason otherwise."""
        self.busy(False)
        if ok:
            self.error.clear()
            self.accept()
        else:
            self.error.setText(text)


class LoginDialog(ReviewDialogBase):
    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("登录"), parent)
        self.controller = controller
        self.user_box = QComboBox(self)
        self.user_box.setEditable(True)
        for u in controller.users:
            self.user_box.addItem(f"{u.name}（{u.role.label}）", u.name)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("用户"), self.user_box)
        self.form.addRow(self.tr("密码"), self.password)
        self.ok_button.setText(self.tr("登录"))
        if not controller.users:
            self.error.setText(self.tr("本机尚无用户。请在“审核 → 用户管理…”中添加（或由保密管理员用 mishen users add 添加）。"))

    def user_name(self) -> str:
        text = self.user_box.currentText()
        index = self.user_box.findText(text)
        return str(self.user_box.itemData(index)) if index >= 0 else text.strip()

    def submit(self) -> None:
        self.busy(True)
        self.controller.login(self.user_name(), self.password.text(), self.done_with)


class OpenReviewDialog(ReviewDialogBase):
    """建立审核单: title, unit, information class (with the engine's suggestion), disclosure, route."""

    def __init__(self, controller: Any, page: Any, parent: QWidget | None = None) -> None:
        from app.review import BUILTIN_ROUTES, Disclosure, FindingRef, InfoClass, suggest_class

        super().__init__(self.tr("建立审核单"), parent)
        self.controller = controller
        self.page = page
        report = page.report
        refs = [FindingRef.from_report(f.to_json()) for f in report.findings]
        self.suggested = suggest_class(refs)
        from pathlib import Path

        self.title = QLineEdit(Path(report.path).stem, self)
        self.unit = QLineEdit(controller.session.unit if controller.session else "", self)
        self.info_class = QComboBox(self)
        for c in InfoClass:
            label = c.label + (self.tr("（系统建议）") if c is self.suggested else "")
            self.info_class.addItem(label, c.value)
        self.info_class.setCurrentIndex(list(InfoClass).index(self.suggested))
        self.disclosure = QComboBox(self)
        for d in Disclosure:
            self.disclosure.addItem(d.label, d.value)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("依申请公开或不予公开须填写理由"))
        self.route = QComboBox(self)
        for name, data in BUILTIN_ROUTES.items():
            self.route.addItem(str(data["title"]), name)
        self.form.addRow(self.tr("标题"), self.title)
        self.form.addRow(self.tr("单位"), self.unit)
        self.form.addRow(self.tr("信息类别"), self.info_class)
        self.form.addRow(self.tr("公开属性"), self.disclosure)
        self.form.addRow(self.tr("理由"), self.reason)
        self.form.addRow(self.tr("审核流程"), self.route)
        self.ok_button.setText(self.tr("建立"))

    def submit(self) -> None:
        from app.review import Disclosure, InfoClass

        self.busy(True)
        self.controller.open_review(self.page, title=self.title.text(), unit=self.unit.text(),
                                    info_class=InfoClass(self.info_class.currentData()),
                                    disclosure=Disclosure(self.disclosure.currentData()),
                                    reason=self.reason.text(), route=self.route.currentData(), on_done=self.done_with)
