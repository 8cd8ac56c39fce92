"""用户管理 in the window: the first user of an empty ledger must be the 保密管理员; afterwards
only a logged-in 保密管理员 adds users; the core's Chinese refusals are shown; a user added through the
dialog can log in."""

from __future__ import annotations

import pytest

from app.users.model import Role
from tests.ui.flow import WAIT, login
from ui.review import user_admin
from ui.shell.main_window import MainWindow


@pytest.fixture
def empty_window(qtbot, settings, engine_holder, tmp_path, monkeypatch):
    data = tmp_path / "empty-data"
    monkeypatch.setenv("MISHEN_HOME", str(data))
    win = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data))
    qtbot.addWidget(win)
    win.show()
    return win


def add(qtbot, dialog, name, role, password, confirm=None, unit="县营商办"):
    count = dialog.table.rowCount()
    dialog.name.setText(name)
    dialog.set_role(role)
    dialog.unit.setText(unit)
    dialog.password.setText(password)
    dialog.confirm.setText(password if confirm is None else confirm)
    assert dialog.add_button.isEnabled(), dialog.rule.text()
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > count or (dialog.error.text()
                                                                  and "正在添加" not in dialog.error.text()),
                    timeout=WAIT)


def open_users(window):
    action = next(a for a in window.review_menu.actions() if a.text() == "用户管理…")
    action.trigger()
    return window.review.dialog


def test_add_users_then_log_in(qtbot, empty_window):
    window = empty_window
    controller = window.review.controller
    dialog = open_users(window)
    assert dialog.table.rowCount() == 0
    assert "第一个用户必须是保密管理员" in dialog.rule.text() and "您" not in dialog.rule.text()
    # first run: the role is fixed to 保密管理员; the core refuses any other role too
    assert not dialog.role.isEnabled() and dialog.role.currentData() == Role.SECRECY_ADMIN.value
    results = []
    user_admin.add_user(controller, name="赵主要", role=Role.PRINCIPAL, unit="", password="principal-pass",
                        on_done=lambda ok, text: results.append((ok, text)))
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT)
    assert results[0][0] is False and "第一个用户必须是保密管理员" in results[0][1]
    assert controller.users == [] or not controller.users

    add(qtbot, dialog, "周保密", Role.SECRECY_ADMIN, "admin-password")
    assert dialog.table.item(0, 0).text() == "周保密"
    assert dialog.table.item(0, 1).text() == "保密管理员"
    assert dialog.table.item(0, 2).text() == "县营商办"
    assert dialog.table.item(0, 3).text().endswith("…")
    assert dialog.table.item(0, 3).toolTip() == controller.users[0].public_key
    # now only a logged-in 保密管理员 may add; a logged-out user is not told they are one
    assert not dialog.add_button.isEnabled()
    assert "须由保密管理员办理" in dialog.rule.text() and "您" not in dialog.rule.text()
    dialog.reject()

    login(qtbot, window, "周保密", "admin-password")
    dialog = open_users(window)
    assert dialog.add_button.isEnabled() and dialog.role.isEnabled()
    assert "您（周保密）是保密管理员" in dialog.rule.text()
    add(qtbot, dialog, "李信息", Role.OFFICER, "short")                 # the core's minimum length
    assert "密码至少 8 个字符" in dialog.error.text()
    dialog.error.clear()
    dialog.password.setText("officer-pass")
    dialog.confirm.setText("officer-pasX")
    dialog.add_button.click()
    assert "两次输入的密码不一致" in dialog.error.text()
    add(qtbot, dialog, "李信息", Role.OFFICER, "officer-pass")
    add(qtbot, dialog, "孙科长", Role.SECTION_CHIEF, "section-pass")
    assert [dialog.table.item(r, 1).text() for r in range(3)] == ["保密管理员", "信息员", "科室负责人"]
    add(qtbot, dialog, "李信息", Role.PRINCIPAL, "another-pass")          # duplicate: the core refuses
    assert "已存在" in dialog.error.text()
    assert dialog.table.rowCount() == 3
    dialog.reject()

    login(qtbot, window, "李信息", "officer-pass")
    assert controller.session.role is Role.OFFICER
    dialog = open_users(window)
    assert not dialog.add_button.isEnabled()
    assert "只有保密管理员可以添加用户" in dialog.rule.text()
    dialog.reject()


