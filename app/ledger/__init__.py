"""The tamper-evident audit ledger: append-only, hash-chained, every entry signed."""

from app.ledger.errors import AuthError, LedgerError, LedgerLocked, LedgerTampered
from app.ledger.model import GENESIS_HASH, WORKSTATION, Head, LedgerEvent
from app.ledger.receipt import parse_receipt, receipt_for
from app.ledger.store import LEDGER_FILE, Ledger, Transaction, ledger_path
from app.ledger.verify import Problem, VerifyResult, make_checkpoint, verify_ledger

__all__ = ["GENESIS_HASH", "LEDGER_FILE", "WORKSTATION", "AuthError", "Head", "Ledger", "LedgerError",
           "LedgerEvent", "LedgerLocked", "LedgerTampered", "Problem", "Transaction", "VerifyResult",
           "ledger_path", "make_checkpoint", "parse_receipt", "receipt_for", "verify_ledger"]
