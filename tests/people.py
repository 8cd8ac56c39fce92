"""Registering test users the way a unit must: the 保密管理员 first (the only user added without a
co-signature, on first run), then everybody else added by that 保密管理员 (co-signed)."""

from __future__ import annotations

from collections.abc import Mapping

from app.ledger import Ledger
from app.users import Role, User, add_user, unlock

ADMIN = "bm_admin"
ADMIN_PASSWORD = "admin-pass-1"


def add_people(ledger: Ledger, people: Mapping[str, Role | tuple[Role, str]], password: str | Mapping[str, str], *,
               admin: str = ADMIN, admin_password: str = ADMIN_PASSWORD, admin_unit: str = "") -> list[User]:
    """Add the 保密管理员 `admin` first (unless one is already in the ledger), then `people`
    (name -> role or (role, unit)), each `--by` the admin. `password`: one for all, or per name."""
    from app.users import list_users

    existing = next((u for u in list_users(ledger) if u.role is Role.SECRECY_ADMIN), None)
    if existing is None:
        add_user(ledger, admin, Role.SECRECY_ADMIN, admin_password, unit=admin_unit)
    else:
        admin = existing.name
    by = unlock(ledger, admin, admin_password)
    out = []
    for name, spec in people.items():
        role, unit = spec if isinstance(spec, tuple) else (spec, "")
        pw = password if isinstance(password, str) else password[name]
        out.append(add_user(ledger, name, role, pw, unit=unit, added_by=by))
    return out
