"""The bureau's signing key (Ed25519, private half encrypted with a password) and pack signatures."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from app.exports.atomic import atomic_write_bytes
from app.ledger.canonical import canonical_json
from app.ledger.crypto import (
    decrypt_private_key,
    encrypt_private_key,
    new_private_key,
    public_key_hex,
    verify_signature,
)
from app.ledger.errors import AuthError
from app.ledger.trust import fingerprint
from app.packs.errors import PackCheckError, PackInputError
from app.packs.format import Pack, Signature

KEY_FORMAT = "mishen-lexicon-signing-key"
PUB_FORMAT = "mishen-lexicon-public-key"
MAX_KEY_BYTES = 64 * 1024


def keygen(output: str | os.PathLike[str], password: str) -> tuple[Path, Path, str]:
    """Write KEYFILE (encrypted private key) and KEYFILE.pub; returns (key, pub, fingerprint)."""
    if not password:
        raise PackInputError("签名密钥的密码不能为空。", code="no_password")
    key = new_private_key()
    pub = public_key_hex(key)
    fp = fingerprint(pub)
    key_path = Path(output)
    pub_path = key_path.with_name(key_path.name + ".pub")
    atomic_write_bytes(key_path, (canonical_json({"format": KEY_FORMAT, "public_key": pub, "fingerprint": fp,
                                                  "key": json.loads(encrypt_private_key(key, password))}) + "\n")
                       .encode("utf-8"))
    os.chmod(key_path, 0o600)
    atomic_write_bytes(pub_path, (canonical_json({"format": PUB_FORMAT, "public_key": pub, "fingerprint": fp}) + "\n")
                       .encode("utf-8"))
    return key_path, pub_path, fp


def _read_json(path: str | os.PathLike[str], fmt: str, what: str) -> dict[str, object]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_KEY_BYTES + 1)
        data = json.loads(raw.decode("utf-8"))
        if len(raw) > MAX_KEY_BYTES or not isinstance(data, dict) or data.get("format") != fmt:
            raise ValueError(fmt)
        bytes.fromhex(str(data["public_key"]))
        return data
    except OSError as exc:
        raise PackInputError(f"无法读取{what} {path}：{exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise PackInputError(f"{path} 不是密审词库{what}文件。") from None


def read_public_key(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(public key hex, fingerprint) of a KEYFILE.pub."""
    data = _read_json(path, PUB_FORMAT, "公钥")
    pub = str(data["public_key"])
    return pub, fingerprint(pub)


def sign_pack(pack: Pack, key_file: str | os.PathLike[str], password: str) -> Pack:
    data = _read_json(key_file, KEY_FORMAT, "签名密钥")
    try:
        key = decrypt_private_key(json.dumps(data["key"]), password)
    except AuthError as exc:
        raise PackCheckError(exc.message, code=exc.code) from None
    pub = public_key_hex(key)
    return replace(pack, signature=Signature(pub, key.sign(pack.signed_bytes()).hex()))


def signature_valid(pack: Pack) -> bool:
    sig = pack.signature
    return sig is not None and verify_signature(sig.public_key, sig.value, pack.signed_bytes())
