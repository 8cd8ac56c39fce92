"""Forward-only, numbered schema migrations. Each runs in its own transaction after a file backup;
a ledger newer than this program (or older than MIN_SCHEMA) is refused, never guessed at.

Released versions:
  1  meta, events (append-only triggers), users
  2  events.review_id (virtual column from the payload) with an index, for per-review queries
  3  unit_keys: this unit's identity key, encrypted under each 保密管理员's password (never plain)
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from app.ledger.errors import LedgerError

MIN_SCHEMA = 1
SCHEMA_VERSION = 3

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            signature TEXT NOT NULL)""",
        "CREATE INDEX events_kind ON events(kind)",
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
           BEGIN SELECT RAISE(ABORT, 'mishen ledger is append-only: UPDATE refused'); END""",
        """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
           BEGIN SELECT RAISE(ABORT, 'mishen ledger is append-only: DELETE refused'); END""",
        """CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            unit TEXT NOT NULL,
            public_key TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            private_key TEXT NOT NULL,
            added_seq INTEGER NOT NULL)""",
    ),
    2: (
        "ALTER TABLE events ADD COLUMN review_id TEXT GENERATED ALWAYS AS (json_extract(payload, '$.review_id')) VIRTUAL",
        "CREATE INDEX events_review ON events(review_id)",
    ),
    3: (
        """CREATE TABLE unit_keys (
            admin TEXT PRIMARY KEY,
            public_key TEXT NOT NULL,
            wrapped TEXT NOT NULL)""",
    ),
}

REQUIRED_TRIGGERS = ("events_no_update", "events_no_delete")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_supported(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise LedgerError(f"台帐数据库 {path} 的版本（{version}）高于本程序支持的版本（{SCHEMA_VERSION}），"
                          "请升级密审后再打开；为防止损坏，本程序不会改动它。", code="ledger_too_new")
    if 0 < version < MIN_SCHEMA:
        raise LedgerError(f"台帐数据库 {path} 的版本（{version}）过旧，本程序最低支持版本 {MIN_SCHEMA}。",
                          code="ledger_too_old")


def backup_path(path: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return path.with_name(f"{path.name}.v{version}-{stamp}.bak")


def migrate(conn: sqlite3.Connection, path: Path, target: int = SCHEMA_VERSION) -> list[int]:
    """Bring the database up to `target`; returns the versions applied. `conn` is in autocommit
    mode. An existing ledger is backed up (SQLite online backup) before the first step."""
    current = schema_version(conn)
    check_supported(current, path)
    if current >= target:
        return []
    if current > 0:
        dest = backup_path(path, current)
        try:
            os.close(os.open(dest, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600))  # owner-only
            with sqlite3.connect(dest) as out:
                conn.backup(out)
            out.close()
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"升级台帐前备份失败（{dest}）：{exc}；未作任何改动。", code="backup_failed") from exc
    applied: list[int] = []
    for version in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= version:  # another process got there first
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
