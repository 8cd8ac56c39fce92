"""Property-style, across two units (issue 7, Proof): seeded random sequences of legal operations
in two real data directories — the unit (市应急局) and the 市政府办公室 office, peers registered
both ways — users added by the 保密管理员, reviews opened, waivers, false alarms, levels 1–3
signed (some rejected), failed passwords, and the level-4 round trip (export → the office signs
level 4 → import back → re-export). Then one random tampering of ONE data directory's ledger:
edit a payload, delete, reorder, insert, truncate, swap signatures between entries, or re-sign an
edited entry with any key found in the directory (every 32-byte hex value in the SQLite file's
meta, users and unit_keys tables — the plain workstation key among them — or a fresh key).

Every time: `verify` names the first tampered entry (or the entry just before it, when that is a
`user_added` whose co-signature the tampering separated from it; or the entry just after it, when
the tampered entry is a workstation record re-signed with the workstation key and only the next
link can show it). A checkpoint exported and a receipt taken before the tampering catch every
truncation, naming the first lost entry.

Also the strongest rewrite the plain workstation key allows (`forge_tail`): edit or drop an entry
in the workstation-signed run at the end of the ledger and re-sign it and everything after with
that key, links and head fixed. Changing what another unit signed (imported rosters, statements,
the imported unit's name, passing a foreign sign-off off as local) is named at that entry.

Limits shown here: a rewrite of a workstation-only record (package_exported, checkpoint_issued,
login_failed…) in that tail, or dropping one, is invisible to the chain alone; the checkpoint
names it when it covers the entry, the receipt of the ledger's last entry (`#seq-hash`, kept on
paper) always does. The checkpoint cannot cover its own `checkpoint_issued` entry."""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.ledger import AuthError, Ledger, ledger_path, make_checkpoint, verify_ledger
from app.ledger.crypto import KeySigner, new_private_key, private_key_from_raw, public_key_hex
from app.ledger.model import WORKSTATION, event_digest
from app.ledger.receipt import receipt_for
from app.ledger.schema import MIGRATIONS
from app.model import Severity
from app.review import (
    Decision,
    Status,
    load_review,
    mark_false_alarm,
    open_review,
    review_state,
    scanning,
    sign_review,
    waive_finding,
)
from app.review.model import InfoClass
from app.users import Role, add_user, revoke_user, unlock
from tests.app.test_package_trust import ADMIN, do_import, export, make_unit, register
from tests.app.test_review_helpers import PASSWORD, agree_all, real_scanner, write_doc

COLUMNS = "seq, time, actor, kind, payload, prev_hash, hash, signature"
HISTORIES = 2
SEEDS = range(56)
_HEX32 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class Unit:
    home: Path
    checkpoint: Path
    receipts: tuple[str, ...]   # the last sign-off's receipt and the receipt of the ledger's last entry
    checkpoint_seq: int         # the head the checkpoint names (its own entry is the one after)
    entries: int


@dataclass(frozen=True)
class History:
    unit: Unit
    office: Unit
    ops: tuple[str, ...]
    round_trips: int


_BUILT: dict[int, History] = {}


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])


