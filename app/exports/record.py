"""Every export is itself a ledger entry (recorded before the file is moved into place, so a
failed append leaves no file; a read-only ledger exports without recording)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.ledger.crypto import KeySigner
from app.ledger.store import Ledger


def record_export(ledger: Ledger, what: str, path: Path, sha256: str, head_seq: int, head_hash: str,
                  by: KeySigner | None = None, **extra: Any) -> bool:
    """Append `exported`, signed by `by` (the logged-in user who exported) or, when no user did,
    by the workstation key; False (nothing recorded) when the ledger is open read-only."""
    if ledger.read_only:
        return False
    payload: dict[str, Any] = {"what": what, "file": path.name, "sha256": sha256, "head_seq": head_seq,
                               "head_hash": head_hash, **{k: v for k, v in extra.items() if v is not None}}
    with ledger.transaction() as tx:
        tx.append("exported", payload, by or ledger.workstation_signer())
    return True