def test_non_admin_is_refused_in_the_worker_too(qtbot, data_dir, window_with_reviewers):
    """Once the ledger has a 保密管理员, the core refuses anyone else, whatever the dialog shows."""
    window = window_with_reviewers
    login(qtbot, window, "李信息", "officer-pass")
    results = []
    user_admin.add_user(window.review.controller, name="某人", role=Role.OFFICER, unit="", password="some-password",
                        on_done=lambda ok, text: results.append((ok, text)))
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT)
    assert results[0][0] is False and "只有保密管理员" in results[0][1]


@pytest.fixture
def window_with_reviewers(qtbot, settings, engine_holder, data_dir):
    win = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(win)
    win.show()
    return win


def test_login_failures_one_message_recorded_and_throttled(qtbot, data_dir, window_with_reviewers):
    """The login dialog: an unknown name and a wrong password read the same; failures are in the
    ledger; after five in a row the next attempt is told to wait (the delay is not slept here)."""
    from app.ledger import Ledger

    window = window_with_reviewers
    controller = window.review.controller
    qtbot.waitUntil(lambda: bool(controller.users), timeout=WAIT)
    dialog = window.review.ask_login()
    texts = []
    for name in ("没有这个人", *["李信息"] * 6):
        dialog.error.clear()
        dialog.user_box.setEditText(name)
        dialog.password.setText("not-the-password")
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: dialog.error.text() not in ("", "请稍候…"), timeout=WAIT)
        texts.append(dialog.error.text())
    assert texts[0] == texts[1] and "用户名或密码错误" in texts[0]
    assert "秒后再试" in texts[-1] and controller.session is None
    dialog.reject()
    with Ledger.open(data_dir) as ledger:
        failed = [(e.payload["name"], e.payload["attempt"]) for e in ledger.events(kinds=("login_failed",))]
    assert failed == [("没有这个人", "登录")] + [("李信息", "登录")] * 5   # the throttled sixth is not counted


def test_admin_unlocks_a_locked_user_in_the_dialog(qtbot, data_dir, window_with_reviewers):
    from datetime import datetime, timedelta

    from app.errors import MishenError
    from app.ledger import Ledger
    from app.users import unlock
    from app.users.attempts import LOCKOUT_AT
    from tests.people import ADMIN, ADMIN_PASSWORD

    later = lambda: datetime.now().astimezone() + timedelta(days=1)  # noqa: E731 - no delay still running
    with Ledger.open(data_dir) as ledger:
        for _ in range(LOCKOUT_AT):
            with pytest.raises(MishenError):
                unlock(ledger, "李信息", "not-the-password", clock=later)
    window = window_with_reviewers
    login(qtbot, window, "王分管", "leader-pass")
    dialog = open_users(window)
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "李信息")
    qtbot.waitUntil(lambda: dialog.table.item(row, 4).text() == "已锁定", timeout=WAIT)
    assert not dialog.unlock_button.isVisibleTo(dialog)  # not a 保密管理员
    dialog.reject()

    login(qtbot, window, ADMIN, ADMIN_PASSWORD)
    dialog = open_users(window)
    qtbot.waitUntil(lambda: dialog.table.item(row, 4).text() == "已锁定", timeout=WAIT)
    assert dialog.unlock_button.isVisibleTo(dialog) and not dialog.unlock_button.isEnabled()  # nothing selected
    dialog.table.selectRow(row)
    assert dialog.unlock_button.isEnabled()
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: dialog.table.item(row, 4).text() == "", timeout=WAIT)
    dialog.reject()
    with Ledger.open(data_dir) as ledger:
        assert ledger.events(kinds=("user_unlocked",))[-1].actor == ADMIN
    login(qtbot, window, "李信息", "officer-pass")