class _Story:
    """Legal operations on the two units, chosen by a seeded random generator."""

    DOCS = ("一般工作信息\n", "情况通报 [[block]]\n", "通报 [[high]]\n", "关于某地突发事件的情况通报 [[medium]]\n")

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng = root, rng
        self.a = make_unit(root / "unit", "市应急局", {"xiao_li": Role.OFFICER, "wang_fg": Role.DIVISION_LEADER,
                                                        "zhang_zy": Role.PRINCIPAL, "chen_ks": Role.SECTION_CHIEF})
        self.b = make_unit(root / "office", "市政府办公室", {"city_zhao": Role.CITY_OFFICE})
        register(self.a, self.b)
        register(self.b, self.a)
        self.officers = ["xiao_li"]
        self.reviews: list[str] = []
        self.ops: list[str] = []
        self.round_trips = 0
        self.n = 0

    def add_user(self) -> None:
        self.n += 1
        at_office = self.rng.random() < 0.3
        home = self.b if at_office else self.a
        name = f"new{self.n}"
        with Ledger.open(home) as ledger:
            role = Role.CITY_OFFICE if at_office else Role.OFFICER
            add_user(ledger, name, role, PASSWORD, unit="市政府办公室" if at_office else "市应急局",
                     added_by=unlock(ledger, ADMIN, PASSWORD))
        if not at_office:
            self.officers.append(name)

    def open(self, critical: bool | None = None) -> str:
        self.n += 1
        text = self.rng.choice(self.DOCS)
        cls = InfoClass.CRITICAL if (critical if critical is not None else self.rng.random() < 0.6) \
            else InfoClass.IMPORTANT
        doc = write_doc(self.root, f"doc{self.n}.txt", text)
        with Ledger.open(self.a) as ledger:
            rid = open_review(ledger, doc, title=f"情况通报{self.n}", unit="市应急局", info_class=cls,
                              scanner=real_scanner).id
        self.reviews.append(rid)
        return rid

    def wrong_password(self) -> None:
        home = self.rng.choice((self.a, self.b))
        with Ledger.open(home) as ledger, pytest.raises(AuthError):
            unlock(ledger, self.rng.choice((ADMIN, "nobody")), "wrong-password", attempt="登录")

    def revoke(self) -> None:
        if len(self.officers) < 2:
            return
        name = self.officers.pop()
        with Ledger.open(self.a) as ledger:
            revoke_user(ledger, name, unlock(ledger, ADMIN, PASSWORD), reason="调离")

    def advance(self, rid: str | None = None, *, may_reject: bool = True) -> bool:
        """One legal step on a review in progress; False when nothing was left to do."""
        live = [r for r in self.reviews if self._status(r) is Status.IN_REVIEW]
        if rid is None:
            if not live:
                return False
            rid = self.rng.choice(live)
        elif rid not in live:
            return False
        with Ledger.open(self.a) as ledger:
            review = load_review(ledger, rid)
            state = review_state(review)
            if state.open_blocks:
                waive_finding(ledger, rid, finding_id=state.open_blocks[0].id, user="zhang_zy", password=PASSWORD,
                              reason="已公开文件的标题")
                self.ops.append("waive")
                return True
            minor = [f for f in review.current.findings if f.severity in (Severity.MEDIUM, Severity.LOW)]
            if minor and "false_alarm:" + rid not in self.ops and self.rng.random() < 0.7:
                user = self.rng.choice(self.officers)
                mark_false_alarm(ledger, review, finding_id=minor[0].id, reason="号码为单位公开电话", user=user,
                                 signer=unlock(ledger, user, PASSWORD)[1])
                self.ops.append("false_alarm:" + rid)
                return True
        level = state.next_level
        assert level is not None, state
        if level == 4:
            self.round_trip(rid)
            return True
        user = {1: self.rng.choice(self.officers), 2: "wang_fg", 3: "zhang_zy"}[level]
        reject = may_reject and level == 2 and self.rng.random() < 0.15
        with Ledger.open(self.a) as ledger:
            sign_review(ledger, rid, level=level, user=user, password=PASSWORD,
                        decision=Decision.REJECT if reject else Decision.APPROVE,
                        opinion="不予发布" if reject else "同意",
                        decisions=agree_all(ledger, rid) if level >= 3 and not reject else ())
        self.ops.append(f"sign{level}" + ("-reject" if reject else ""))
        return True

    def round_trip(self, rid: str) -> None:
        self.n += 1
        n = self.n
        assert "市应急局" in do_import(self.b, export(self.a, rid, self.root / f"to-office{n}.mishen"))
        with Ledger.open(self.b) as ledger:
            sign_review(ledger, rid, level=4, user="city_zhao", password=PASSWORD, decision=Decision.APPROVE,
                        opinion="同意发布", decisions=agree_all(ledger, rid))
        assert "1 条" in do_import(self.a, export(self.b, rid, self.root / f"back{n}.mishen"))
        assert "没有新的" in do_import(self.b, export(self.a, rid, self.root / f"again{n}.mishen"))
        assert self._status(rid) is Status.APPROVED
        self.ops.append("level4-round-trip")
        self.round_trips += 1

    def _status(self, rid: str) -> Status:
        with Ledger.open(self.a) as ledger:
            return review_state(load_review(ledger, rid)).status

    def run(self, steps: int) -> None:
        actions = (self.add_user, self.open, self.open, self.advance, self.advance, self.advance, self.advance,
                   self.wrong_password, self.revoke)
        for _ in range(steps):
            action = self.rng.choice(actions)
            if action is self.advance and not self.advance():
                self.open()
            elif action is not self.advance:
                action()
                self.ops.append(action.__name__)
        # every history holds at least one complete level-4 round trip
        rid = self.open(critical=True)
        while self.advance(rid, may_reject=False):
            pass


