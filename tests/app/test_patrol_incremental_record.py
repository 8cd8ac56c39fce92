"""The comparison with the approved versions is incremental (kept in the patrol database, keyed by
the ledger's approved versions), and a run is in the patrol database only when it has its ledger
record (the record is written first; a run that cannot be recorded leaves the database at the
last recorded run, its scan results cached)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.ledger import Ledger
from app.patrol.approval_cache import annotate_incrementally
from app.patrol.db import PatrolDb
from tests.app.test_patrol_report_helpers import ARTICLE_TITLE, approve, run_patrol, site, tamper
from tests.app.test_review_helpers import copy_template
from tests.conftest import REPO
from tests.patrol_mirror import build_mirror, change_page


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def test_an_unchanged_rerun_reads_no_page_and_a_new_approval_compares_again(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = copy_template(tmp_path_factory, tmp_path / "home")
    mirror = tmp_path / "mirror"
    files = site(mirror)
    with Ledger.open(home) as ledger:
        approve(ledger, files["approved"], ARTICLE_TITLE)
    tamper(files["tampered"])      # a copy of the approved page with spam: read and compared
    db = tmp_path / "patrol.sqlite3"

    first = annotate_incrementally(run_patrol([mirror], db), home, db)
    statuses = {i.path: i.approval for i in first.run.items}
    assert statuses["www.example.gov.cn/news/tampered.html"] == "changed"
    assert first.compared > 0 and first.reused == 0

    second = annotate_incrementally(run_patrol([mirror], db), home, db)
    assert second.compared == 0                               # no page read for the comparison
    assert second.reused >= first.compared
    assert {i.path: i.approval for i in second.run.items} == statuses
    assert [i.approval_added for i in second.run.items] == [i.approval_added for i in first.run.items]

    with Ledger.open(home) as ledger:                         # a new approval lands in the ledger
        approve(ledger, files["unreviewed"], "新的审核")
    third = annotate_incrementally(run_patrol([mirror], db), home, db)
    assert third.compared > 0 and third.reused == 0
    assert {i.path: i.approval for i in third.run.items}[files["unreviewed"].relative_to(mirror).as_posix()] == "approved"
    with sqlite3.connect(db) as conn:                          # the old fingerprint's results are gone
        assert len(conn.execute("SELECT DISTINCT fingerprint FROM approvals").fetchall()) == 1


def _patrol(home: Path, mirror: Path, *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "patrol", str(mirror),
                           "--workers", "1", "--format", "json"], capture_output=True, text=True, cwd=REPO,
                          timeout=300, env={**os.environ, **(env or {})})


def test_a_run_that_cannot_be_recorded_is_not_saved_and_its_scans_are_reused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mirror = build_mirror(tmp_path / "site", pages=6, bad_links=False)
    first = _patrol(home, mirror.root)
    assert first.returncode == 0, first.stderr
    db = home / "patrol.sqlite3"
    changed = change_page(mirror, 2)

    # another writer holds the ledger: recording the run fails after the scan
    holder = sqlite3.connect(home / "ledger.sqlite3", isolation_level=None, timeout=5)
    try:
        holder.execute("BEGIN IMMEDIATE")
        failed = _patrol(home, mirror.root, env={"MISHEN_LOCK_TIMEOUT": "1"})
    finally:
        holder.rollback()
        holder.close()
    assert failed.returncode == 2 and "错误" in failed.stderr, failed.stdout + failed.stderr
    with PatrolDb(db) as pdb:
        assert pdb.run_count() == 1                           # no run without its ledger record
    with Ledger.open(home) as ledger:
        assert len(ledger.events(kinds=("patrol_recorded",))) == 1

    again = _patrol(home, mirror.root)
    assert again.returncode == 0, again.stderr
    run = json.loads(again.stdout)
    assert run["counts"]["scanned"] == 0                      # the failed run's scan was kept
    assert run["counts"]["changed"] == 1 and run["previous_run_id"] == json.loads(first.stdout)["run_id"]
    assert [i["path"] for i in run["items"] if i["status"] == "changed"] == [changed]
    with Ledger.open(home) as ledger:
        events = ledger.events(kinds=("patrol_recorded",))
    with PatrolDb(db) as pdb:
        assert pdb.run_count() == 2
    assert [e.payload["run_id"] for e in events][-1] == run["run_id"] and run["ledger_seq"] == events[-1].seq


def test_a_database_of_an_earlier_version_gains_the_approvals_table(tmp_path: Path) -> None:
    db = tmp_path / "patrol.sqlite3"
    PatrolDb(db).close()
    with sqlite3.connect(db) as conn:          # as the first patrol version left it
        conn.execute("DROP TABLE approvals")
    with PatrolDb(db) as pdb:
        assert pdb.approval_count() == 0 and pdb.approval("x|y|page|") is None
        pdb.save_approvals("fp1", [("fp1|sha|page|site", "sha", "{}")])
        pdb.save_approvals("fp2", [("fp2|sha|page|site", "sha", "{}")])   # a new approval: fp1's results go
        assert pdb.approval("fp1|sha|page|site") is None and pdb.approval("fp2|sha|page|site") == "{}"
