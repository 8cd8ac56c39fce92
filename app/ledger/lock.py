"""`ledger.sqlite3.lock`: every open ledger holds a shared lock on it; `ledger restore` takes the
exclusive lock, so it refuses while any process (the window, another command) has the ledger open,
and nobody opens the ledger while a restore is replacing the file.

POSIX `flock` on a separate file (SQLite's own byte-range locks on the database stay untouched).
On Windows there is no shared `flock`; there SQLite's open handle already makes the file
impossible to replace, and the holder's replacement check (`Ledger._check_same_file`) remains."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.paths import PRIVATE_FILE

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".lock"


def lock_path(ledger_file: Path) -> Path:
    return ledger_file.with_name(ledger_file.name + LOCK_SUFFIX)


class LedgerLock:
    """One open file description holding a shared or exclusive flock; `release()` is idempotent."""

    def __init__(self, fd: int | None) -> None:
        self.fd = fd

    @classmethod
    def shared(cls, ledger_file: Path, timeout: float, *, read_only: bool = False) -> LedgerLock | None:
        """Wait up to `timeout` seconds for a shared lock. None when the lock is held exclusively
        (a restore is running) for the whole time. A read-only directory without a lock file gets
        an empty holder (nobody can restore there)."""
        fd = _open(lock_path(ledger_file), read_only)
        if fd is None or fcntl is None:
            return cls(fd)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return cls(fd)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return None
                time.sleep(0.05)

    @classmethod
    def exclusive(cls, ledger_file: Path) -> LedgerLock | None:
        """The exclusive lock now, or None when any process holds the ledger open."""
        fd = _open(lock_path(ledger_file), False)
        if fd is None or fcntl is None:
            return cls(fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return cls(fd)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the description drops the flock
            self.fd = None


def _open(path: Path, read_only: bool) -> int | None:
    flags = getattr(os, "O_CLOEXEC", 0)
    try:
        if read_only:
            return os.open(path, os.O_RDONLY | flags)
        return os.open(path, os.O_RDWR | os.O_CREAT | flags, PRIVATE_FILE)
    except OSError:
        if read_only:
            return None
        raise
