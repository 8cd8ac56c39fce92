"""Ledger failures: each has a stable code and a Chinese message."""

from __future__ import annotations

from app.errors import MishenError


class LedgerError(MishenError):
    """Codes: ledger_too_new, ledger_too_old, ledger_corrupt, disk_full, backup_failed, io_error."""

    code = "ledger_error"


class LedgerLocked(LedgerError):
    code = "ledger_locked"


class LedgerTampered(LedgerError):
    """The chain is broken: nothing may be appended until the ledger is restored from a backup."""

    code = "ledger_tampered"


class AuthError(MishenError):
    """Codes: wrong_password, unknown_user, key_mismatch."""

    code = "auth_failed"
