"""Passwords, key pairs and signatures.

Passwords are stored as scrypt hashes; each user's Ed25519 private key is encrypted with AES-GCM
under a separate scrypt-derived key. Production KDF cost is n=2**15, r=8, p=1 (about 32 MiB and
~0.1 s). Tests set MISHEN_TEST_FAST_KDF=1 for n=2**10; the parameters are stored with each hash, so
either kind of record stays verifiable. Production defaults are never weakened by anything else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.ledger.errors import AuthError


@dataclass(frozen=True, slots=True)
class KdfParams:
    n: int
    r: int
    p: int


PRODUCTION_KDF = KdfParams(n=2**15, r=8, p=1)
FAST_TEST_KDF = KdfParams(n=2**10, r=8, p=1)
FAST_KDF_ENV = "MISHEN_TEST_FAST_KDF"


def kdf_params() -> KdfParams:
    return FAST_TEST_KDF if os.environ.get(FAST_KDF_ENV) == "1" else PRODUCTION_KDF


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _scrypt(password: str, salt: bytes, params: KdfParams, length: int = 32) -> bytes:
    maxmem = 128 * params.r * params.n * 2 + (1 << 20)
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=params.n, r=params.r, p=params.p,
                          maxmem=maxmem, dklen=length)


def hash_password(password: str, params: KdfParams | None = None) -> str:
    """`scrypt$n$r$p$salt$hash` (base64 fields)."""
    params = params or kdf_params()
    salt = os.urandom(16)
    digest = _scrypt(password, salt, params)
    return f"scrypt${params.n}${params.r}${params.p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        params = KdfParams(int(n), int(r), int(p))
        return hmac.compare_digest(_scrypt(password, _unb64(salt), params), _unb64(digest))
    except (ValueError, TypeError):
        return False


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_hex(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def private_key_raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def private_key_from_raw(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def encrypt_private_key(key: Ed25519PrivateKey, password: str, params: KdfParams | None = None) -> str:
    params = params or kdf_params()
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _scrypt(password, salt, params)
    ct = AESGCM(kek).encrypt(nonce, private_key_raw(key), b"mishen-user-key-v1")
    return json.dumps({"kdf": "scrypt", "n": params.n, "r": params.r, "p": params.p, "salt": _b64(salt),
                       "aead": "aes-256-gcm", "nonce": _b64(nonce), "ct": _b64(ct)}, sort_keys=True)


def decrypt_private_key(blob: str, password: str) -> Ed25519PrivateKey:
    try:
        data = json.loads(blob)
        params = KdfParams(int(data["n"]), int(data["r"]), int(data["p"]))
        kek = _scrypt(password, _unb64(data["salt"]), params)
        raw = AESGCM(kek).decrypt(_unb64(data["nonce"]), _unb64(data["ct"]), b"mishen-user-key-v1")
    except InvalidTag:
        raise AuthError("密码错误，无法解锁签名密钥。", code="wrong_password") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise AuthError(f"签名密钥记录已损坏：{exc}", code="key_corrupt") from None
    return private_key_from_raw(raw)


def verify_signature(public_hex: str, signature_hex: str, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(bytes.fromhex(signature_hex), data)
    except (InvalidSignature, ValueError):
        return False
    return True


class KeySigner:
    """Something that signs ledger entries: a user with an unlocked key, or the workstation."""

    def __init__(self, actor: str, key: Ed25519PrivateKey) -> None:
        self.actor = actor
        self._key = key
        self.public_key = public_key_hex(key)

    def sign(self, data: bytes) -> str:
        return self._key.sign(data).hex()
