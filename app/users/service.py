"""Adding users, unlocking their signing keys (password attempts recorded and throttled, see
`app.users.attempts`), lifting a lockout and revoking a user."""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime

from app.errors import UsageError
from app.ledger.crypto import (
    KeySigner,
    decrypt_private_key,
    encrypt_private_key,
    hash_password,
    new_private_key,
    public_key_hex,
    verify_password,
)
from app.ledger.errors import AuthError
from app.ledger.store import Ledger
from app.users.attempts import (
    BAD_CREDENTIALS,
    LOCKOUT_AT,
    Clock,
    attempt_state,
    is_locked,
    record_failure,
    record_success,
)
from app.users.model import Role, User
from app.users.policy import may_add_user

MIN_PASSWORD = 8


def _row_to_user(row: tuple[object, ...]) -> User:
    return User(str(row[0]), Role(str(row[1])), str(row[2]), str(row[3]), int(str(row[4])))


def validate_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or name.startswith("@") or any(c in name for c in "\n\r\t"):
        raise UsageError("用户名不能为空、不能以 @ 开头、不能含换行，且不超过 64 个字符。", code="bad_name")
    return name


def add_user(ledger: Ledger, name: str, role: Role, password: str, unit: str = "", *,
             added_by: tuple[User, KeySigner] | None = None) -> User:
    """Create the key pair, store the password hash and encrypted private key, and record a
    `user_added` entry signed by the new key (proof the key belongs to this user) and, when a
    保密管理员 adds the user, a `user_approved` entry signed by them. All or nothing; who may add
    users is `app.users.policy.may_add_user`."""
    name = validate_name(name)
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"密码至少 {MIN_PASSWORD} 个字符。", code="weak_password")
    key = new_private_key()
    pub = public_key_hex(key)
    pw_hash = hash_password(password)
    blob = encrypt_private_key(key, password)
    unit = unit.strip()
    signer = KeySigner(name, key)
    with ledger.transaction() as tx:
        if get_user(ledger, name) is not None or any(
                e.payload.get("name") == name for e in ledger.events(kinds=("user_added",))):
            raise UsageError(f"用户“{name}”已存在。", code="user_exists")
        actor = added_by[0] if added_by is not None else None
        allowed, why = may_add_user(list_users(ledger), actor, role)
        if not allowed:
            raise AuthError(why, code="not_allowed")
        # only a 保密管理员's addition is co-signed (and named) in the ledger
        admin = added_by if added_by is not None and added_by[0].role is Role.SECRECY_ADMIN else None
        record = {"name": name, "role": role.value, "unit": unit, "public_key": pub}
        event = tx.append("user_added", {**record, "added_by": admin[0].name if admin else None}, signer)
        try:
            ledger.conn.execute(
                "INSERT INTO users (name, role, unit, public_key, password_hash, private_key, added_seq) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (name, role.value, unit, pub, pw_hash, blob, event.seq))
        except sqlite3.IntegrityError as exc:
            raise UsageError(f"用户“{name}”已存在。", code="user_exists") from exc
        if admin is not None:
            tx.append("user_approved", {**record, "user_added_seq": event.seq}, admin[1])
    return User(name, role, unit, pub, event.seq)


def get_user(ledger: Ledger, name: str) -> User | None:
    row = ledger.conn.execute("SELECT name, role, unit, public_key, added_seq FROM users WHERE name = ?",
                              (name.strip(),)).fetchone()
    return None if row is None else _row_to_user(row)


def require_user(ledger: Ledger, name: str) -> User:
    user = get_user(ledger, name)
    if user is None:
        raise AuthError(f"用户“{name}”不存在，请先用 mishen users add 添加。", code="unknown_user")
    return user


def list_users(ledger: Ledger) -> list[User]:
    rows = ledger.conn.execute("SELECT name, role, unit, public_key, added_seq FROM users ORDER BY added_seq")
    return [_row_to_user(r) for r in rows]


_DUMMY_HASH: list[str] = []


def _burn(password: str) -> None:
    """Spend the time a real password check takes, so an unknown name answers like a wrong password."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("mishen-no-such-user"))
    verify_password(password, _DUMMY_HASH[0])


def unlock(ledger: Ledger, name: str, password: str, *, attempt: str = "登录",
           clock: Clock | None = None) -> tuple[User, KeySigner]:
    """Check the password and decrypt the user's signing key. `attempt` says in the ledger what the
    password was for (e.g. "签署审核单 X 第 3 级"). Raises AuthError: wrong_password (one message for an
    unknown name and a wrong password), throttled, locked, key_mismatch. Failures are recorded."""
    name = name.strip()
    state = attempt_state(ledger, name)
    now = clock() if clock is not None else datetime.now().astimezone()
    if is_locked(state.failures):
        raise AuthError(f"连续 {state.failures} 次密码错误，用户“{name}”已被锁定；请保密管理员解锁"
                        f"（mishen users unlock {name} --by 保密管理员）。", code="locked")
    wait = state.wait_seconds(now)
    if wait > 0:
        raise AuthError(f"连续 {state.failures} 次密码错误，请 {math.ceil(wait)} 秒后再试。", code="throttled")
    user = get_user(ledger, name)
    row = None if user is None else ledger.conn.execute(
        "SELECT password_hash, private_key FROM users WHERE name = ?", (user.name,)).fetchone()
    if user is None or row is None:
        _burn(password)
        ok = False
    else:
        ok = verify_password(password, str(row[0]))
    if not ok or user is None or row is None:
        failures = state.failures + 1
        record_failure(ledger, name, attempt, failures)
        left = LOCKOUT_AT - failures
        hint = f"再错 {left} 次将被锁定。" if 0 < left <= 5 else ("已被锁定，请保密管理员解锁。" if left <= 0 else "")
        raise AuthError(BAD_CREDENTIALS + hint, code="wrong_password")
    key = decrypt_private_key(str(row[1]), password)
    if public_key_hex(key) != user.public_key:
        raise AuthError(f"用户“{user.name}”的密钥与登记的公钥不符（用户表被改动）。", code="key_mismatch")
    added = ledger.event(user.added_seq)
    if added is None or added.kind != "user_added" or added.payload.get("public_key") != user.public_key \
            or added.payload.get("role") != user.role.value or added.payload.get("name") != user.name:
        raise AuthError(f"用户“{user.name}”的记录与台帐不符（用户表被改动）。", code="key_mismatch")
    if is_revoked(ledger, user.name):
        raise AuthError(f"用户“{user.name}”已被保密管理员停用，不能再签署。", code="revoked")
    if state.failures:
        record_success(ledger, user.name, attempt)
    return user, KeySigner(user.name, key)


def _require_admin(ledger: Ledger, admin: tuple[User, KeySigner], what: str) -> None:
    if admin[0].role is not Role.SECRECY_ADMIN:
        raise AuthError(f"只有保密管理员可以{what}（“{admin[0].name}”是{admin[0].role.label}）。", code="not_allowed")


def lift_lockout(ledger: Ledger, name: str, admin: tuple[User, KeySigner]) -> int:
    """A 保密管理员 lifts the lockout (and the throttle) of `name`: `user_unlocked`, signed by them.
    Returns the number of consecutive failures that were cleared."""
    _require_admin(ledger, admin, "解锁用户")
    user = require_user(ledger, name)
    state = attempt_state(ledger, user.name)
    with ledger.transaction() as tx:
        tx.append("user_unlocked", {"name": user.name, "failures": state.failures}, admin[1])
    return state.failures


def is_revoked(ledger: Ledger, name: str) -> bool:
    row = ledger.conn.execute("SELECT 1 FROM events WHERE kind = 'user_revoked' AND json_extract(payload, '$.name') = ?",
                              (name,)).fetchone()
    return row is not None


def revoke_user(ledger: Ledger, name: str, admin: tuple[User, KeySigner], reason: str = "") -> User:
    """A 保密管理员 revokes a user (`user_revoked`, signed by them): the user can no longer sign, and
    `ledger verify` rejects any later entry signed with their key."""
    _require_admin(ledger, admin, "停用用户")
    user = require_user(ledger, name)
    if user.name == admin[0].name:
        raise UsageError("保密管理员不能停用自己。", code="not_allowed")
    with ledger.transaction() as tx:
        if is_revoked(ledger, user.name):
            raise UsageError(f"用户“{user.name}”已停用。", code="already_revoked")
        tx.append("user_revoked", {"name": user.name, "public_key": user.public_key, "reason": reason.strip()},
                  admin[1])
    return user
