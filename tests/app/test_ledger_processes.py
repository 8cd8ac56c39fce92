"""Real processes: SIGKILL in the middle of a burst of appends; two writers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger

REPO = Path(__file__).resolve().parents[2]

APPENDER = """
import sys
from app.ledger import Ledger
home, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Ledger.open(home, lock_timeout=60) as ledger:
    signer = ledger.workstation_signer()
    for i in range(count):
        with ledger.transaction() as tx:
            tx.append("note", {"tag": tag, "i": i, "pad": "台帐" * 200}, signer)
            tx.append("note", {"tag": tag, "i": i, "second": True}, signer)
        print(i, flush=True)
"""


def spawn(home: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", APPENDER, str(home), tag, str(count)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_mid_burst_leaves_a_verifiable_ledger(tmp_path: Path) -> None:
    Ledger.open(tmp_path).close()
    proc = spawn(tmp_path, "burst", 100000)
    assert proc.stdout is not None
    seen = 0
    deadline = time.monotonic() + 60
    while seen < 200 and time.monotonic() < deadline:
        if proc.stdout.readline():
            seen += 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert seen >= 200
    result = verify_ledger(ledger_path(tmp_path))
    assert result.ok, result.problems
    assert result.entries % 2 == 1  # genesis + whole transactions only: no partial entry pair
    assert result.entries >= 1 + 2 * seen
    with Ledger.open(tmp_path) as ledger:
        signer = ledger.workstation_signer()
        with ledger.transaction() as tx:
            tx.append("note", {"after": "kill"}, signer)
    assert verify_ledger(ledger_path(tmp_path)).ok


def test_two_processes_append_at_once(tmp_path: Path) -> None:
    Ledger.open(tmp_path).close()
    procs = [spawn(tmp_path, tag, 150) for tag in ("A", "B")]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    result = verify_ledger(ledger_path(tmp_path))
    assert result.ok and result.entries == 1 + 2 * 2 * 150
    with Ledger.open(tmp_path) as ledger:
        for tag in ("A", "B"):
            mine = [e.payload for e in ledger.events(kinds=("note",)) if e.payload["tag"] == tag]
            firsts = [p["i"] for p in mine if "second" not in p]
            assert firsts == list(range(150))
