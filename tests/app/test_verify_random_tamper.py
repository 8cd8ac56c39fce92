"""Property-style: a ledger built by legal operations (reviews opened, signed, waived, a user
added by the 保密管理员, one revoked, failed passwords), then one random tampering of the SQLite
file by someone holding the data directory (edit, re-hash, re-sign with the workstation key found
in the file or a fresh key, delete, truncate with the recorded head fixed, reorder, insert, swap
signatures). Checked against a checkpoint and a receipt taken before the tampering, verify never
passes, and for every tampering the chain itself can see it names the tampered entry."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.ledger import AuthError, Ledger, ledger_path, make_checkpoint, verify_ledger
from app.ledger.crypto import KeySigner, new_private_key, private_key_from_raw
from app.ledger.model import WORKSTATION, event_digest
from app.ledger.receipt import receipt_for
from app.ledger.schema import MIGRATIONS
from app.review import Decision, open_review, sign_review, waive_finding
from app.users import Role, add_user, revoke_user, unlock
from tests.app.test_review_helpers import PASSWORD, copy_template, real_scanner, write_doc
from tests.people import ADMIN, ADMIN_PASSWORD

COLUMNS = "seq, time, actor, kind, payload, prev_hash, hash, signature"
SEEDS = range(120)
_BASE: dict[str, tuple[Path, Path, str]] = {}


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def base(factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(data dir, checkpoint file, receipt of the last sign-off), built once."""
    if "base" not in _BASE:
        root = factory.mktemp("random-tamper")
        home = copy_template(factory, root / "home")
        a = write_doc(root, "a.txt", "关于召开全市经济工作会议的通知\n")
        b = write_doc(root, "b.txt", "情况通报 [[block]]\n")
        with Ledger.open(home) as ledger:
            ra = open_review(ledger, a, title="会议通知", scanner=real_scanner)
            rb = open_review(ledger, b, title="情况通报", scanner=real_scanner)
            sign_review(ledger, ra.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
            with pytest.raises(AuthError):
                unlock(ledger, "wang_fg", "wrong-password", attempt="签署")
            sign_review(ledger, ra.id, level=2, user="wang_fg", password=PASSWORD, decision=Decision.APPROVE)
            waive_finding(ledger, rb.id, finding_id=rb.current.findings[0].id, user="zhang_zy", password=PASSWORD,
                          reason="已公开文件的标题")
            admin = unlock(ledger, ADMIN, ADMIN_PASSWORD)
            add_user(ledger, "new_li", Role.OFFICER, PASSWORD, added_by=admin)
            revoke_user(ledger, "chen_ks", admin, reason="调离")
            sign_review(ledger, rb.id, level=1, user="new_li", password=PASSWORD, decision=Decision.APPROVE)
            last = sign_review(ledger, rb.id, level=2, user="wang_fg", password=PASSWORD, decision=Decision.REJECT,
                               opinion="不予发布")
            receipt = receipt_for(ledger.event(last.seq))  # type: ignore[arg-type]
            cp = root / "checkpoint.json"
            cp.write_text(json.dumps(make_checkpoint(ledger)), encoding="utf-8")
        assert verify_ledger(ledger_path(home), cp, receipts=[receipt]).ok
        _BASE["base"] = (home, cp, receipt)
    return _BASE["base"]


def rows(conn: sqlite3.Connection) -> list[list[object]]:
    return [list(r) for r in conn.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq")]


def write_rows(conn: sqlite3.Connection, new: list[list[object]]) -> None:
    conn.execute("DELETE FROM events")
    for r in new:
        conn.execute(f"INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", r)
    last = new[-1]
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", (str(last[0]),))   # the careful attacker
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (str(last[6]),))


def resign(r: list[object], prev: str, signer: KeySigner) -> None:
    r[5] = prev
    r[2] = signer.actor if r[2] == signer.actor else r[2]
    r[6] = event_digest(int(str(r[0])), str(r[1]), str(r[2]), str(r[3]), str(r[4]), prev)
    r[7] = signer.sign(bytes.fromhex(str(r[6])))


def tamper(home: Path, rng: random.Random) -> tuple[str, int, bool, bool]:
    """Apply one random tampering; returns (what, first tampered seq, whether the chain alone
    must name exactly that seq, whether the entry before it is a `user_added` whose co-signature
    the tampering separated from it — then that entry is rightly named first)."""
    conn = sqlite3.connect(ledger_path(home), isolation_level=None)
    workstation = KeySigner(WORKSTATION, private_key_from_raw(bytes.fromhex(
        conn.execute("SELECT value FROM meta WHERE key = 'workstation_key'").fetchone()[0])))
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    old = rows(conn)
    n = len(old)
    new = [list(r) for r in old]
    what = rng.choice(["edit", "rehash", "resign_ws", "resign_fresh", "delete", "truncate", "reorder", "insert",
                       "swap_signatures"])
    k = rng.randrange(2, n)            # a seq in 2..n-1 (entry 1 is the genesis)
    i = k - 1
    exact = True
    if what in ("edit", "rehash", "resign_ws", "resign_fresh"):
        payload = json.loads(str(new[i][4]))
        payload["tampered"] = rng.random()
        new[i][4] = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if what == "rehash":
            new[i][6] = event_digest(k, str(new[i][1]), str(new[i][2]), str(new[i][3]), str(new[i][4]), str(new[i][5]))
        elif what in ("resign_ws", "resign_fresh"):
            signer = workstation if what == "resign_ws" else KeySigner(str(new[i][2]), new_private_key())
            resign(new[i], str(new[i][5]), signer)
            # a workstation entry re-signed with the workstation key is valid by itself: the break is
            # at the next entry's link (or, at the tail, only the checkpoint sees it)
            exact = not (what == "resign_ws" and new[i][2] == WORKSTATION)
    elif what == "delete":
        del new[i]
    elif what == "truncate":
        new = new[:i]
    elif what == "reorder":
        new[i][0], new[i + 1][0] = new[i + 1][0], new[i][0]
        new[i], new[i + 1] = new[i + 1], new[i]
    elif what == "insert":   # a new workstation-signed entry after k-1, everything after shifted by one
        time = str(new[i - 1][1])
        text = json.dumps({"note": "inserted"})
        forged = [k, time, WORKSTATION, "note", text, "", "", ""]
        resign(forged, str(new[i - 1][6]), workstation)
        for r in new[i:]:
            r[0] = int(str(r[0])) + 1
        new.insert(i, forged)
        exact = False        # the inserted entry is well formed; the shifted one after it is not
    else:  # swap_signatures of two entries
        j = rng.randrange(2, n + 1) - 1
        if j == i:
            j = i - 1 if i > 1 else i + 1
        new[i][7], new[j][7] = new[j][7], new[i][7]
        k = min(k, j + 1)
        if new[i][7] == new[j][7]:
            what = "edit_noop"
    paired = k >= 2 and old[k - 2][3] == "user_added"
    write_rows(conn, new)
    for stmt in MIGRATIONS[1]:
        if "CREATE TRIGGER" in stmt:
            conn.execute(stmt)
    conn.close()
    return what, k, exact, paired


@pytest.mark.parametrize("seed", SEEDS)
def test_random_tampering_is_caught(seed: int, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    src, cp, receipt = base(tmp_path_factory)
    home = tmp_path / "copy"
    shutil.copytree(src, home)
    rng = random.Random(seed)
    what, k, exact, paired = tamper(home, rng)
    low = k - 1 if paired else k
    if what == "edit_noop":
        pytest.skip("the two signatures were identical")
    alone = verify_ledger(ledger_path(home))
    kept = verify_ledger(ledger_path(home), cp, receipts=[receipt])
    assert not kept.ok, (what, k)
    if what == "truncate":
        # the chain alone cannot see a careful truncation (unless users it registered are left in the
        # users table); the checkpoint and the receipt name the first lost entry
        assert alone.ok or {p.code for p in alone.problems} <= {"users", "unapproved"}, alone.problems
        assert kept.first_bad in (low, k), (what, k, kept.problems)
    elif exact:
        assert not alone.ok and alone.first_bad in (low, k), (what, k, alone.problems)
    else:
        assert kept.first_bad is not None and low <= kept.first_bad <= k + 1, (what, k, kept.problems)
