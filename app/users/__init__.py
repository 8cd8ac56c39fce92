"""Local users: a role, a unit, a scrypt password hash and an Ed25519 key pair."""

from app.users.model import ROLE_LABELS, Role, User
from app.users.service import add_user, get_user, list_users, require_user, unlock

__all__ = ["ROLE_LABELS", "Role", "User", "add_user", "get_user", "list_users", "require_user", "unlock"]
