"""Canonical serialisation: JSON with sorted keys, no whitespace, UTF-8. Everything that is hashed
or signed goes through `canonical_bytes`."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime


def canonical_json(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_bytes(obj: object) -> bytes:
    return canonical_json(obj).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_iso() -> str:
    """Local time with its UTC offset, millisecond precision (what the inspector reads)."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")
