"""Who may add users: a pure rule the CLI, the window, the core and `ledger verify` share.

First run: a ledger without a 保密管理员 (secrecy_admin) accepts exactly one kind of user, the
first 保密管理员, added at the workstation with no co-signature. Every later user is added by a
保密管理员, and the addition is co-signed by them in the ledger (`user_approved`); `ledger verify`
checks that co-signature for every user but the first 保密管理员.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.users.model import Role, User

FIRST_USER_RULE = "台帐中尚无用户：第一个用户必须是保密管理员；此后由保密管理员登录（命令行用 --by）添加其他用户。"


def has_admin(existing: Sequence[User]) -> bool:
    return any(u.role is Role.SECRECY_ADMIN for u in existing)


def may_add_user(existing: Sequence[User], actor: User | None, role: Role | None = None) -> tuple[bool, str]:
    """(allowed, Chinese reason when not). `role` is the role of the user to be added (None: may
    this actor add anybody at all)."""
    if not has_admin(existing):
        if role is not None and role is not Role.SECRECY_ADMIN:
            return False, f"台帐中尚无保密管理员：第一个用户必须是保密管理员，不能先添加{role.label}。"
        return True, ""
    if actor is None:
        return False, "本台帐已设保密管理员，添加用户须由保密管理员办理（命令行用 --by 指定保密管理员）。"
    if actor.role is not Role.SECRECY_ADMIN:
        return False, f"只有保密管理员可以添加用户（“{actor.name}”是{actor.role.label}）。"
    return True, ""
