"""`ledger backup PATH` (SQLite online backup, consistent while others write) and restore."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from app.ledger.errors import LedgerError
from app.ledger.store import Ledger, ledger_path
from app.ledger.verify import verify_ledger


def backup(ledger: Ledger, dest: str | os.PathLike[str]) -> Path:
    target = Path(dest)
    if target.is_dir():
        target = target / f"ledger-{ledger.head().seq}.sqlite3"
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.unlink(missing_ok=True)
        out = sqlite3.connect(tmp)
        try:
            ledger.conn.backup(out)
        finally:
            out.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise LedgerError(f"备份台帐失败（{target}）：{exc}", code="backup_failed") from exc
    return target


def restore(source: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Replace the data directory's ledger with a verified backup. The current file (if any) is
    kept next to it as `ledger.sqlite3.replaced-<n>`; a backup that fails verification is refused."""
    src = Path(source)
    result = verify_ledger(src)
    if not result.ok:
        first = result.problems[0].message
        raise LedgerError(f"备份文件 {src} 未通过核验：{first}；拒绝恢复。", code="backup_tampered")
    dest = ledger_path(data_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        n = 1
        while dest.with_name(f"{dest.name}.replaced-{n}").exists():
            n += 1
        keep = sqlite3.connect(dest.with_name(f"{dest.name}.replaced-{n}"))
        cur = sqlite3.connect(dest)
        try:
            cur.backup(keep)
        finally:
            cur.close()
            keep.close()
    tmp = dest.with_name(dest.name + ".restore.tmp")
    s = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
    out = sqlite3.connect(tmp)
    try:
        s.backup(out)
    finally:
        s.close()
        out.close()
    for suffix in ("-wal", "-shm"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    os.replace(tmp, dest)
    return dest
