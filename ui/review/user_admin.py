"""Who may add users from the window, and adding one through the controller (in the worker).

The rule is the core's (`app.users.policy.may_add_user`): on first run the only user that can be
added is the first 保密管理员; afterwards only a logged-in 保密管理员 may add users, and the core
co-signs the addition with their key. The dialog asks the same rule to grey out its form; the core
enforces it inside the worker, under the ledger lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from ui.shell import worker


def _tr(text: str) -> str:
    return QCoreApplication.translate("user_admin", text)


def may_add(users: Sequence[Any], session: Any) -> tuple[bool, str]:
    """(allowed, why not) for adding a user now, by the core's rule."""
    from app.users.policy import may_add_user

    actor = next((u for u in users if session is not None and u.name == session.name), None)
    allowed, why = may_add_user(list(users), actor)
    return allowed, "" if allowed else _tr(why)


def has_admin(users: Sequence[Any]) -> bool:
    """Whether first run is over (a 保密管理员 is registered)."""
    from app.users.policy import has_admin as core_has_admin

    return core_has_admin(list(users))


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
        from app.users.service import get_user

        actor = get_user(ledger, session.name) if session is not None else None
        added_by = (actor, session.signer) if actor is not None else None
        user = core_add_user(ledger, name, role, password, unit=unit, added_by=added_by)
        return user, list_users(ledger)

    def ok(result: tuple[Any, list[Any]]) -> None:
        user, users = result
        controller.users = users
        controller.users_loaded.emit(users)
        controller.message.emit(_tr("已添加用户 {0}（{1}）").format(user.name, user.role.label))
        on_done(True, "")

    return controller.run(work, ok, lambda text: on_done(False, text), name="add-user")


def load_statuses(controller: Any, on_done: Callable[[dict[str, str]], None]) -> worker.Job:
    """Name -> "revoked" / "locked" for users who cannot sign now (read in the worker)."""
    def work(ledger: Any) -> dict[str, str]:
        from app.users import is_revoked, list_users
        from app.users.attempts import attempt_state, is_locked

        out: dict[str, str] = {}
        for u in list_users(ledger):
            if is_revoked(ledger, u.name):
                out[u.name] = "revoked"
            elif is_locked(attempt_state(ledger, u.name).failures):
                out[u.name] = "locked"
        return out

    return controller.run(work, on_done, lambda _text: None, name="user-status")


def unlock_user(controller: Any, name: str, on_done: Callable[[bool, str], None]) -> worker.Job:
    """The logged-in 保密管理员 lifts `name`'s lockout (`user_unlocked`, signed with their key)."""
    session = controller.session

    def work(ledger: Any) -> int:
        from app.ledger.errors import AuthError
        from app.users import get_user, lift_lockout

        actor = get_user(ledger, session.name) if session is not None else None
        if actor is None:
            raise AuthError(_tr("请先以保密管理员身份登录。"), code="not_allowed")
        return lift_lockout(ledger, name, (actor, session.signer))

    def ok(cleared: int) -> None:
        controller.message.emit(_tr("已解锁用户 {0}（清除连续 {1} 次密码错误）").format(name, cleared))
        on_done(True, "")

    return controller.run(work, ok, lambda text: on_done(False, text), name="unlock-user")