def _seal(home: Path, name: str) -> Unit:
    """Before any tampering: the receipt of the last sign-off, an exported checkpoint, and the
    receipt of the ledger's last entry (the checkpoint's own record)."""
    with Ledger.open(home) as ledger:
        signed = [e for e in ledger.events(kinds=("signed",))]
        receipts = [receipt_for(signed[-1])] if signed else []
        cp = home.parent / f"{name}-checkpoint.json"
        cp.write_text(json.dumps(make_checkpoint(ledger)), encoding="utf-8")
        head = ledger.head()
        receipts.append(receipt_for(head))
    result = verify_ledger(ledger_path(home), cp, receipts=receipts)
    assert result.ok, (name, result.problems)
    return Unit(home, cp, tuple(receipts), head.seq - 1, head.seq)


def history(factory: pytest.TempPathFactory, h: int) -> History:
    if h not in _BUILT:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("MISHEN_TEST_FAST_KDF", "1")
            mp.setattr(scanning, "_DEFAULT", [real_scanner])
            story = _Story(factory.mktemp(f"two-units-{h}"), random.Random(1000 + h))
            story.run(10)
            _BUILT[h] = History(_seal(story.a, "unit"), _seal(story.b, "office"), tuple(story.ops),
                                story.round_trips)
    return _BUILT[h]


# --- tampering ----------------------------------------------------------------------------------

def rows(conn: sqlite3.Connection) -> list[list[object]]:
    return [list(r) for r in conn.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq")]


def write_rows(conn: sqlite3.Connection, new: list[list[object]]) -> None:
    conn.execute("DELETE FROM events")
    for r in new:
        conn.execute(f"INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", r)
    last = new[-1]
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", (str(last[0]),))   # the careful attacker
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (str(last[6]),))


def keys_in_directory(conn: sqlite3.Connection) -> Iterator[tuple[str, KeySigner]]:
    """Every value in the file's meta, users and unit_keys tables (and every `:`/`$`-separated
    part of one) that reads as a raw 32-byte key, as a signer. The encrypted user and unit keys
    do not read as keys; the plain workstation key does."""
    seen: set[str] = set()
    for table in ("meta", "users", "unit_keys"):
        for row in conn.execute(f"SELECT * FROM {table}"):
            for cell in row:
                for part in re.split(r"[:$.,]", str(cell)):
                    if _HEX32.match(part) and part.lower() not in seen:
                        seen.add(part.lower())
                        yield f"{table}:{part[:8]}", KeySigner(WORKSTATION, private_key_from_raw(bytes.fromhex(part)))


def resign(r: list[object], signer: KeySigner) -> None:
    r[6] = event_digest(int(str(r[0])), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]))
    r[7] = signer.sign(bytes.fromhex(str(r[6])))


def edit_payload(text: str, rng: random.Random) -> str:
    payload = json.loads(text)
    if "statement" in payload and isinstance(payload["statement"], dict) and rng.random() < 0.5:
        st = payload["statement"]
        if "decision" in st:
            st["decision"] = "reject" if st["decision"] == "approve" else "approve"
        else:
            st["reason"] = "（改动）"
    elif "role" in payload and rng.random() < 0.5:
        payload["role"] = "principal" if payload["role"] != "principal" else "officer"
    else:
        payload["tampered"] = rng.random()
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Tampering:
    what: str
    k: int           # the first tampered seq
    exact: bool      # the chain alone must name k (or k-1 when `paired`)
    paired: bool     # the entry before k is a `user_added` separated from its co-signature
    detail: str = ""


