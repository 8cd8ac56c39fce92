"""Local users: a role, a unit, a scrypt password hash and an Ed25519 key pair."""

from app.users.model import ROLE_LABELS, Role, User
from app.users.policy import may_add_user
from app.users.service import (
    add_user,
    get_user,
    is_revoked,
    lift_lockout,
    list_users,
    require_user,
    revoke_user,
    unlock,
)

__all__ = ["ROLE_LABELS", "Role", "User", "add_user", "get_user", "is_revoked", "lift_lockout", "list_users",
           "may_add_user", "require_user", "revoke_user", "unlock"]
