"""Who may read what on disk: the data directory and everything in it is the owner's only (0700 /
0600: the ledger holds signatures, document copies hold unpublished drafts); exports are documents
the user passes on and get the mode the user's umask gives any new file (usually 0644)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path
from app.review.documents import store_document

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: the profile's ACLs)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_data_directory_is_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    with umask(0o022), Ledger.open(home) as ledger:
        with ledger.transaction() as tx:
            tx.append("note", {"tag": "x"}, ledger.workstation_signer())
        _sha, copy = store_document(home, b"unpublished draft")
        files = {p.name: mode(p) for p in home.iterdir() if p.is_file()}
    assert mode(home) == 0o700
    assert files == {"ledger.sqlite3": 0o600, "ledger.sqlite3-wal": 0o600, "ledger.sqlite3-shm": 0o600,
                     "ledger.sqlite3.lock": 0o600}
    assert mode(copy.parent) == 0o700 and mode(copy) == 0o600


def test_an_existing_world_readable_ledger_is_tightened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Ledger.open(home).close()
    home.chmod(0o755)
    ledger_path(home).chmod(0o644)   # as earlier versions left it
    Ledger.open(home).close()
    assert mode(home) == 0o700 and mode(ledger_path(home)) == 0o600


def test_backups_and_restores_are_owner_only(tmp_path: Path) -> None:
    from app.ledger.backup import backup, restore

    home = tmp_path / "home"
    with umask(0o022):
        with Ledger.open(home) as ledger:
            saved = backup(ledger, tmp_path)
        restore(saved, home)
    assert mode(saved) == 0o600
    assert mode(ledger_path(home)) == 0o600
    assert [mode(p) for p in home.glob("*.replaced-*")] == [0o600]


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_exports_get_the_users_umask(tmp_path: Path, mask: int, expected: int) -> None:
    from app.exports.approval_ledger import export_approval_ledger

    home = tmp_path / "home"
    with umask(mask), Ledger.open(home) as ledger:
        for fmt in ("xlsx", "csv", "pdf", "docx"):
            out, _ = export_approval_ledger(ledger, tmp_path / "out" / f"台帐.{fmt}")
            assert mode(out) == expected, fmt


def test_a_replaced_export_keeps_its_mode(tmp_path: Path) -> None:
    from app.exports.approval_ledger import export_approval_ledger

    target = tmp_path / "台帐.csv"
    target.write_text("old")
    target.chmod(0o664)
    with umask(0o077), Ledger.open(tmp_path / "home") as ledger:
        export_approval_ledger(ledger, target)
    assert mode(target) == 0o664 and target.read_text(encoding="utf-8-sig") != "old"


def test_the_backup_before_a_migration_is_owner_only(tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "ledgers" / "ledger-v1.sqlite3", ledger_path(home))
    ledger_path(home).chmod(0o644)
    with umask(0o022):
        Ledger.open(home).close()
    baks = list(home.glob("*.bak"))
    assert len(baks) == 1 and mode(baks[0]) == 0o600 and mode(ledger_path(home)) == 0o600
