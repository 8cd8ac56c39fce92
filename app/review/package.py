"""Review packages across units: one signed JSON file carrying the document, its pinned scan
reports, that review's ledger entries and the signers' public keys.

`export_package` writes it; `import_package` verifies everything (outer signature, every entry's
hash and signature, every sign-off statement, the document's hash, each scan report's hash) and
refuses anything altered. A workstation that does not know the review records it as
`package_imported`; the originating workstation takes the other office's new sign-offs and
waivers into its own chain (gating rules apply again)."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.exports.atomic import atomic_write_bytes
from app.ledger.canonical import canonical_bytes, canonical_json, sha256_hex
from app.ledger.crypto import verify_signature
from app.ledger.model import WORKSTATION, LedgerEvent
from app.ledger.store import Ledger
from app.review.documents import read_stored, store_document
from app.review.gating import Verdict, check_sign, check_waive
from app.review.model import Decision, Review
from app.review.projection import ReviewError, project
from app.review.scanning import report_sha256
from app.review.service import load_review
from app.users.model import Role

FORMAT = "mishen-review-package"


class PackageError(ReviewError):
    code = "package_invalid"


@dataclass(frozen=True, slots=True)
class ImportResult:
    review_id: str
    new_review: bool
    imported: int          # sign-offs and waivers taken into the chain
    message: str


def _users_for(ledger: Ledger, events: list[LedgerEvent]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(local user_added entries, foreign users known from earlier imports) for every signer."""
    names = {e.actor for e in events if e.actor != WORKSTATION}
    local = [e.to_json() for e in ledger.events(kinds=("user_added",)) if e.payload.get("name") in names]
    foreign: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.kind == "package_imported":
            for u in e.payload.get("users", []):
                foreign[str(u["public_key"])] = u
    return local, list(foreign.values())


def export_package(ledger: Ledger, review_id: str, output: str | os.PathLike[str]) -> Path:
    review = load_review(ledger, review_id)
    events = ledger.events(review_id=review.id)
    local_users, foreign_users = _users_for(ledger, events)
    genesis = ledger.event(1)
    assert genesis is not None
    data = read_stored(ledger.data_dir, review.current.sha256)
    signer = ledger.workstation_signer()
    head = ledger.head()
    body = {"review_id": review.id, "origin_ledger": ledger.ledger_id, "public_key": signer.public_key,
            "head": {"seq": head.seq, "hash": head.hash}, "genesis": genesis.to_json(),
            "events": [e.to_json() for e in events], "user_events": local_users, "foreign_users": foreign_users,
            "document": {"sha256": review.current.sha256, "data": base64.b64encode(data).decode("ascii")}}
    package = {"format": FORMAT, "version": 1, "body": body, "signature": signer.sign(canonical_bytes(body))}
    raw = canonical_json(package).encode("utf-8")
    path = atomic_write_bytes(Path(output), raw)
    with ledger.transaction() as tx:
        tx.append("package_exported", {"review_id": review.id, "file": path.name, "sha256": sha256_hex(raw),
                                       "head_seq": head.seq, "head_hash": head.hash}, signer)
    return path


# --- verification -----------------------------------------------------------------------------

def _bad(message: str) -> PackageError:
    return PackageError(f"审核包无效，已拒绝导入：{message}", code="package_invalid")


def _verify_entries(raw_events: list[Any], workstation_key: str, users: dict[str, str],
                    foreign_keys: set[str]) -> list[LedgerEvent]:
    """Every entry's hash and signature; every statement's signature; recursively for packages
    that were themselves imported."""
    out: list[LedgerEvent] = []
    for raw in raw_events:
        ev = LedgerEvent.from_json(raw)
        if ev.recompute_hash() != ev.hash:
            raise _bad(f"第 {ev.seq} 条记录的内容与哈希值不符")
        key = workstation_key if ev.actor == WORKSTATION else users.get(ev.actor)
        if key is None or not verify_signature(key, ev.signature, bytes.fromhex(ev.hash)):
            raise _bad(f"第 {ev.seq} 条记录的签名无效（{ev.actor}）")
        payload = ev.payload
        statement = payload.get("statement")
        if isinstance(statement, dict):
            signer_key = str(statement.get("signer_key"))
            if users.get(str(statement.get("signer"))) != signer_key and signer_key not in foreign_keys:
                raise _bad(f"第 {ev.seq} 条签署意见的签署人公钥未登记")
            if not verify_signature(signer_key, str(payload.get("statement_signature")), canonical_bytes(statement)):
                raise _bad(f"第 {ev.seq} 条签署意见的签名无效")
        if ev.kind == "scan_recorded" and report_sha256(payload["report"]) != payload.get("report_sha256"):
            raise _bad(f"第 {ev.seq} 条扫描报告与其哈希值不符")
        if ev.kind == "package_imported":
            inner_users = {str(u["name"]): str(u["public_key"]) for u in payload.get("local_users", [])}
            inner_foreign = {str(u["public_key"]) for u in payload.get("users", [])}
            _verify_entries(list(payload.get("events", [])), str(payload.get("public_key")), inner_users,
                            inner_foreign)
        out.append(ev)
    return out


