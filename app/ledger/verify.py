"""`ledger verify`: recompute the whole chain and every signature; name the first bad entry.
Truncation of the tail is detected against the recorded head and against a signed checkpoint."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.ledger.canonical import canonical_bytes, now_iso
from app.ledger.clock_checks import DEEMED, clock_checks
from app.ledger.crypto import verify_signature
from app.ledger.errors import LedgerError
from app.ledger.model import GENESIS_HASH, WORKSTATION, LedgerEvent
from app.ledger.policy import PolicyState, check_policy, finish
from app.ledger.receipt import parse_receipt
from app.ledger.schema import REQUIRED_TRIGGERS
from app.ledger.store import _COLUMNS, Ledger, connect_read_only, row_to_event
from app.ledger.trust import TrustState, check_trust

CHECKPOINT_FORMAT = "mishen-checkpoint"


@dataclass(frozen=True, slots=True)
class Problem:
    code: str          # edited, missing, relinked, bad_signature, unknown_actor, truncated, triggers, users…
    message: str       # Chinese
    seq: int | None = None


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    head_seq: int
    head_hash: str
    ledger_id: str
    problems: tuple[Problem, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())   # not tampering: e.g. users added under an older rule

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None


@dataclass
class KeyRing:
    """Public keys as the chain itself declares them."""

    users: dict[str, str] = field(default_factory=dict)            # local user name -> key
    foreign: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> {name, role, unit, ledger_id}
    policy: PolicyState = field(default_factory=PolicyState)

    def key_for(self, actor: str) -> str | None:
        return self.users.get(actor)


def check_event(ev: LedgerEvent, ring: KeyRing) -> Problem | None:
    """Signature checks for one entry whose hash and link are already known to be right; updates
    the key ring from user_added / user_imported / ledger_created entries."""
    try:
        payload = ev.payload
    except ValueError:
        return Problem("edited", f"第 {ev.seq} 条记录的内容不是有效的 JSON", ev.seq)
    digest = bytes.fromhex(ev.hash)
    if ev.kind == "ledger_created":
        if ev.seq != 1 or ev.actor != WORKSTATION or WORKSTATION in ring.users:
            return Problem("inserted", f"第 {ev.seq} 条是多余的“台帐创建”记录", ev.seq)
        ring.users[WORKSTATION] = str(payload.get("public_key", ""))
    elif ev.kind == "user_added":
        name = str(payload.get("name", ""))
        if ev.actor != name or name in ring.users:
            return Problem("inserted", f"第 {ev.seq} 条“添加用户”记录无效（用户重复或签署人不符）", ev.seq)
        ring.users[name] = str(payload.get("public_key", ""))
    key = ring.key_for(ev.actor)
    if key is None:
        return Problem("unknown_actor", f"第 {ev.seq} 条记录的签署人“{ev.actor}”不在台帐的用户记录中", ev.seq)
    if not verify_signature(key, ev.signature, digest):
        return Problem("bad_signature", f"第 {ev.seq} 条记录的签名无效（{ev.actor}）", ev.seq)
    if ev.kind == "user_imported":
        for user in payload.get("users", []):
            ring.foreign[str(user.get("public_key"))] = dict(user)
    statement = payload.get("statement")
    if isinstance(statement, dict):
        signer_key = str(statement.get("signer_key", ""))
        signer = str(statement.get("signer", ""))
        if payload.get("imported_from"):
            known = ring.foreign.get(signer_key)
            if known is None or known.get("name") != signer:
                return Problem("unknown_actor", f"第 {ev.seq} 条导入的签署意见来自未登记的公钥", ev.seq)
        elif ring.users.get(signer) != signer_key:
            return Problem("bad_signature", f"第 {ev.seq} 条签署意见的签署人公钥与用户记录不符", ev.seq)
        if not verify_signature(signer_key, str(payload.get("statement_signature", "")), canonical_bytes(statement)):
            return Problem("bad_signature", f"第 {ev.seq} 条签署意见的签名无效（{signer}）", ev.seq)
    return None


def trust_problem(ev: LedgerEvent, trust: TrustState) -> Problem | None:
    """Peers and imported entries (app.ledger.trust): entitled signer, chains to a registered peer."""
    found = check_trust(ev, trust)
    return None if found is None else Problem(found[0], found[1], ev.seq)


def verify_events(events: list[LedgerEvent] | Any, start_hash: str = GENESIS_HASH) -> tuple[int, str, Problem | None, KeyRing]:
    """Walk entries in order: sequence, links, hashes, signatures, trust anchors and the unit's
    rules (app.ledger.policy). Returns (count, head hash, first problem, key ring); the key ring
    carries the policy state (notes) in `ring.policy`."""
    ring = KeyRing()
    trust = TrustState()
    policy = ring.policy
    expected, prev_hash, count = 1, start_hash, 0
    for ev in events:
        count += 1
        if ev.seq != expected:
            if ev.seq > expected:
                return count, prev_hash, Problem("missing", f"第 {expected} 条记录缺失（被删除；其后为第 {ev.seq} 条）", expected), ring
            return count, prev_hash, Problem("reordered", f"第 {ev.seq} 条记录顺序错误", ev.seq), ring
        if ev.prev_hash != prev_hash:
            return count, prev_hash, Problem("relinked", f"第 {ev.seq} 条记录与前一条不衔接（被插入、调换或改动）", ev.seq), ring
        if ev.recompute_hash() != ev.hash:
            return count, prev_hash, Problem("edited", f"第 {ev.seq} 条记录的内容与其哈希值不符（被改动）", ev.seq), ring
        problem = check_event(ev, ring) or trust_problem(ev, trust) or policy_problem(ev, policy)
        if problem is not None:
            return count, prev_hash, problem, ring
        expected, prev_hash = ev.seq + 1, ev.hash
    last = finish(policy)
    return count, prev_hash, None if last is None else Problem(last.code, last.message, last.seq), ring


def policy_problem(ev: LedgerEvent, policy: PolicyState) -> Problem | None:
    """Entitlement under the unit's rules: co-signed users, roles per route level, revocation."""
    found = check_policy(ev, policy)
    return None if found is None else Problem(found.code, found.message, found.seq)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise LedgerError(f"找不到台帐数据库：{path}", code="no_ledger")
    try:
        conn = connect_read_only(path, 10)  # also in a read-only directory (no -wal/-shm written there)
    except sqlite3.Error as exc:
        raise LedgerError(f"无法打开台帐数据库 {path}：{exc}", code="ledger_corrupt") from exc
    return conn


