"""`ledger verify` checks the unit's rules, not just the chain: each attack below is carried out
with what a copy of the data directory gives (the SQLite file, the workstation key, keys created
on the spot, a user's key decrypted with their password) and verify names the first bad entry."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.ledger.canonical import canonical_bytes, now_iso
from app.ledger.crypto import KeySigner, decrypt_private_key, new_private_key, public_key_hex
from app.review import Decision, load_review, open_review, sign_review
from app.users import Role, add_user, revoke_user, unlock
from tests.app.test_review_helpers import PASSWORD, cli, copy_template, real_scanner, write_doc
from tests.people import ADMIN, ADMIN_PASSWORD

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_template(tmp_path_factory, tmp_path / "home")


def opened(home: Path, tmp_path: Path) -> str:
    doc = write_doc(tmp_path, "doc.txt", "关于召开全市经济工作会议的通知\n")
    with Ledger.open(home) as ledger:
        return open_review(ledger, doc, title="会议通知", scanner=real_scanner).id


def stolen_key(home: Path, name: str, password: str = PASSWORD) -> KeySigner:
    """A user's key as someone who knows (or guessed) their password decrypts it from the file."""
    conn = sqlite3.connect(ledger_path(home))
    blob = conn.execute("SELECT private_key FROM users WHERE name = ?", (name,)).fetchone()[0]
    conn.close()
    return KeySigner(name, decrypt_private_key(blob, password))


def forged_signoff(ledger: Ledger, rid: str, level: int, signer: KeySigner, role: str, unit: str = "市统计局") -> int:
    """Append a `signed` entry exactly as sign_review writes it, bypassing every gating rule."""
    review = load_review(ledger, rid)
    with ledger.transaction() as tx:
        statement: dict[str, Any] = {
            "type": "signoff", "level": level, "decision": "approve", "opinion": "同意", "review_id": rid,
            "version": review.current.number, "document_sha256": review.current.sha256,
            "scan_report_sha256": review.current.report_sha256, "prev_hash": tx.head.hash, "time": now_iso(),
            "signer": signer.actor, "signer_role": role, "signer_unit": unit, "signer_key": signer.public_key}
        ev = tx.append("signed", {"review_id": rid, "statement": statement,
                                  "statement_signature": signer.sign(canonical_bytes(statement))}, signer)
    return ev.seq


def bad(home: Path) -> tuple[int | None, str]:
    result = verify_ledger(ledger_path(home))
    assert not result.ok
    return result.first_bad, " ".join(p.message for p in result.problems)


def test_the_legitimate_ledger_verifies(home: Path, tmp_path: Path) -> None:
    rid = opened(home, tmp_path)
    with Ledger.open(home) as ledger:
        sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
    result = verify_ledger(ledger_path(home))
    assert result.ok and not result.notes, result.problems


def test_principal_added_without_co_signature(home: Path) -> None:
    """A key pair made on the spot signs its own `user_added`, as the program writes it, but no
    保密管理员 co-signs it."""
    key = new_private_key()
    signer = KeySigner("假主要", key)
    with Ledger.open(home) as ledger:
        with ledger.transaction() as tx:
            ev = tx.append("user_added", {"name": "假主要", "role": "principal", "unit": "市统计局",
                                          "public_key": public_key_hex(key), "added_by": ADMIN}, signer)
        ledger.conn.execute("INSERT INTO users (name, role, unit, public_key, password_hash, private_key, added_seq) "
                            "VALUES (?, 'principal', '市统计局', ?, 'x', 'x', ?)", ("假主要", public_key_hex(key), ev.seq))
    first, text = bad(home)
    assert first == ev.seq and "假主要" in text and "缺少保密管理员的确认签名" in text


def test_co_signature_by_a_non_admin_is_refused(home: Path) -> None:
    """The officer's own key (password known) 'approves' a new principal."""
    key = new_private_key()
    officer = stolen_key(home, "xiao_li")
    record = {"name": "假主要", "role": "principal", "unit": "", "public_key": public_key_hex(key)}
    with Ledger.open(home) as ledger, ledger.transaction() as tx:
        ev = tx.append("user_added", {**record, "added_by": "xiao_li"}, KeySigner("假主要", key))
        approval = tx.append("user_approved", {**record, "user_added_seq": ev.seq}, officer)
    first, text = bad(home)
    assert first == approval.seq and "不是保密管理员" in text


def test_principal_added_by_editing_sqlite(home: Path) -> None:
    """A row in the users table with no ledger entry behind it, and a role changed in place."""
    conn = sqlite3.connect(ledger_path(home), isolation_level=None)
    conn.execute("INSERT INTO users (name, role, unit, public_key, password_hash, private_key, added_seq) "
                 "VALUES ('假主要', 'principal', '', ?, 'x', 'x', 3)", (public_key_hex(new_private_key()),))
    conn.execute("UPDATE users SET role = 'principal' WHERE name = 'xiao_li'")
    conn.execute("UPDATE users SET added_seq = 2 WHERE name = 'wang_fg'")
    conn.close()
    _first, text = bad(home)
    assert "假主要" in text and "xiao_li" in text and "wang_fg" in text and "被改动" in text
    with Ledger.open(home) as ledger, pytest.raises(Exception, match="用户表被改动"):
        unlock(ledger, "xiao_li", PASSWORD)


