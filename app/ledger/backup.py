"""`ledger backup PATH` (SQLite online backup, consistent while others write) and restore.

Restore takes the ledger's exclusive lock first and refuses while any process holds the ledger
open; backups, the kept `.replaced-<n>` copy and the restored file are owner-only (0600)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from app.ledger.errors import LedgerError
from app.ledger.lock import LedgerLock
from app.ledger.sqlite_uri import sqlite_file_uri
from app.ledger.store import Ledger, ledger_path
from app.ledger.verify import verify_ledger
from app.paths import PRIVATE_FILE, make_private_dir

IN_USE = ("台帐正被其他程序打开（密审窗口或另一个 mishen 命令），不能恢复：恢复会让它随后的签署和记录丢失。"
          "请先关闭所有密审窗口并等待正在运行的命令结束，再运行 mishen ledger restore。")


def _private_file(path: Path) -> None:
    """Create an empty owner-only file for SQLite to fill (it keeps the mode it finds)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE))


def _copy(src: sqlite3.Connection, target: Path) -> None:
    _private_file(target)
    out = sqlite3.connect(target)
    try:
        src.backup(out)
    finally:
        out.close()


def backup(ledger: Ledger, dest: str | os.PathLike[str]) -> Path:
    target = Path(dest)
    if target.is_dir():
        target = target / f"ledger-{ledger.head().seq}.sqlite3"
    tmp = target.with_name(target.name + ".tmp")
    try:
        _copy(ledger.conn, tmp)
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise LedgerError(f"备份台帐失败（{target}）：{exc}", code="backup_failed") from exc
    return target


def restore(source: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Replace the data directory's ledger with a verified backup. The current file (if any) is
    kept next to it as `ledger.sqlite3.replaced-<n>`; a backup that fails verification is refused,
    and so is a restore while any process has the ledger open."""
    src = Path(source)
    result = verify_ledger(src)
    if not result.ok:
        first = result.problems[0].message
        raise LedgerError(f"备份文件 {src} 未通过核验：{first}；拒绝恢复。", code="backup_tampered")
    dest = ledger_path(data_dir)
    try:
        make_private_dir(dest.parent)
        lock = LedgerLock.exclusive(dest)
    except OSError as exc:
        raise LedgerError(f"无法恢复台帐到 {dest.parent}：{exc}", code="io_error") from exc
    if lock is None:
        raise LedgerError(IN_USE, code="ledger_in_use")
    tmp = dest.with_name(dest.name + ".restore.tmp")
    try:
        if dest.exists():
            n = 1
            while dest.with_name(f"{dest.name}.replaced-{n}").exists():
                n += 1
            cur = sqlite3.connect(dest)
            try:
                _copy(cur, dest.with_name(f"{dest.name}.replaced-{n}"))
            finally:
                cur.close()
        s = sqlite3.connect(sqlite_file_uri(src, "mode=ro"), uri=True)
        try:
            _copy(s, tmp)
        finally:
            s.close()
        for suffix in ("-wal", "-shm"):
            Path(str(dest) + suffix).unlink(missing_ok=True)
        os.replace(tmp, dest)
    except PermissionError as exc:  # Windows: a process holding the file open
        tmp.unlink(missing_ok=True)
        raise LedgerError(IN_USE, code="ledger_in_use") from exc
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise LedgerError(f"恢复台帐失败（{dest}）：{exc}", code="restore_failed") from exc
    finally:
        lock.release()
    return dest