def tamper(home: Path, rng: random.Random) -> Tampering:
    conn = sqlite3.connect(ledger_path(home), isolation_level=None)
    keys = list(keys_in_directory(conn))
    workstation_hex = conn.execute("SELECT value FROM meta WHERE key = 'workstation_key'").fetchone()[0]
    workstation_pub = public_key_hex(private_key_from_raw(bytes.fromhex(workstation_hex)))
    workstation = KeySigner(WORKSTATION, private_key_from_raw(bytes.fromhex(workstation_hex)))
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    old = rows(conn)
    n = len(old)
    new = [list(r) for r in old]
    what = rng.choice(["edit", "rehash", "resign", "resign", "delete", "truncate", "truncate", "reorder", "insert",
                       "swap_signatures", "forge_tail", "forge_tail"])
    if what == "forge_tail":
        return forge_tail(conn, old, workstation, rng)
    k = rng.randrange(2, n + (0 if what == "reorder" else 1))   # entry 1 is the genesis
    i = k - 1
    exact, detail = True, str(old[i][3])
    if what in ("edit", "rehash", "resign"):
        new[i][4] = edit_payload(str(new[i][4]), rng)
        if what == "rehash":
            resign(new[i], KeySigner(WORKSTATION, new_private_key()))
            new[i][7] = old[i][7]                       # new hash, old signature
        elif what == "resign":
            label, signer = ("meta:workstation_key", workstation) if rng.random() < 0.5 else \
                rng.choice([*keys, ("fresh", KeySigner(WORKSTATION, new_private_key()))])
            resign(new[i], signer)
            detail += f" re-signed with {label}"
            # a workstation record re-signed with the workstation key is valid by itself: the break
            # is the next entry's link (at the tail, only the receipt of the last entry sees it)
            exact = not (new[i][2] == WORKSTATION and signer.public_key == workstation_pub)
    elif what == "delete":
        del new[i]
        if k == n:
            what = "truncate"   # deleting the last entry is a truncation
    elif what == "truncate":
        new = new[:i]
    elif what == "reorder":
        new[i][0], new[i + 1][0] = new[i + 1][0], new[i][0]
        new[i], new[i + 1] = new[i + 1], new[i]
    elif what == "insert":   # a workstation-signed entry at k, everything after shifted by one
        forged: list[object] = [k, str(new[i - 1][1]), WORKSTATION, rng.choice(["note", "checkpoint_issued"]),
                                json.dumps({"note": "inserted", "seq": k - 1, "hash": str(new[i - 1][6])}),
                                str(new[i - 1][6]), "", ""]
        resign(forged, workstation)
        for r in new[i:]:
            r[0] = int(str(r[0])) + 1
        new.insert(i, forged)
        exact = False        # the inserted entry may be well formed; the shifted one after it is not
    else:  # swap the signatures of two entries
        j = rng.randrange(2, n + 1) - 1
        if j == i:
            j = i - 1 if i > 1 else i + 1
        new[i][7], new[j][7] = new[j][7], new[i][7]
        k = min(k, j + 1)
        detail = f"{old[i][3]}<->{old[j][3]}"
        if new[i][7] == new[j][7]:
            what = "noop"
    paired = old[k - 2][3] == "user_added"
    _finish(conn, new)
    return Tampering(what, k, exact, paired, detail)


def _finish(conn: sqlite3.Connection, new: list[list[object]]) -> None:
    write_rows(conn, new)
    for stmt in MIGRATIONS[1]:
        if "CREATE TRIGGER" in stmt:
            conn.execute(stmt)
    conn.close()


PROTECTED = ("signed", "finding_waived", "user_imported", "package_imported")


def forge_tail(conn: sqlite3.Connection, old: list[list[object]], workstation: KeySigner,
               rng: random.Random) -> Tampering:
    """The strongest rewrite the plain workstation key allows: in the run of workstation-signed
    entries at the end of the ledger (after the round trip: the package export, the imported
    roster and level-4 sign-off, the re-export, the checkpoint record), edit one entry and re-sign
    it and every later one with the workstation key, links and head fixed. What the imported
    entries carry is signed by the other unit (rosters, statements): changing it is named at that
    entry. Anything else the workstation key alone vouches for only a receipt or checkpoint
    taken afterwards can show (`exact` False)."""
    n = len(old)
    s = n
    while s > 2 and old[s - 2][2] == WORKSTATION:
        s -= 1
    k = rng.randrange(s, n + 1)
    new = [list(r) for r in old]
    i = k - 1
    kind = str(new[i][3])
    payload = json.loads(str(new[i][4]))
    if k < n and rng.random() < 0.25:   # drop an entry of the tail, renumber and re-sign the rest
        del new[i]
        for j in range(i, n - 1):
            new[j][0] = int(str(new[j][0])) - 1
            new[j][5] = new[j - 1][6]
            resign(new[j], workstation)
        _finish(conn, new)
        return Tampering("forge_tail", k, False, False, f"{kind}:deleted")
    if kind in ("signed", "finding_waived") and payload.get("imported_from"):
        how = rng.choice(["opinion", "decision", "level", "imported_unit", "local", "signer"])
        st = payload["statement"]
        if how == "opinion":
            st["opinion"] = "同意发布（改）"
        elif how == "decision":
            st["decision"] = "reject" if st.get("decision") == "approve" else "approve"
        elif how == "level":
            st["level"] = 3
        elif how == "imported_unit":
            payload["imported_unit"] = "市应急局"
        elif how == "local":          # pass the office's sign-off off as a local one
            payload.pop("imported_from")
            payload.pop("imported_unit", None)
        else:                         # a local principal's name on the office's statement
            st["signer"], st["signer_role"] = "zhang_zy", "principal"
    elif kind == "user_imported":
        how = rng.choice(["role", "name", "drop_roster"])
        user = payload["users"][0]
        if how == "role":
            user["role"] = "principal"
        elif how == "name":
            user["name"] = "zhang_zy"
        else:
            payload["rosters"] = []
    elif kind == "package_imported":
        how = "inner_statement"
        inner = next(e for e in payload["events"] if e["kind"] in ("signed", "finding_waived"))
        body = json.loads(inner["payload"])
        body["statement"]["opinion"] = "审核通过，可以发布（改）"
        inner["payload"] = json.dumps(body, ensure_ascii=False)
    else:
        how = "neutral"
        payload["tampered"] = rng.random()
    new[i][4] = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for j in range(i, n):
        new[j][5] = new[j - 1][6]
        resign(new[j], workstation)
    _finish(conn, new)
    return Tampering("forge_tail", k, kind in PROTECTED, old[k - 2][3] == "user_added", f"{kind}:{how}")


