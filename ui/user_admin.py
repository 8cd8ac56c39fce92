"""Who may add users from the window, and adding one through the controller (in the worker).

The core's `add_user` takes no actor and checks nothing about who calls it, so the window enforces
the rule itself: anyone may add the first user of an empty ledger; afterwards only a logged-in
保密管理员 (secrecy_admin). The rule is checked again inside the worker, under the ledger lock,
against the users actually in the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from ui import worker


def _tr(text: str) -> str:
    return QCoreApplication.translate("user_admin", text)


def may_add(users: Sequence[Any], session: Any) -> tuple[bool, str]:
    """(allowed, why not) for adding a user now."""
    from app.users.model import Role

    if not users:
        return True, ""
    if session is None:
        return False, _tr("添加用户须由保密管理员登录后操作。")
    if session.role is not Role.SECRECY_ADMIN:
        return False, _tr("只有保密管理员可以添加用户（当前用户：{0}，{1}）。").format(session.name, session.role_label)
    return True, ""


def fingerprint(public_key: str) -> str:
    """The first 16 hex digits of the public key in groups of four (as `mishen users list`)."""
    head = public_key[:16]
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4)) + "…"


def add_user(controller: Any, *, name: str, role: Any, unit: str, password: str,
             on_done: Callable[[bool, str], None]) -> worker.Job:
    """Add a user in the worker; on success the controller's user list is reloaded and announced."""
    from app.users.service import add_user as core_add_user
    from app.users.service import list_users

    session = controller.session

    def work(ledger: Any) -> tuple[Any, list[Any]]:
        allowed, why = may_add(list_users(ledger), session)
        if not allowed:
            from app.errors import UsageError

            raise UsageError(why, code="not_allowed")
        user = core_add_user(ledger, name, role, password, unit=unit)
        return user, list_users(ledger)

    def ok(result: tuple[Any, list[Any]]) -> None:
        user, users = result
        controller.users = users
        controller.users_loaded.emit(users)
        controller.message.emit(_tr("已添加用户 {0}（{1}）").format(user.name, user.role.label))
        on_done(True, "")

    return controller.run(work, ok, lambda text: on_done(False, text), name="add-user")