def test_first_user_of_a_new_ledger_must_be_the_admin(tmp_path: Path) -> None:
    """Before any 保密管理员 exists, a principal minted into the file is not 'first run'."""
    key = new_private_key()
    with Ledger.open(tmp_path) as ledger, ledger.transaction() as tx:
        ev = tx.append("user_added", {"name": "赵主要", "role": "principal", "unit": "", "public_key": public_key_hex(key),
                                      "added_by": None}, KeySigner("赵主要", key))
    first, text = bad(tmp_path)
    assert first == ev.seq and "第一个用户必须是保密管理员" in text


def test_signoff_by_a_role_the_level_does_not_allow(home: Path, tmp_path: Path) -> None:
    """The officer signs level 3 with their own valid key (as 主要负责人 would), gating bypassed."""
    rid = opened(home, tmp_path)
    with Ledger.open(home) as ledger:
        sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        seq = forged_signoff(ledger, rid, 3, stolen_key(home, "xiao_li"), "officer")
    first, text = bad(home)
    assert first == seq and "无权签署第 3 级" in text and "主要负责人" in text


def test_signoff_claiming_a_role_the_user_was_not_registered_with(home: Path, tmp_path: Path) -> None:
    rid = opened(home, tmp_path)
    with Ledger.open(home) as ledger:
        seq = forged_signoff(ledger, rid, 3, stolen_key(home, "xiao_li"), "principal")
    first, text = bad(home)
    assert first == seq and "登记的角色是信息员" in text


def test_revoked_user_signing(home: Path, tmp_path: Path) -> None:
    rid = opened(home, tmp_path)
    with Ledger.open(home) as ledger:
        revoke_user(ledger, "xiao_li", unlock(ledger, ADMIN, ADMIN_PASSWORD), reason="调离")
        with pytest.raises(Exception, match="已被保密管理员停用"):
            sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        assert verify_ledger(ledger_path(home)).ok
        seq = forged_signoff(ledger, rid, 1, stolen_key(home, "xiao_li"), "officer")
    first, text = bad(home)
    assert first == seq and "已停用" in text


def test_signer_registered_after_signing(home: Path, tmp_path: Path) -> None:
    rid = opened(home, tmp_path)
    key = new_private_key()
    ghost = KeySigner("ghost", key)
    with Ledger.open(home) as ledger:
        seq = forged_signoff(ledger, rid, 1, ghost, "officer")
        add_user(ledger, "ghost2", Role.OFFICER, PASSWORD, added_by=unlock(ledger, ADMIN, ADMIN_PASSWORD))
    first, _text = bad(home)
    assert first == seq


def test_admin_only_entries(home: Path) -> None:
    """Revoking or unlocking someone with a non-admin key is caught."""
    officer = stolen_key(home, "xiao_li")
    with Ledger.open(home) as ledger, ledger.transaction() as tx:
        ev = tx.append("user_unlocked", {"name": "wang_fg", "failures": 10}, officer)
    first, text = bad(home)
    assert first == ev.seq and "不是由保密管理员签署" in text


def test_cli_names_the_first_bad_entry(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    rid = opened(home, tmp_path)
    with Ledger.open(home) as ledger:
        seq = forged_signoff(ledger, rid, 3, stolen_key(home, "xiao_li"), "officer")
    capsys.readouterr()
    assert cli(monkeypatch, home, "ledger", "verify") == 1
    err = capsys.readouterr().err
    assert f"第一处异常：第 {seq} 条记录" in err and "无权签署" in err


def test_ledger_from_before_the_first_run_rule_verifies_with_a_note(tmp_path: Path) -> None:
    src = REPO / "tests" / "data" / "ledgers" / "ledger-v1.sqlite3"
    shutil.copy(src, tmp_path / "ledger.sqlite3")
    result = verify_ledger(tmp_path / "ledger.sqlite3")
    assert result.ok and result.notes and "尚无保密管理员时添加" in result.notes[0]


def test_policy_checks_statements_carried_in_an_imported_package() -> None:
    """The pure rule over entries: a package_imported entry (minted with the workstation key, say)
    carrying a level-3 sign-off by an officer is refused even if its keys were vouched for."""
    import json as _json

    from app.ledger.model import LedgerEvent
    from app.ledger.policy import PolicyState, check_policy
    from app.review.routes import load_route

    route = load_route(None, None).to_json()

    def ev(seq: int, kind: str, payload: dict[str, Any], actor: str = "@workstation") -> LedgerEvent:
        return LedgerEvent(seq, "2026-01-01T00:00:00+08:00", actor, kind, _json.dumps(payload), "0" * 64, "0" * 64, "")

    def package(role: str, level: int) -> LedgerEvent:
        st = {"type": "signoff", "review_id": "R1", "level": level, "signer": "某人", "signer_role": role}
        inner = [ev(1, "review_opened", {"review_id": "R1", "route": route}).to_json(),
                 ev(2, "signed", {"review_id": "R1", "statement": st}, "某人").to_json()]
        return ev(5, "package_imported", {"review_id": "R1", "events": inner})

    bad_issue = check_policy(package("officer", 3), PolicyState())
    assert bad_issue is not None and bad_issue.seq == 5 and "无权签署第 3 级" in bad_issue.message
    assert check_policy(package("principal", 3), PolicyState()) is None
