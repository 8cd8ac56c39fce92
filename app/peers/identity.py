"""This unit's identity key.

The key pair is created the first time a 保密管理员 needs it (exporting the identity, registering a
peer, exporting a review package) and recorded by a `unit_identity_created` entry the 保密管理员
signs, with a proof signature by the new unit key. The private key is stored only encrypted
(scrypt + AES-GCM, like user keys) under that 保密管理员's password in the `unit_keys` table, so a
copy of the data directory does not yield it. Using it (signing a package or a roster) therefore
needs the 保密管理员 to log in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.ledger.canonical import canonical_bytes
from app.ledger.crypto import (
    KeySigner,
    decrypt_private_key,
    encrypt_private_key,
    new_private_key,
    public_key_hex,
)
from app.ledger.errors import AuthError
from app.ledger.store import Ledger
from app.ledger.trust import fingerprint, identity_statement
from app.users.model import Role, User
from app.users.service import unlock

UNIT_ACTOR = "@unit"


@dataclass(frozen=True)
class UnitIdentity:
    unit_name: str
    public_key: str
    fingerprint: str
    signer: KeySigner
    admin: User
    key: Ed25519PrivateKey = field(repr=False)


def _identity_entry(ledger: Ledger) -> dict[str, object] | None:
    for ev in ledger.events(kinds=("unit_identity_created",)):
        payload = ev.payload
        return payload
    return None


def unit_public_key(ledger: Ledger) -> str | None:
    entry = _identity_entry(ledger)
    return None if entry is None else str(entry["public_key"])


def unit_identity_record(ledger: Ledger) -> dict[str, object] | None:
    """The recorded `unit_identity_created` payload (statement, proof, unit name, fingerprint)."""
    return _identity_entry(ledger)


def unlock_unit(ledger: Ledger, admin_name: str, password: str, *, unit_name: str | None = None) -> UnitIdentity:
    """Log the 保密管理员 in and decrypt the unit key (creating it on first use). Raises AuthError."""
    user, admin_signer = unlock(ledger, admin_name, password)
    if user.role is not Role.SECRECY_ADMIN:
        raise AuthError(f"只有保密管理员可以使用本单位身份密钥（“{user.name}”是{user.role.label}）。",
                        code="not_allowed")
    entry = _identity_entry(ledger)
    if entry is None:
        return _establish(ledger, user, admin_signer, password, (unit_name or user.unit or "").strip())
    row = ledger.conn.execute("SELECT public_key, wrapped FROM unit_keys WHERE admin = ?", (user.name,)).fetchone()
    if row is None:
        holders = [str(r[0]) for r in ledger.conn.execute("SELECT admin FROM unit_keys")]
        raise AuthError(f"本单位身份密钥由保密管理员{'、'.join(holders) or '（无）'}保管，“{user.name}”无法使用。",
                        code="not_allowed")
    key = decrypt_private_key(str(row[1]), password)
    pub = public_key_hex(key)
    if pub != entry["public_key"] or pub != row[0]:
        raise AuthError("本单位身份密钥与台帐记录不符（密钥表被改动）。", code="key_mismatch")
    return UnitIdentity(str(entry["unit_name"]), pub, fingerprint(pub), KeySigner(UNIT_ACTOR, key), user, key)


def _establish(ledger: Ledger, admin: User, admin_signer: KeySigner, password: str, unit_name: str) -> UnitIdentity:
    if not unit_name:
        raise AuthError("建立本单位身份需要单位名称：请为保密管理员登记单位（users add --unit），或用 --unit-name 指定。",
                        code="no_unit_name")
    key = new_private_key()
    pub = public_key_hex(key)
    signer = KeySigner(UNIT_ACTOR, key)
    statement = identity_statement(ledger.ledger_id, unit_name, pub)
    proof = signer.sign(canonical_bytes(statement))
    wrapped = encrypt_private_key(key, password)
    with ledger.transaction() as tx:
        if ledger.events(kinds=("unit_identity_created",)):
            raise AuthError("本单位身份刚由另一窗口建立，请重试。", code="race")
        tx.append("unit_identity_created", {"identity": statement, "proof": proof, "unit_name": unit_name,
                                            "public_key": pub, "fingerprint": fingerprint(pub)}, admin_signer)
        ledger.conn.execute("INSERT INTO unit_keys (admin, public_key, wrapped) VALUES (?, ?, ?)",
                            (admin.name, pub, wrapped))
    return UnitIdentity(unit_name, pub, fingerprint(pub), signer, admin, key)


def share_unit_key(ledger: Ledger, holder: str, holder_password: str, admin_name: str, admin_password: str) -> User:
    """Let another 保密管理员 use the unit key: the holder unlocks it, the new admin's password
    wraps a copy; recorded as `unit_key_shared`, signed by the holder. Raises AuthError."""
    unit = unlock_unit(ledger, holder, holder_password)
    if unit.admin.name == admin_name.strip():
        raise AuthError(f"保密管理员“{holder}”已持有本单位身份密钥。", code="already_holder")
    _holder, holder_signer = unlock(ledger, holder, holder_password)
    user, _signer = unlock(ledger, admin_name, admin_password)
    if user.role is not Role.SECRECY_ADMIN:
        raise AuthError(f"只有保密管理员可以持有本单位身份密钥（“{user.name}”是{user.role.label}）。",
                        code="not_allowed")
    wrapped = encrypt_private_key(unit.key, admin_password)
    with ledger.transaction() as tx:
        if ledger.conn.execute("SELECT 1 FROM unit_keys WHERE admin = ?", (user.name,)).fetchone():
            raise AuthError(f"保密管理员“{user.name}”已持有本单位身份密钥。", code="already_holder")
        tx.append("unit_key_shared", {"admin": user.name, "public_key": unit.public_key}, holder_signer)
        ledger.conn.execute("INSERT INTO unit_keys (admin, public_key, wrapped) VALUES (?, ?, ?)",
                            (user.name, unit.public_key, wrapped))
    return user