def read_package(path: str | os.PathLike[str]) -> tuple[dict[str, Any], bytes, str]:
    """Verify a package file; returns (body, document bytes, package sha256). Raises PackageError."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PackageError(f"无法读取审核包 {path}：{exc.strerror or exc}", code="unreadable") from exc
    try:
        package = json.loads(raw.decode("utf-8"))
        body, signature = package["body"], package["signature"]
        if package.get("format") != FORMAT:
            raise _bad("不是密审审核包")
        if not verify_signature(str(body["public_key"]), str(signature), canonical_bytes(body)):
            raise _bad("包的签名无效（文件被改动）")
        genesis = LedgerEvent.from_json(body["genesis"])
        if genesis.recompute_hash() != genesis.hash or genesis.payload.get("public_key") != body["public_key"] \
                or genesis.payload.get("ledger_id") != body["origin_ledger"]:
            raise _bad("来源台帐的身份记录不符")
        users: dict[str, str] = {}
        for raw_user in body["user_events"]:
            ev = LedgerEvent.from_json(raw_user)
            key = str(ev.payload.get("public_key"))
            if ev.kind != "user_added" or ev.recompute_hash() != ev.hash or \
                    not verify_signature(key, ev.signature, bytes.fromhex(ev.hash)):
                raise _bad(f"用户“{ev.actor}”的登记记录无效")
            users[ev.actor] = key
        foreign = {str(u["public_key"]) for u in body["foreign_users"]}
        _verify_entries(list(body["events"]), str(body["public_key"]), users, foreign)
        data = base64.b64decode(body["document"]["data"], validate=True)
    except PackageError:
        raise
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise _bad(f"文件格式错误（{type(exc).__name__}）") from exc
    if sha256_hex(data) != body["document"]["sha256"]:
        raise _bad("文稿内容与其哈希值不符")
    return body, data, sha256_hex(raw)


def _signer_users(body: dict[str, Any]) -> list[dict[str, Any]]:
    out = [{"name": LedgerEvent.from_json(e).actor, **{k: LedgerEvent.from_json(e).payload.get(k)
                                                       for k in ("role", "unit", "public_key")},
            "ledger_id": body["origin_ledger"]} for e in body["user_events"]]
    return out + list(body["foreign_users"])


# --- import -----------------------------------------------------------------------------------

def import_package(ledger: Ledger, path: str | os.PathLike[str]) -> ImportResult:
    body, data, package_sha = read_package(path)
    if body["origin_ledger"] == ledger.ledger_id:
        raise PackageError("这是本机导出的审核包，无需导入。", code="own_package")
    review_id = str(body["review_id"])
    events = [LedgerEvent.from_json(e) for e in body["events"]]
    remote = project(review_id, events)
    if remote.current.sha256 != body["document"]["sha256"]:
        raise _bad("包内文稿不是审核单的当前版本")
    store_document(ledger.data_dir, data)
    signer = ledger.workstation_signer()
    users = _signer_users(body)
    with ledger.transaction() as tx:
        known = ledger.events(review_id=review_id)
        if not known:
            tx.append("user_imported", {"origin_ledger": body["origin_ledger"], "users": users}, signer)
            local_users = [{"name": LedgerEvent.from_json(e).actor,
                            "public_key": LedgerEvent.from_json(e).payload.get("public_key")}
                           for e in body["user_events"]]
            tx.append("package_imported", {
                "review_id": review_id, "origin_ledger": body["origin_ledger"], "public_key": body["public_key"],
                "head": body["head"], "package_sha256": package_sha, "events": body["events"],
                "local_users": local_users, "users": users}, signer)
            msg = (f"已导入审核单 {review_id}（{remote.title}），来源台帐 {body['origin_ledger']}，"
                   f"来源末条第 {body['head']['seq']} 条。")
            return ImportResult(review_id, True, 0, msg)
        local = load_review(ledger, review_id)
        count = _take_statements(tx, ledger, local, events, users, body, signer)
    if count == 0:
        return ImportResult(review_id, False, 0, "审核包中没有新的签署或豁免记录。")
    return ImportResult(review_id, False, count, f"已将 {count} 条外单位签署/豁免记录并入本机台帐（审核单 {review_id}）。")


def _take_statements(tx: Any, ledger: Ledger, local: Review, events: list[LedgerEvent],
                     users: list[dict[str, Any]], body: dict[str, Any], signer: Any) -> int:
    seen = {s.signature for s in local.signoffs} | {w.signature for w in local.waivers}
    by_key = {str(u["public_key"]): u for u in users}
    fresh = [e for e in events if e.kind in ("signed", "finding_waived")
             and str(e.payload.get("statement_signature")) not in seen]
    if not fresh:
        return 0
    tx.append("user_imported", {"origin_ledger": body["origin_ledger"], "users": users}, signer)
    review = local
    count = 0
    for ev in fresh:
        st = ev.payload["statement"]
        who = by_key.get(str(st["signer_key"]))
        if who is None:
            raise _bad("签署人未登记")
        if st["document_sha256"] != review.current.sha256 or st["scan_report_sha256"] != review.current.report_sha256:
            raise PackageError("审核包中的签署针对的文稿或扫描报告与本机审核单的当前版本不符，已拒绝导入。",
                               code="version_mismatch")
        role = Role(str(who["role"]))
        verdict: Verdict
        if ev.kind == "signed":
            verdict = check_sign(review, int(st["level"]), role, Decision(st["decision"]), str(st.get("opinion", "")))
        else:
            verdict = check_waive(review, str(st["finding_id"]), role, str(st.get("reason", "")))
        if not verdict.allowed:
            raise PackageError(f"外单位的签署不符合审核规则，已拒绝导入：{verdict.reason}", code=verdict.code)
        tx.append(ev.kind, {"review_id": review.id, "statement": st,
                            "statement_signature": ev.payload["statement_signature"],
                            "imported_from": body["origin_ledger"], "origin_event_hash": ev.hash}, signer)
        count += 1
        review = load_review(ledger, review.id)
    return count
