"""Tampering directly in the SQLite file (triggers bypassed), each caught by `ledger verify`."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.ledger.crypto import KeySigner, new_private_key
from app.ledger.model import event_digest
from app.review import Decision, open_review, sign_review
from tests.app.test_review_helpers import PASSWORD, cli, copy_template, real_scanner, write_doc


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    d = copy_template(tmp_path_factory, tmp_path / "home")
    doc = write_doc(tmp_path, "doc.txt", "关于召开全市经济工作会议的通知\n")
    with Ledger.open(d) as ledger:
        r = open_review(ledger, doc, title="会议通知", scanner=real_scanner)
        sign_review(ledger, r.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        sign_review(ledger, r.id, level=2, user="wang_fg", password=PASSWORD, decision=Decision.APPROVE)
    assert verify_ledger(ledger_path(d)).ok
    return d


def raw(home: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(ledger_path(home), isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    return conn


def restore_triggers(conn: sqlite3.Connection) -> None:
    from app.ledger.schema import MIGRATIONS

    for stmt in MIGRATIONS[1]:
        if "CREATE TRIGGER" in stmt:
            conn.execute(stmt)
    conn.close()


def head(home: Path) -> int:
    return verify_ledger(ledger_path(home)).head_seq


def test_edited_entry(home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    conn = raw(home)
    seq = conn.execute("SELECT seq FROM events WHERE kind = 'signed' ORDER BY seq LIMIT 1").fetchone()[0]
    payload = json.loads(conn.execute("SELECT payload FROM events WHERE seq = ?", (seq,)).fetchone()[0])
    payload["statement"]["decision"] = "reject"
    conn.execute("UPDATE events SET payload = ? WHERE seq = ?", (json.dumps(payload), seq))
    restore_triggers(conn)
    result = verify_ledger(ledger_path(home))
    assert not result.ok and result.first_bad == seq and result.problems[0].code == "edited"
    assert cli(monkeypatch, home, "ledger", "verify") == 1
    assert f"第 {seq} 条" in capsys.readouterr().err


def test_edited_entry_with_recomputed_hash(home: Path) -> None:
    conn = raw(home)
    row = conn.execute("SELECT seq, time, actor, kind, payload, prev_hash FROM events WHERE kind = 'signed' "
                       "ORDER BY seq LIMIT 1").fetchone()
    # level 1 signed without typing: the default opinion (经审核，同意。) is what gets rewritten
    new_payload = re.sub(r'"opinion":"[^"]*"', '"opinion":"同意（补签）"', row[4], count=1)
    assert new_payload != row[4]
    digest = event_digest(row[0], row[1], row[2], row[3], new_payload, row[5])
    conn.execute("UPDATE events SET payload = ?, hash = ? WHERE seq = ?", (new_payload, digest, row[0]))
    restore_triggers(conn)
    result = verify_ledger(ledger_path(home))
    # the hash was recomputed, but the signer's signature covers the old digest
    assert not result.ok and result.first_bad == row[0] and result.problems[0].code == "bad_signature"


def test_deleted_entry(home: Path) -> None:
    conn = raw(home)
    conn.execute("DELETE FROM events WHERE seq = 5")
    restore_triggers(conn)
    result = verify_ledger(ledger_path(home))
    assert not result.ok and result.first_bad == 5 and result.problems[0].code == "missing"


def test_reordered_entries(home: Path) -> None:
    conn = raw(home)
    n = head(home)
    conn.execute("UPDATE events SET seq = -1 WHERE seq = ?", (n - 1,))
    conn.execute("UPDATE events SET seq = ? WHERE seq = ?", (n - 1, n))
    conn.execute("UPDATE events SET seq = ? WHERE seq = -1", (n,))
    restore_triggers(conn)
    result = verify_ledger(ledger_path(home))
    assert not result.ok and result.first_bad == n - 1


def test_inserted_entry(home: Path) -> None:
    conn = raw(home)
    n = head(home)
    k = 3
    for seq in range(n, k, -1):
        conn.execute("UPDATE events SET seq = ? WHERE seq = ?", (seq + 1, seq))
    prev = conn.execute("SELECT hash, time FROM events WHERE seq = ?", (k,)).fetchone()
    forger = KeySigner("@workstation", new_private_key())
    text = json.dumps({"review_id": "x", "note": "补记"}, separators=(",", ":"), ensure_ascii=False)
    digest = event_digest(k + 1, prev[1], forger.actor, "note", text, prev[0])
    conn.execute("INSERT INTO events (seq, time, actor, kind, payload, prev_hash, hash, signature) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (k + 1, prev[1], forger.actor, "note", text, prev[0], digest, forger.sign(bytes.fromhex(digest))))
    restore_triggers(conn)
    result = verify_ledger(ledger_path(home))
    assert not result.ok and result.first_bad == k + 1 and result.problems[0].code == "bad_signature"


def test_truncated_tail(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cp = tmp_path / "checkpoint.json"
    assert cli(monkeypatch, home, "ledger", "checkpoint", "-o", str(cp)) == 0
    assert cli(monkeypatch, home, "ledger", "verify", "--checkpoint", str(cp)) == 0
    body = json.loads(cp.read_text(encoding="utf-8"))["checkpoint"]
    # A careful attacker removes the tail and fixes the recorded head as well: only the checkpoint knows.
    conn = raw(home)
    conn.execute("DELETE FROM events WHERE seq >= ?", (body["seq"] - 1,))
    last = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", (str(last[0]),))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (last[1],))
    restore_triggers(conn)
    assert verify_ledger(ledger_path(home)).ok  # the chain itself is intact…
    result = verify_ledger(ledger_path(home), cp)  # …but the checkpoint names the loss
    assert not result.ok and result.problems[0].code == "truncated"
    assert cli(monkeypatch, home, "ledger", "verify", "--checkpoint", str(cp)) == 1


def test_naive_truncation_caught_without_checkpoint(home: Path) -> None:
    conn = raw(home)
    conn.execute("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")
    restore_triggers(conn)
    result = verify_ledger(ledger_path(home))
    assert not result.ok and result.problems[0].code == "truncated"
    with Ledger.open(home) as ledger, pytest.raises(Exception, match="篡改"), ledger.transaction():
        pass


def test_altered_checkpoint_is_an_error(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cp = tmp_path / "cp.json"
    assert cli(monkeypatch, home, "ledger", "checkpoint", "-o", str(cp)) == 0
    cp.write_text(cp.read_text(encoding="utf-8").replace('"seq": ', '"seq": 1'), encoding="utf-8")
    assert cli(monkeypatch, home, "ledger", "verify", "--checkpoint", str(cp)) == 2


def test_user_role_edited_and_triggers_dropped(home: Path) -> None:
    conn = sqlite3.connect(ledger_path(home), isolation_level=None)
    conn.execute("UPDATE users SET role = 'principal' WHERE name = 'xiao_li'")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.close()
    codes = {p.code for p in verify_ledger(ledger_path(home)).problems}
    assert {"users", "triggers"} <= codes
    with Ledger.open(home) as ledger, pytest.raises(Exception, match=r"篡改|不符"):
        sign_review(ledger, ledger.events(kinds=("review_opened",))[0].review_id or "", level=3, user="xiao_li",
                    password=PASSWORD, decision=Decision.APPROVE, opinion="x")


def test_verify_without_ledger_is_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(monkeypatch, tmp_path / "empty", "ledger", "verify") == 2
