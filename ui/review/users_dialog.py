"""用户管理: the users of this workstation's ledger (name, role, unit, key fingerprint) and a form
to add one. Adding runs in the worker (scrypt and the ledger write never block the window)."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.review import user_admin

HEADERS = ("姓名", "角色", "单位", "密钥指纹", "状态")


class UsersDialog(QDialog):
    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        from app.users.model import Role
        from app.users.service import MIN_PASSWORD

        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.setWindowTitle(self.tr("用户管理"))
        self.controller = controller
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.name = QLineEdit(self)
        self.role = QComboBox(self)
        for r in Role:
            self.role.addItem(r.label, r.value)
        self.unit = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("至少 {0} 个字符").format(MIN_PASSWORD))
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton(self.tr("添加用户"), self)
        self.add_button.setObjectName("addUser")
        self.add_button.clicked.connect(self.submit)
        self.unlock_button = QPushButton(self.tr("解锁所选用户"), self)
        self.unlock_button.setObjectName("unlockUser")
        self.unlock_button.setToolTip(self.tr("连续 10 次输错密码的用户被锁定，须由保密管理员解锁"))
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.table.itemSelectionChanged.connect(self._update_unlock)
        self.statuses: dict[str, str] = {}
        self.rule = QLabel(self)
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color:#555;")
        self.error = QLabel(self)
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c00000;")
        form = QFormLayout()
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("角色"), self.role)
        form.addRow(self.tr("单位"), self.unit)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("确认密码"), self.confirm)
        form.addRow("", self.add_button)
        group = QGroupBox(self.tr("添加用户"), self)
        box = QVBoxLayout(group)
        box.addWidget(self.rule)
        box.addLayout(form)
        box.addWidget(self.error)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.unlock_button)
        layout.addWidget(group)
        layout.addWidget(buttons)
        self.resize(640, 520)
        self._busy = False
        controller.users_loaded.connect(self._users_changed)
        controller.changed.connect(self.refresh)
        self.refresh()
        controller.load_users()

    def _load_statuses(self) -> None:
        user_admin.load_statuses(self.controller, self._statuses_loaded)

    def _statuses_loaded(self, statuses: dict[str, str]) -> None:
        with contextlib.suppress(RuntimeError):   # the dialog was deleted while the worker ran
            self.statuses = statuses
            self._fill()

    # --- state -------------------------------------------------------------------------------------
    def _users_changed(self, _users: Any) -> None:
        self.refresh()
        self._load_statuses()

    def refresh(self) -> None:
        from app.users.model import Role

        users = self.controller.users
        self._fill()
        session = self.controller.session
        allowed, why = user_admin.may_add(users, session)
        first_run = not user_admin.has_admin(users)
        if first_run:   # the only user that can be added now is the first 保密管理员
            self.set_role(Role.SECRECY_ADMIN)
            self.rule.setText(self.tr("台帐中尚无用户：第一个用户必须是保密管理员（无需他人确认）；"
                                      "此后只有保密管理员登录后才能添加其他用户。") if not users else
                              self.tr("台帐中尚无保密管理员：现在只能添加保密管理员。"))
        elif allowed and session is not None:
            self.rule.setText(self.tr("您（{0}）是保密管理员，可以添加用户；添加记录由您签名确认。").format(session.name))
        else:
            self.rule.setText(why)
        for w in (self.name, self.unit, self.password, self.confirm):
            w.setEnabled(allowed)
        self.role.setEnabled(allowed and not first_run)
        self.add_button.setEnabled(allowed and not self._busy)
        self._update_unlock()

    def _fill(self) -> None:
        users = self.controller.users
        self.table.setRowCount(len(users))
        for row, u in enumerate(users):
            status = {"locked": self.tr("已锁定"), "revoked": self.tr("已停用")}.get(self.statuses.get(u.name, ""), "")
            cells = (u.name, u.role.label, u.unit, user_admin.fingerprint(u.public_key), status)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setToolTip(u.public_key)
                self.table.setItem(row, col, item)
        self._update_unlock()

    def selected_name(self) -> str | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        item = self.table.item(rows.pop(), 0)
        return item.text() if item is not None else None

    def _update_unlock(self) -> None:
        from app.users.model import Role

        session = self.controller.session
        admin = session is not None and session.role is Role.SECRECY_ADMIN
        self.unlock_button.setVisible(admin)
        self.unlock_button.setEnabled(admin and self.statuses.get(self.selected_name() or "") == "locked")

    def unlock_selected(self) -> None:
        name = self.selected_name()
        if name:
            self.unlock_button.setEnabled(False)
            user_admin.unlock_user(self.controller, name, self._unlocked)

    def _unlocked(self, ok: bool, text: str) -> None:
        with contextlib.suppress(RuntimeError):
            if not ok:
                self.error.setText(text)
            self._load_statuses()

    # --- adding ------------------------------------------------------------------------------------
    def submit(self) -> None:
        from app.users.model import Role

        if self.password.text() != self.confirm.text():
            self.error.setText(self.tr("两次输入的密码不一致。"))
            return
        self._busy = True
        self.add_button.setEnabled(False)
        self.error.setText(self.tr("正在添加（生成密钥）…"))
        user_admin.add_user(self.controller, name=self.name.text(), role=Role(self.role.currentData()),
                            unit=self.unit.text(), password=self.password.text(), on_done=self._added)

    def _added(self, ok: bool, text: str) -> None:
        with contextlib.suppress(RuntimeError):   # the dialog was deleted while the worker ran
            self._show_added(ok, text)

    def _show_added(self, ok: bool, text: str) -> None:
        self._busy = False
        if ok:
            self.error.clear()
            for w in (self.name, self.password, self.confirm):
                w.clear()
        else:
            self.error.setText(text)
        self.refresh()

    def set_role(self, role: Any) -> None:
        self.role.setCurrentIndex(self.role.findData(role.value))