def verify_ledger(path: str | os.PathLike[str], checkpoint: str | os.PathLike[str] | None = None,
                  receipts: Sequence[str] = ()) -> VerifyResult:
    """Verify the ledger file at `path` (read-only). Raises LedgerError when it cannot be read at
    all or the checkpoint file is unusable, UsageError for a malformed receipt (exit code 2);
    tampering is reported in the result. `receipts` (`#seq-hashprefix`, kept on paper) must still
    name entries of this ledger: a truncated or rewritten ledger no longer holds them."""
    wanted = [parse_receipt(r) for r in receipts]
    conn = _connect_readonly(Path(path))
    try:
        try:
            rows = (row_to_event(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM events ORDER BY seq"))
            count, _, problem, ring = verify_events(rows)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            head_row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            clock_rows = conn.execute("SELECT seq, kind, time, CASE WHEN kind = ? THEN payload ELSE '' END "
                                      "FROM events ORDER BY seq", (DEEMED,)).fetchall()
            triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
            users = conn.execute("SELECT name, role, unit, public_key, added_seq FROM users").fetchall()
            held = {r.seq: conn.execute("SELECT hash FROM events WHERE seq = ?", (r.seq,)).fetchone() for r in wanted}
            added = {}
            for seq, text in conn.execute("SELECT seq, payload FROM events WHERE kind = 'user_added'"):
                p = json.loads(text)
                added[p.get("name")] = {**p, "_seq": seq}
        except sqlite3.Error as exc:
            raise LedgerError(f"读取台帐数据库失败：{exc}", code="ledger_corrupt") from exc
    finally:
        conn.close()
    head_seq, actual_head = (int(head_row[0]), str(head_row[1])) if head_row else (0, GENESIS_HASH)
    problems: list[Problem] = [problem] if problem else []
    recorded = int(meta.get("head_seq", 0) or 0)
    if recorded > head_seq:
        problems.append(Problem("truncated", f"台帐末尾被截断：记录的末条为第 {recorded} 条，现仅到第 {head_seq} 条",
                                head_seq + 1))
    elif recorded != head_seq or meta.get("head_hash", GENESIS_HASH) != actual_head:
        problems.append(Problem("head_mismatch", f"台帐记录的末条（第 {recorded} 条）与实际末条（第 {head_seq} 条）不符",
                                min(recorded, head_seq) or None))
    missing = [t for t in REQUIRED_TRIGGERS if t not in triggers]
    if missing:
        problems.append(Problem("triggers", f"防改动触发器被删除：{', '.join(missing)}"))
    for name, role, unit, key, added_seq in users:
        rec = added.get(name)
        if rec is None or (rec.get("role"), rec.get("unit"), rec.get("public_key"), rec.get("_seq")) != (
                role, unit, key, added_seq):
            problems.append(Problem("users", f"用户表中“{name}”的角色、单位或公钥与台帐记录不符（被改动）"))
    for r in wanted:
        row = held[r.seq]
        if row is None:
            problems.append(Problem("truncated", f"回执 {r} 的第 {r.seq} 条记录已不在台帐中（台帐被截断；现仅到第 {head_seq} 条）",
                                    min(r.seq, head_seq + 1)))
        elif not r.matches(str(row[0])):
            problems.append(Problem("rewritten", f"第 {r.seq} 条记录的哈希与回执 {r} 不符（该条或其之前的记录被改写）", r.seq))
    ledger_id = str(meta.get("ledger_id", ""))
    if checkpoint is not None:
        problems.extend(_check_checkpoint(Path(checkpoint), ledger_id, ring, Path(path)))
    clock_problems, clock_notes = clock_checks(clock_rows)
    problems.extend(Problem(code, message, seq) for code, message, seq in clock_problems)
    return VerifyResult(count, head_seq, actual_head, ledger_id, tuple(problems),
                        (*ring.policy.notes, *clock_notes))


def _check_checkpoint(cp_path: Path, ledger_id: str, ring: KeyRing, path: Path) -> list[Problem]:
    cp = read_checkpoint(cp_path)
    if cp["ledger_id"] != ledger_id:
        raise LedgerError(f"检查点 {cp_path} 属于另一本台帐（{cp['ledger_id']}），不能用于核验本台帐。",
                          code="checkpoint_mismatch")
    if ring.users.get(WORKSTATION) not in (None, cp["public_key"]):
        return [Problem("checkpoint", "检查点的签名密钥与本台帐的工作站密钥不符")]
    seq, want = int(cp["seq"]), str(cp["hash"])
    conn = _connect_readonly(path)
    try:
        row = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
        last = conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
    finally:
        conn.close()
    if row is None:
        return [Problem("truncated", f"台帐被截断：检查点记录到第 {seq} 条，现仅到第 {last} 条", min(seq, last + 1))]
    if row[0] != want:
        return [Problem("checkpoint", f"第 {seq} 条记录与检查点不符（检查点之前的记录被改写）", seq)]
    return []


def read_checkpoint(cp_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(cp_path.read_text(encoding="utf-8"))
        body, signature = data["checkpoint"], data["signature"]
        ok = verify_signature(body["public_key"], signature, canonical_bytes(body))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LedgerError(f"无法读取检查点文件 {cp_path}：{exc}", code="checkpoint_unreadable") from exc
    if not ok or body.get("format") != CHECKPOINT_FORMAT:
        raise LedgerError(f"检查点文件 {cp_path} 的签名无效（文件被改动）。", code="checkpoint_invalid")
    return dict(body)


def make_checkpoint(ledger: Ledger) -> dict[str, Any]:
    """A signed statement of the current head, and a `checkpoint_issued` entry recording it."""
    signer = ledger.workstation_signer()
    with ledger.transaction() as tx:
        head = tx.head
        body = {"format": CHECKPOINT_FORMAT, "version": 1, "ledger_id": ledger.ledger_id, "seq": head.seq,
                "hash": head.hash, "time": now_iso(), "public_key": signer.public_key}
        tx.append("checkpoint_issued", {"seq": head.seq, "hash": head.hash}, signer)
    return {"checkpoint": body, "signature": signer.sign(canonical_bytes(body))}
