"""A registered peer unit, as plain values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Peer:
    unit_name: str
    public_key: str
    fingerprint: str
    ledger_id: str
    added_by: str       # the local 保密管理员 who co-signed the registration
    added_seq: int
    time: str

    def to_json(self) -> dict[str, object]:
        return {"unit_name": self.unit_name, "public_key": self.public_key, "fingerprint": self.fingerprint,
                "ledger_id": self.ledger_id, "added_by": self.added_by, "added_seq": self.added_seq,
                "time": self.time}


@dataclass(frozen=True, slots=True)
class PeerIdentity:
    """A peer's public identity as read from its exported file (self-signed, not yet trusted)."""

    unit_name: str
    public_key: str
    ledger_id: str
    fingerprint: str
    statement: dict[str, object]
    proof: str
