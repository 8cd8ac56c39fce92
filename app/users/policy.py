"""Who may add users: a pure rule the CLI, the window and the core share.

A unit without a 保密管理员 (secrecy_admin) manages its users at the workstation (that is how the
first users, and the first 保密管理员, come in). Once the ledger has a 保密管理员, only a
保密管理员 may add users, and the addition is co-signed by them in the ledger (`user_approved`).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.users.model import Role, User


def may_add_user(existing: Sequence[User], actor: User | None) -> tuple[bool, str]:
    """(allowed, Chinese reason when not)."""
    if not any(u.role is Role.SECRECY_ADMIN for u in existing):
        return True, ""
    if actor is None:
        return False, "本台帐已设保密管理员，添加用户须由保密管理员办理（命令行用 --by 指定保密管理员）。"
    if actor.role is not Role.SECRECY_ADMIN:
        return False, f"只有保密管理员可以添加用户（“{actor.name}”是{actor.role.label}）。"
    return True, ""