def test_histories_are_legal_and_hold_a_round_trip(tmp_path_factory: pytest.TempPathFactory) -> None:
    for h in range(HISTORIES):
        story = history(tmp_path_factory, h)
        assert story.round_trips >= 1, story.ops
        for unit in (story.unit, story.office):
            assert verify_ledger(ledger_path(unit.home), unit.checkpoint, receipts=unit.receipts).ok
        with Ledger.open(story.unit.home) as ledger:
            kinds = {e.kind for e in ledger.events()}
        assert {"user_added", "signed", "package_exported", "user_imported", "checkpoint_issued"} <= kinds, kinds
        with Ledger.open(story.office.home) as ledger:
            kinds = {e.kind for e in ledger.events()}
        assert {"peer_added", "package_imported", "signed", "package_exported"} <= kinds, kinds


@pytest.mark.parametrize("seed", SEEDS)
def test_random_tampering_of_one_unit_is_caught(seed: int, tmp_path_factory: pytest.TempPathFactory,
                                                tmp_path: Path) -> None:
    rng = random.Random(seed)
    story = history(tmp_path_factory, seed % HISTORIES)
    unit = story.unit if rng.random() < 0.65 else story.office
    home = tmp_path / unit.home.name
    shutil.copytree(unit.home, home)
    t = tamper(home, rng)
    if t.what == "noop":
        pytest.skip("the two signatures were identical")
    low = t.k - 1 if t.paired else t.k
    where = (unit.home.name, t)
    alone = verify_ledger(ledger_path(home))
    with_cp = verify_ledger(ledger_path(home), unit.checkpoint)
    kept = verify_ledger(ledger_path(home), unit.checkpoint, receipts=unit.receipts)
    assert not kept.ok, where
    if t.what == "truncate":
        # the chain alone cannot see a careful truncation (unless users it registered are left in
        # the users table); the checkpoint names the first lost entry, the receipt of the last
        # entry also covers the checkpoint's own record
        assert alone.ok or {p.code for p in alone.problems} <= {"users", "unapproved"}, (where, alone.problems)
        if t.k <= unit.checkpoint_seq:
            assert not with_cp.ok and with_cp.first_bad in (low, t.k), (where, with_cp.problems)
        assert kept.first_bad in (low, t.k), (where, kept.problems)
        assert any(p.code == "truncated" for p in kept.problems), (where, kept.problems)
    elif t.what == "forge_tail" and not t.exact:
        # the limit the plain workstation key leaves: the receipt of the last entry (and the
        # checkpoint, for entries it covers) names the rewrite; the chain alone cannot
        tail = verify_ledger(ledger_path(home), receipts=unit.receipts[-1:])
        assert any(p.code in ("rewritten", "truncated") and p.seq == unit.entries for p in tail.problems), \
            (where, tail.problems)
        if t.k <= unit.checkpoint_seq:
            assert not with_cp.ok and with_cp.first_bad == unit.checkpoint_seq, (where, with_cp.problems)
    elif t.exact:
        assert not alone.ok and alone.first_bad in (low, t.k), (where, alone.problems)
        assert kept.first_bad in (low, t.k), (where, kept.problems)
    else:
        assert kept.first_bad is not None and low <= kept.first_bad <= t.k + 1, (where, kept.problems)
