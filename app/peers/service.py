"""Exchanging public identities between units and registering peers.

`export_identity` writes this unit's public identity (unit name, public key, ledger id, the unit
key's proof signature, fingerprint). `read_identity` checks such a file is self-consistent; that
proves nothing about who sent it, which is why `add_peer` is done by the local 保密管理员 after
comparing the fingerprint with the other unit by phone or on paper, and is recorded as a
`peer_added` entry signed by them. Review packages are accepted only from registered peers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.errors import MishenError
from app.exports.atomic import atomic_write_bytes
from app.ledger.canonical import canonical_json
from app.ledger.errors import AuthError
from app.ledger.store import Ledger
from app.ledger.trust import fingerprint, identity_valid
from app.peers.identity import unit_identity_record
from app.peers.model import Peer, PeerIdentity
from app.users.model import Role
from app.users.service import unlock

FILE_FORMAT = "mishen-peer-identity"
MAX_IDENTITY_BYTES = 64 * 1024


class PeerError(MishenError):
    code = "peer_error"


def export_identity(ledger: Ledger, output: str | os.PathLike[str]) -> tuple[Path, str]:
    """Write this unit's public identity; returns (path, fingerprint). Needs the identity to exist
    (a 保密管理员 creates it: `peers export --by ADMIN`)."""
    record = unit_identity_record(ledger)
    if record is None:
        raise PeerError("本机尚未建立单位身份：请由保密管理员执行 mishen peers export -o 文件 --by 保密管理员 "
                        "--password-stdin（首次导出时建立）。", code="no_identity")
    data = {"format": FILE_FORMAT, "version": 1, "identity": record["identity"], "proof": record["proof"],
            "fingerprint": record["fingerprint"]}
    path = atomic_write_bytes(Path(output), (canonical_json(data) + "\n").encode("utf-8"))
    return path, str(record["fingerprint"])


def read_identity(path: str | os.PathLike[str]) -> PeerIdentity:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_IDENTITY_BYTES + 1)
    except OSError as exc:
        raise PeerError(f"无法读取身份文件 {path}：{exc.strerror or exc}", code="unreadable") from exc
    if len(raw) > MAX_IDENTITY_BYTES:
        raise PeerError(f"身份文件 {path} 过大，不是密审单位身份文件。", code="peer_invalid")
    try:
        data = json.loads(raw.decode("utf-8"))
        statement, proof = data["identity"], data["proof"]
        ok = data.get("format") == FILE_FORMAT and isinstance(statement, dict) and isinstance(proof, str) \
            and identity_valid(statement, proof)
        pub = str(statement["public_key"])
        ident = PeerIdentity(str(statement["unit_name"]), pub, str(statement["ledger_id"]), fingerprint(pub),
                             dict(statement), proof)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        raise PeerError(f"身份文件 {path} 格式错误（{type(exc).__name__}），不是密审单位身份文件。",
                        code="peer_invalid") from exc
    if not ok:
        raise PeerError(f"身份文件 {path} 的签名无效（文件被改动或不完整）。", code="peer_invalid")
    return ident


def list_peers(ledger: Ledger) -> list[Peer]:
    out: list[Peer] = []
    for ev in ledger.events(kinds=("peer_added",)):
        st = ev.payload["identity"]
        out.append(Peer(str(st["unit_name"]), str(st["public_key"]), fingerprint(str(st["public_key"])),
                        str(st["ledger_id"]), ev.actor, ev.seq, ev.time))
    return out


def find_peer(ledger: Ledger, public_key: str) -> Peer | None:
    return next((p for p in list_peers(ledger) if p.public_key == public_key), None)


def add_peer(ledger: Ledger, ident: PeerIdentity, admin_name: str, password: str) -> Peer:
    """Register a peer; co-signed by the local 保密管理员. Raises AuthError / PeerError."""
    user, signer = unlock(ledger, admin_name, password)
    if user.role is not Role.SECRECY_ADMIN:
        raise AuthError(f"只有保密管理员可以登记外单位（“{user.name}”是{user.role.label}）。", code="not_allowed")
    own = unit_identity_record(ledger)
    if ident.ledger_id == ledger.ledger_id or (own is not None and own["public_key"] == ident.public_key):
        raise PeerError("这是本机自己的单位身份，不能登记为外单位。", code="own_identity")
    with ledger.transaction() as tx:
        existing = find_peer(ledger, ident.public_key)
        if existing is not None:
            raise PeerError(f"外单位“{existing.unit_name}”（指纹 {existing.fingerprint}）已于第 {existing.added_seq} 条登记。",
                            code="peer_exists")
        ev = tx.append("peer_added", {"identity": ident.statement, "proof": ident.proof,
                                      "unit_name": ident.unit_name, "public_key": ident.public_key,
                                      "fingerprint": ident.fingerprint, "ledger_id": ident.ledger_id}, signer)
    return Peer(ident.unit_name, ident.public_key, ident.fingerprint, ident.ledger_id, user.name, ev.seq, ev.time)
