"""Receipts: a ledger position written down outside the file.

A receipt is an entry's sequence number and the first RECEIPT_HEX hex digits of its hash,
`#42-3fa9c1d2e4b5a6b7`. Every sign-off prints one (on the command line, the 保密审查单 and the
台帐). Whoever keeps it on paper can later check that the ledger still holds entry 42 with that
hash (`mishen ledger verify --receipt`): a ledger truncated before 42, or rewritten at or before
42, no longer does. 16 hex digits are 64 bits: finding another entry 42 that matches them costs
about 2^64 hash computations, beyond reach."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import UsageError
from app.ledger.model import Head, LedgerEvent

RECEIPT_HEX = 16
_RECEIPT = re.compile(r"^\s*(?:No\.|#)?\s*(\d+)\s*[-–—:：]\s*([0-9a-fA-F]{8,64})\s*$")


@dataclass(frozen=True, slots=True)
class Receipt:
    seq: int
    hash_prefix: str   # lower-case hex

    def __str__(self) -> str:
        return f"#{self.seq}-{self.hash_prefix}"

    def matches(self, full_hash: str) -> bool:
        return full_hash.lower().startswith(self.hash_prefix)


def receipt_for(entry: LedgerEvent | Head) -> str:
    """The short form printed for an entry (or a head): `#seq-<16 hex digits of its hash>`."""
    return str(Receipt(entry.seq, entry.hash[:RECEIPT_HEX].lower()))


def parse_receipt(text: str) -> Receipt:
    """`#42-3fa9c1d2e4b5a6b7` (also without `#`, or with a longer/full hash; at least 8 digits)."""
    m = _RECEIPT.match(text)
    if m is None:
        raise UsageError(f"回执格式不对：“{text}”；应形如 #42-3fa9c1d2e4b5a6b7（记录序号-哈希前缀）。", code="bad_receipt")
    return Receipt(int(m.group(1)), m.group(2).lower())
