"""Ledger entries as plain values, and how an entry's hash is computed.

digest = SHA-256( canonical({"actor","kind","prev","seq","time"}) + "\\n" + payload )
where `payload` is the stored canonical JSON text of the payload. The signature is Ed25519 by the
actor over the 32 digest bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.ledger.canonical import canonical_bytes, sha256_hex

GENESIS_HASH = "0" * 64
WORKSTATION = "@workstation"  # the actor for entries no person signs (review opened, scan recorded…)


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class LedgerEvent:
    seq: int
    time: str
    actor: str
    kind: str
    payload_text: str
    prev_hash: str
    hash: str
    signature: str

    @property
    def payload(self) -> dict[str, Any]:
        value = json.loads(self.payload_text)
        return value if isinstance(value, dict) else {"value": value}

    @property
    def review_id(self) -> str | None:
        rid = self.payload.get("review_id")
        return rid if isinstance(rid, str) else None

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "time": self.time, "actor": self.actor, "kind": self.kind,
                "payload": self.payload_text, "prev_hash": self.prev_hash, "hash": self.hash,
                "signature": self.signature}

    @staticmethod
    def from_json(data: dict[str, Any]) -> LedgerEvent:
        return LedgerEvent(int(data["seq"]), str(data["time"]), str(data["actor"]), str(data["kind"]),
                           str(data["payload"]), str(data["prev_hash"]), str(data["hash"]),
                           str(data["signature"]))

    def recompute_hash(self) -> str:
        return event_digest(self.seq, self.time, self.actor, self.kind, self.payload_text, self.prev_hash)


def event_digest(seq: int, time: str, actor: str, kind: str, payload_text: str, prev_hash: str) -> str:
    header = canonical_bytes({"actor": actor, "kind": kind, "prev": prev_hash, "seq": seq, "time": time})
    return sha256_hex(header + b"\n" + payload_text.encode("utf-8"))


def carried_entries(raw_events: Any) -> Iterator[LedgerEvent]:
    """The well-formed entries of a list carried inside another entry (a package's `events`);
    anything that is not an entry is skipped here and judged by the caller's own checks."""
    for raw in raw_events if isinstance(raw_events, list) else []:
        try:
            ev = LedgerEvent.from_json(raw)
            ev.payload  # noqa: B018 - a payload that is not JSON makes the entry malformed
        except (ValueError, KeyError, TypeError):
            continue
        yield ev
