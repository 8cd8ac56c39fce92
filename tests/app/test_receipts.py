"""Truncation evidence outside the file: the receipt every sign-off prints, and the checkpoint a
second workstation keeps. A careful attacker deletes the leader's 不予发布 at the tail and fixes
the recorded head, so the chain alone verifies; the receipt or the exported checkpoint catches it."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.ledger.crypto import KeySigner, new_private_key
from app.ledger.receipt import RECEIPT_HEX, parse_receipt, receipt_for
from app.ledger.schema import MIGRATIONS
from tests.app.test_review_helpers import PASSWORD, cli, copy_template, real_scanner, write_doc

RECEIPT = re.compile(rf"#\d+-[0-9a-f]{{{RECEIPT_HEX}}}")


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.review import scanning

    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])


def truncate_from(home: Path, seq: int, then_append: int = 0) -> None:
    """Delete entries >= seq, fix the recorded head, put the triggers back; optionally append
    fresh workstation-signed entries so the sequence numbers are used again."""
    conn = sqlite3.connect(ledger_path(home), isolation_level=None)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq >= ?", (seq,))
    last = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", (str(last[0]),))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (last[1],))
    for stmt in MIGRATIONS[1]:
        if "events_no_delete" in stmt:
            conn.execute(stmt)
    conn.close()
    if then_append:
        with Ledger.open(home) as ledger:
            for i in range(then_append):
                with ledger.transaction() as tx:
                    tx.append("review_note", {"i": i}, ledger.workstation_signer())


@pytest.fixture
def signed(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, str]:
    """A review signed at levels 1 and 2, then 不予发布 at level 3; returns (home, review id, receipt
    printed by the level-3 sign-off)."""
    home = copy_template(tmp_path_factory, tmp_path / "home")
    doc = write_doc(tmp_path, "doc.txt", "关于某事项的情况通报 [[high]]\n")
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "open", str(doc)) == 0
    rid = capsys.readouterr().out.strip().splitlines()[0]
    receipts = []
    for level, user, decision in ((1, "xiao_li", "approve"), (2, "wang_fg", "approve"), (3, "zhang_zy", "reject")):
        assert cli(monkeypatch, home, "review", "sign", rid, "--level", str(level), "--user", user, "--decision",
                   decision, "--opinion", "不予发布" if decision == "reject" else "", password=PASSWORD) == 0
        found = RECEIPT.findall(capsys.readouterr().out)
        assert len(found) == 1
        receipts.append(found[0])
    with Ledger.open(home) as ledger:
        entry = ledger.events(kinds=("signed",))[-1]
        assert receipts[-1] == receipt_for(entry) == f"#{entry.seq}-{entry.hash[:RECEIPT_HEX]}"
    return home, rid, receipts[-1]


def test_sign_prints_and_show_displays_the_receipt(signed: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    home, rid, receipt = signed
    assert cli(monkeypatch, home, "review", "show", rid) == 0
    text = capsys.readouterr().out
    assert f"回执 {receipt}" in text and len(RECEIPT.findall(text)) == 3
    assert cli(monkeypatch, home, "review", "show", rid, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["signoffs"][-1]["receipt"] == receipt


def test_receipt_checks_out_on_the_intact_ledger(signed: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    home, _rid, receipt = signed
    capsys.readouterr()
    assert cli(monkeypatch, home, "ledger", "verify", "--receipt", receipt) == 0
    assert "与台帐相符" in capsys.readouterr().out
    assert cli(monkeypatch, home, "ledger", "verify", "--receipt", receipt.lstrip("#")) == 0   # as copied by hand
    assert cli(monkeypatch, home, "ledger", "verify", "--receipt", "42") == 2                  # not a receipt


def test_receipt_taken_before_truncation_catches_it(signed: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    home, _rid, receipt = signed
    seq = parse_receipt(receipt).seq
    truncate_from(home, seq)                           # the 不予发布 is gone…
    assert verify_ledger(ledger_path(home)).ok         # …and the chain alone cannot tell
    capsys.readouterr()
    assert cli(monkeypatch, home, "ledger", "verify", "--receipt", receipt) == 1
    err = capsys.readouterr().err
    assert f"第一处异常：第 {seq} 条记录" in err and "被截断" in err


def test_receipt_catches_a_rewritten_tail(signed: tuple[Path, str, str]) -> None:
    """Truncated and then refilled: entry `seq` exists again, with another hash."""
    home, _rid, receipt = signed
    seq = parse_receipt(receipt).seq
    truncate_from(home, seq, then_append=3)
    assert verify_ledger(ledger_path(home)).ok
    result = verify_ledger(ledger_path(home), receipts=[receipt])
    assert not result.ok and result.first_bad == seq and result.problems[0].code == "rewritten"


def test_exported_checkpoint_catches_truncation_and_rewrite(signed: tuple[Path, str, str], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    home, _rid, receipt = signed
    kept = tmp_path / "elsewhere" / "checkpoint.json"   # what the second workstation keeps
    kept.parent.mkdir()
    assert cli(monkeypatch, home, "ledger", "checkpoint", "--export", str(kept)) == 0
    assert "另一工作站" in capsys.readouterr().out
    assert cli(monkeypatch, home, "ledger", "verify", "--checkpoint", str(kept)) == 0
    alias = tmp_path / "alias.json"
    assert cli(monkeypatch, home, "ledger", "checkpoint", "-o", str(alias)) == 0   # the old spelling still works
    seq = parse_receipt(receipt).seq
    truncate_from(home, seq)
    assert verify_ledger(ledger_path(home)).ok
    assert cli(monkeypatch, home, "ledger", "verify", "--checkpoint", str(kept)) == 1
    truncate_from(home, seq, then_append=5)   # refilled past the checkpoint's position
    result = verify_ledger(ledger_path(home), kept)
    assert not result.ok and result.problems[0].code in ("checkpoint", "truncated")


def test_a_checkpoint_signed_by_another_key_is_refused(signed: tuple[Path, str, str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    home, _rid, _receipt = signed
    cp = tmp_path / "cp.json"
    assert cli(monkeypatch, home, "ledger", "checkpoint", "--export", str(cp)) == 0
    data = json.loads(cp.read_text(encoding="utf-8"))
    other = KeySigner("@workstation", new_private_key())
    from app.ledger.canonical import canonical_bytes

    data["checkpoint"]["public_key"] = other.public_key
    data["signature"] = other.sign(canonical_bytes(data["checkpoint"]))
    cp.write_text(json.dumps(data), encoding="utf-8")
    result = verify_ledger(ledger_path(home), cp)
    assert not result.ok and result.problems[0].code == "checkpoint"


def test_receipt_on_the_review_sheet_and_in_the_approval_ledger(signed: tuple[Path, str, str], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    home, rid, receipt = signed
    sheet = tmp_path / "审查单.docx"
    assert cli(monkeypatch, home, "review", "sheet", rid, "-o", str(sheet)) == 0
    text = " ".join(p.text for p in docx.Document(str(sheet)).paragraphs)
    assert f"第 3 级 {receipt}" in text and "--receipt" in text
    table = tmp_path / "台帐.csv"
    assert cli(monkeypatch, home, "ledger", "export", "--levels", "3", "-o", str(table)) == 0
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith("台帐回执") and lines[1].endswith(receipt)
