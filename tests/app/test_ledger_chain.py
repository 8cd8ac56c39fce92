"""The ledger on real SQLite files: appends, triggers, verify, locking, disk full, schema."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.ledger import Ledger, LedgerError, LedgerLocked, LedgerTampered, ledger_path, verify_ledger
from app.ledger.schema import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def _append(ledger: Ledger, n: int, kind: str = "note") -> None:
    signer = ledger.workstation_signer()
    for i in range(n):
        with ledger.transaction() as tx:
            tx.append(kind, {"i": i, "text": "测试"}, signer)


def test_new_ledger_has_genesis_and_verifies(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        assert ledger.head().seq == 1
        first = ledger.event(1)
        assert first is not None and first.kind == "ledger_created"
        _append(ledger, 5)
        mode = ledger.conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = ledger.conn.execute("PRAGMA synchronous").fetchone()[0]
    assert mode == "wal" and sync == 2  # FULL
    result = verify_ledger(ledger_path(tmp_path))
    assert result.ok and result.entries == 6 and result.head_seq == 6


def test_triggers_refuse_update_and_delete(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        _append(ledger, 2)
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            ledger.conn.execute("UPDATE events SET actor = 'x' WHERE seq = 2")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            ledger.conn.execute("DELETE FROM events WHERE seq = 3")
    assert verify_ledger(ledger_path(tmp_path)).ok


def test_rejected_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        signer = ledger.workstation_signer()
        with pytest.raises(RuntimeError), ledger.transaction() as tx:
            tx.append("note", {"a": 1}, signer)
            raise RuntimeError("boom")
        assert ledger.head().seq == 1
        _append(ledger, 1)
        assert ledger.head().seq == 2
    assert verify_ledger(ledger_path(tmp_path)).ok


def test_disk_full_rolls_back(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        _append(ledger, 1)
        pages = ledger.conn.execute("PRAGMA page_count").fetchone()[0]
        ledger.conn.execute(f"PRAGMA max_page_count = {pages}")
        signer = ledger.workstation_signer()
        with pytest.raises(LedgerError) as info, ledger.transaction() as tx:
            tx.append("note", {"big": "数据" * 20000}, signer)
        assert info.value.code == "disk_full" and "磁盘空间不足" in info.value.message
        ledger.conn.execute("PRAGMA max_page_count = 1073741823")
        assert ledger.head().seq == 2
        _append(ledger, 1)
    assert verify_ledger(ledger_path(tmp_path)).ok


def test_locked_database_gives_clear_message(tmp_path: Path) -> None:
    Ledger.open(tmp_path).close()
    other = sqlite3.connect(ledger_path(tmp_path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Ledger.open(tmp_path, lock_timeout=0.3) as ledger:
            with pytest.raises(LedgerLocked) as info, ledger.transaction():
                pass
            assert "正被其他程序占用" in info.value.message
            assert ledger.head().seq == 1
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_refuses_ledger_newer_than_app(tmp_path: Path) -> None:
    Ledger.open(tmp_path).close()
    conn = sqlite3.connect(ledger_path(tmp_path))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LedgerError) as info:
        Ledger.open(tmp_path)
    assert info.value.code == "ledger_too_new"


def test_migrates_committed_v1_ledger_with_backup(tmp_path: Path) -> None:
    src = REPO / "tests" / "data" / "ledgers" / "ledger-v1.sqlite3"
    data = tmp_path / "home"
    data.mkdir()
    shutil.copy(src, data / "ledger.sqlite3")
    before = verify_ledger(data / "ledger.sqlite3")
    assert before.ok
    with Ledger.open(data) as ledger:
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        opened = ledger.events(kinds=("review_opened",))
        assert opened and ledger.events(review_id=str(opened[0].review_id))
        _append(ledger, 1)
    backups = list(data.glob("ledger.sqlite3.v1-*.bak"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    after = verify_ledger(data / "ledger.sqlite3")
    assert after.ok and after.entries == before.entries + 1


def test_append_refused_on_broken_chain(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        _append(ledger, 3)
    conn = sqlite3.connect(ledger_path(tmp_path), isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET payload = '{\"i\":9,\"text\":\"测试\"}' WHERE seq = 2")
    conn.close()
    with Ledger.open(tmp_path) as ledger:
        with pytest.raises(LedgerTampered) as info, ledger.transaction():
            pass
        assert "篡改" in info.value.message
        assert ledger.head().seq == 4


def test_backup_and_restore(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Ledger.open(home) as ledger:
        _append(ledger, 3)
        from app.ledger.backup import backup

        out = backup(ledger, tmp_path / "copy.sqlite3")
        _append(ledger, 2)
    assert verify_ledger(out).head_seq == 4
    from app.ledger.backup import restore

    restore(out, home)
    assert verify_ledger(ledger_path(home)).head_seq == 4
    assert list(home.glob("ledger.sqlite3.replaced-*"))
