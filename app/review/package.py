"""Review packages across units: one JSON file carrying the document, its pinned scan reports,
that review's ledger entries, the signers' registrations and signed rosters, signed as a whole by
the exporting unit's identity key (so exporting needs the 保密管理员: `--by ADMIN`).

Trust: a package is accepted only from a peer registered on purpose (`mishen peers add`), and every
sign-off or waiver in it must be by a user listed in a roster signed by a registered peer (or this
unit). Imported signers are kept apart from local users (shown as 外单位); a level that belongs to
the review's home unit (every level whose roles are not all 市政府办公室) and every waiver can only
come from the home unit. `read_package` verifies everything (size and nesting bounds, outer
signature, every entry's hash and signature, every statement, the document's and scan reports'
hashes) and refuses anything altered. A workstation that does not know the review records it as
`package_imported`; one that does takes the other unit's new sign-offs into its own chain (gating
rules apply again)."""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.exports.atomic import atomic_write_bytes
from app.ledger.canonical import canonical_bytes, canonical_json, sha256_hex
from app.ledger.crypto import verify_signature
from app.ledger.model import WORKSTATION, LedgerEvent
from app.ledger.store import Ledger
from app.ledger.trust import (
    EXTERNAL_ROLES,
    ROSTER_FORMAT,
    fingerprint,
    roster_users,
    roster_valid,
    statements,
)
from app.peers.identity import UnitIdentity, unit_public_key
from app.peers.service import find_peer
from app.review.documents import read_stored, store_document
from app.review.gating import Verdict, check_sign, check_waive
from app.review.model import Decision, FindingDecision, Review
from app.review.projection import ReviewError, project
from app.review.routes import Level
from app.review.scanning import report_sha256
from app.review.service import load_review
from app.users.model import Role

FORMAT = "mishen-review-package"
VERSION = 2
MAX_PACKAGE_BYTES = 256 * 1024 * 1024   # the document travels base64-encoded inside
MAX_DEPTH = 64                          # JSON nesting; real packages need about 12


class PackageError(ReviewError):
    code = "package_invalid"


@dataclass(frozen=True, slots=True)
class ImportResult:
    review_id: str
    new_review: bool
    imported: int          # sign-offs and waivers taken into the chain
    message: str


def level_is_local(level: Level | None) -> bool:
    """A level belongs to the review's home unit unless every role that may sign it is another
    unit's (市政府办公室); routes decide per level through the roles they name."""
    return level is None or not {r.value for r in level.roles} <= EXTERNAL_ROLES  # same rule as ledger verify


def _roster(ledger: Ledger, unit: UnitIdentity, names: set[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(user_added entries, signed roster) for the local users among `names`."""
    added = [e for e in ledger.events(kinds=("user_added",)) if e.payload.get("name") in names]
    roster = {"format": ROSTER_FORMAT, "version": 1, "ledger_id": ledger.ledger_id, "unit_key": unit.public_key,
              "unit_name": unit.unit_name,
              "users": [{k: e.payload.get(k) for k in ("name", "role", "unit", "public_key")} for e in added]}
    return [e.to_json() for e in added], {"roster": roster, "signature": unit.signer.sign(canonical_bytes(roster))}


def _carried_rosters(events: list[LedgerEvent], own_key: str) -> list[dict[str, Any]]:
    """Signed rosters of other units recorded with this review (re-export after a merge)."""
    out: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.kind in ("user_imported", "package_imported"):
            for item in e.payload.get("rosters", []):
                roster = roster_valid(item)
                if roster is not None and roster.get("unit_key") != own_key:
                    out[str(item["signature"])] = item
    return list(out.values())


def export_package(ledger: Ledger, review_id: str, output: str | os.PathLike[str], unit: UnitIdentity) -> Path:
    """Write the package signed by this unit's identity key (`app.peers.unlock_unit`)."""
    review = load_review(ledger, review_id)
    events = ledger.events(review_id=review.id)
    names = {e.actor for e in events if e.actor != WORKSTATION}
    names |= {str(st.get("signer")) for e in events for st in [e.payload.get("statement")]
              if isinstance(st, dict) and not e.payload.get("imported_from")}
    user_events, own_roster = _roster(ledger, unit, names)
    genesis = ledger.event(1)
    assert genesis is not None
    data = read_stored(ledger.data_dir, review.current.sha256)
    system = ledger.workstation_signer()
    head = ledger.head()
    body = {"review_id": review.id, "origin_ledger": ledger.ledger_id, "public_key": system.public_key,
            "unit": {"public_key": unit.public_key, "unit_name": unit.unit_name, "fingerprint": unit.fingerprint},
            "head": {"seq": head.seq, "hash": head.hash}, "genesis": genesis.to_json(),
            "events": [e.to_json() for e in events], "user_events": user_events,
            "rosters": [own_roster, *_carried_rosters(events, unit.public_key)],
            "document": {"sha256": review.current.sha256, "data": base64.b64encode(data).decode("ascii")}}
    package = {"format": FORMAT, "version": VERSION, "body": body, "signature": unit.signer.sign(canonical_bytes(body))}
    raw = canonical_json(package).encode("utf-8")
    path = atomic_write_bytes(Path(output), raw)
    with ledger.transaction() as tx:
        tx.append("package_exported", {"review_id": review.id, "file": path.name, "sha256": sha256_hex(raw),
                                       "head_seq": head.seq, "head_hash": head.hash,
                                       "unit_key": unit.public_key, "by": unit.admin.name}, system)
    return path


# --- verification -----------------------------------------------------------------------------

def _bad(message: str) -> PackageError:
    return PackageError(f"审核包无效，已拒绝导入：{message}", code="package_invalid")


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: linear, 0.15 s for 40 MB
_BRACKET = re.compile(rb"[\[\]{}]")


def check_depth(raw: bytes, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` before parsing it (no recursion, strings skipped)."""
    depth = 0
    for m in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        if depth > limit:
            raise _bad(f"JSON 嵌套超过 {limit} 层，不是密审审核包")


def _verify_entries(raw_events: list[Any], workstation_key: str, users: dict[str, str],
                    roster_keys: set[str]) -> list[LedgerEvent]:
    """Every entry's hash and signature; every statement's signature and signer (a user of the
    origin or of a roster in the package); recursively for packages that were themselves imported."""
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
            if users.get(str(statement.get("signer"))) != signer_key and signer_key not in roster_keys:
                raise _bad(f"第 {ev.seq} 条签署意见的签署人公钥未登记")
            if not verify_signature(signer_key, str(payload.get("statement_signature")), canonical_bytes(statement)):
                raise _bad(f"第 {ev.seq} 条签署意见的签名无效")
        if ev.kind == "scan_recorded" and report_sha256(payload["report"]) != payload.get("report_sha256"):
            raise _bad(f"第 {ev.seq} 条扫描报告与其哈希值不符")
        if ev.kind == "package_imported":
            inner_users = {str(u["name"]): str(u["public_key"]) for u in payload.get("local_users", [])}
            _verify_entries(list(payload.get("events", [])), str(payload.get("public_key")), inner_users, roster_keys)
        out.append(ev)
    return out


def read_package(path: str | os.PathLike[str]) -> tuple[dict[str, Any], bytes, str]:
    """Verify a package file; returns (body, document bytes, package sha256). Raises PackageError.
    Says nothing about whether the sender is trusted: that is `import_package`."""
    try:
        size = os.stat(path).st_size
        if size > MAX_PACKAGE_BYTES:
            raise _bad(f"文件过大（{size // (1024 * 1024)} MiB，上限 {MAX_PACKAGE_BYTES // (1024 * 1024)} MiB）")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_PACKAGE_BYTES + 1)
    except OSError as exc:
        raise PackageError(f"无法读取审核包 {path}：{exc.strerror or exc}", code="unreadable") from exc
    if len(raw) > MAX_PACKAGE_BYTES:
        raise _bad("文件过大")
    check_depth(raw)
    try:
        package = json.loads(raw.decode("utf-8"))
        if not isinstance(package, dict) or package.get("format") != FORMAT:
            raise _bad("不是密审审核包")
        if package.get("version") != VERSION:
            raise _bad("旧版审核包（未经单位身份签名），请对方升级密审后重新导出")
        body, signature = package["body"], package["signature"]
        unit_key = str(body["unit"]["public_key"])
        if not verify_signature(unit_key, str(signature), canonical_bytes(body)):
            raise _bad("包的签名无效（文件被改动）")
        genesis = LedgerEvent.from_json(body["genesis"])
        if genesis.recompute_hash() != genesis.hash or genesis.payload.get("public_key") != body["public_key"] \
                or genesis.payload.get("ledger_id") != body["origin_ledger"]:
            raise _bad("来源台帐的身份记录不符")
        rosters = [roster_valid(item) for item in body["rosters"]]
        if not rosters or any(r is None for r in rosters):
            raise _bad("签署人名册的签名无效")
        own = rosters[0]
        assert own is not None
        if own.get("unit_key") != unit_key or own.get("ledger_id") != body["origin_ledger"]:
            raise _bad("签署人名册与来源单位不符")
        own_keys = {u["name"]: u["public_key"] for u in roster_users(own)}
        users: dict[str, str] = {}
        for raw_user in body["user_events"]:
            ev = LedgerEvent.from_json(raw_user)
            key = str(ev.payload.get("public_key"))
            if ev.kind != "user_added" or ev.recompute_hash() != ev.hash or own_keys.get(ev.actor) != key or \
                    not verify_signature(key, ev.signature, bytes.fromhex(ev.hash)):
                raise _bad(f"用户“{ev.actor}”的登记记录无效")
            users[ev.actor] = key
        roster_keys = {u["public_key"] for r in rosters if r is not None for u in roster_users(r)}
        _verify_entries(list(body["events"]), str(body["public_key"]), users, roster_keys)
        data = base64.b64decode(body["document"]["data"], validate=True)
    except PackageError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError) as exc:
        raise _bad(f"文件格式错误（{type(exc).__name__}）") from exc
    if sha256_hex(data) != body["document"]["sha256"]:
        raise _bad("文稿内容与其哈希值不符")
    return body, data, sha256_hex(raw)


# --- import -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Trusted:
    rosters: list[dict[str, Any]]      # accepted signed rosters (registered peers, and this unit's)
    foreign: dict[str, dict[str, Any]]  # user key -> roster user, other units only
    local: dict[str, str]              # user key -> name, this ledger's own users


def _trusted(ledger: Ledger, body: dict[str, Any]) -> _Trusted:
    unit = body["unit"]
    peer = find_peer(ledger, str(unit["public_key"]))
    if peer is None or peer.ledger_id != body["origin_ledger"]:
        raise PackageError(
            f"审核包来自未登记的工作站（自称“{unit.get('unit_name', '')}”，指纹 {fingerprint(str(unit['public_key']))}），"
            "已拒绝导入，台帐未改动。请与对方电话或书面核对指纹后，由保密管理员执行 "
            "mishen peers add 对方的身份文件。", code="unregistered_peer")
    own_key = unit_public_key(ledger)
    rosters: list[dict[str, Any]] = []
    foreign: dict[str, dict[str, Any]] = {}
    for item in body["rosters"]:
        roster = roster_valid(item)
        if roster is None:
            continue
        key = str(roster.get("unit_key"))
        if own_key is not None and key == own_key and roster.get("ledger_id") == ledger.ledger_id:
            rosters.append(item)
            continue
        registered = find_peer(ledger, key)
        if registered is not None and registered.ledger_id == roster.get("ledger_id"):
            rosters.append(item)
            foreign.update({u["public_key"]: {**u, "unit_name": registered.unit_name} for u in roster_users(roster)})
    local = {str(e.payload.get("public_key")): str(e.payload.get("name"))
             for e in ledger.events(kinds=("user_added",))}
    for key in list(foreign):
        if key in local:   # another unit cannot vouch for one of our own keys
            del foreign[key]
    return _Trusted(rosters, foreign, local)


def _home_ledger(raw_events: list[Any], origin: str) -> str:
    """The ledger where the review was opened (packages may nest)."""
    for raw in raw_events:
        ev = LedgerEvent.from_json(raw)
        if ev.kind == "review_opened":
            return origin
        if ev.kind == "package_imported":
            return _home_ledger(list(ev.payload.get("events", [])), str(ev.payload.get("origin_ledger", "")))
    return origin


def _home_unit_only(review: Review, st: dict[str, Any], who_ledger: str, home: str, unit_name: str) -> None:
    """Refuse another unit's sign-off of a home-unit level, and every waiver from another unit."""
    if who_ledger == home:
        return
    signer = f"{st.get('signer')}（{unit_name}，外单位）"
    if st.get("type") == "waiver" or "finding_id" in st:
        raise PackageError(f"豁免“禁止发布”问题只能由本单位作出，{signer}的豁免已拒绝，台帐未改动。",
                           code="foreign_waiver")
    level = review.route.level(int(st["level"]))
    if level_is_local(level):
        name = level.name if level is not None else ""
        raise PackageError(f"第 {st['level']} 级（{name}）属于本单位审核，只能由本单位用户签署；"
                           f"{signer}的签署已拒绝，台帐未改动。", code="foreign_level")


def import_package(ledger: Ledger, path: str | os.PathLike[str]) -> ImportResult:
    """Verify, check trust, then record; all or nothing. Content that is well signed but malformed
    (a registered peer's bug or malice) is refused like any invalid package."""
    body, data, package_sha = read_package(path)
    try:
        return _import(ledger, body, data, package_sha)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _bad(f"内容不符合审核包格式（{type(exc).__name__}）") from exc


def _import(ledger: Ledger, body: dict[str, Any], data: bytes, package_sha: str) -> ImportResult:
    if body["origin_ledger"] == ledger.ledger_id:
        raise PackageError("这是本机导出的审核包，无需导入。", code="own_package")
    trusted = _trusted(ledger, body)
    review_id = str(body["review_id"])
    events = [LedgerEvent.from_json(e) for e in body["events"]]
    remote = project(review_id, events)
    if remote.current.sha256 != body["document"]["sha256"]:
        raise _bad("包内文稿不是审核单的当前版本")
    signer = ledger.workstation_signer()
    imported = {"review_id": review_id, "origin_ledger": body["origin_ledger"],
                "users": sorted(trusted.foreign.values(), key=lambda u: (u["ledger_id"], u["name"])),
                "rosters": [r for r in trusted.rosters if roster_valid(r) is not None
                            and str(r["roster"]["unit_key"]) != unit_public_key(ledger)]}
    with ledger.transaction() as tx:
        known = ledger.events(review_id=review_id)
        if not known:
            home = _home_ledger(list(body["events"]), str(body["origin_ledger"]))
            for st in statements(body["events"]):
                who = trusted.foreign.get(str(st.get("signer_key")))
                if who is None and str(st.get("signer_key")) not in trusted.local:
                    raise PackageError(f"审核包中“{st.get('signer')}”的签署来自未登记的单位，已拒绝导入，台帐未改动。",
                                       code="unregistered_peer")
                if who is not None:
                    _home_unit_only(remote, st, str(who["ledger_id"]), home, str(who["unit_name"]))
            store_document(ledger.data_dir, data)
            tx.append("user_imported", imported, signer)
            local_users = [{"name": LedgerEvent.from_json(e).actor,
                            "public_key": LedgerEvent.from_json(e).payload.get("public_key")}
                           for e in body["user_events"]]
            tx.append("package_imported", {
                "review_id": review_id, "origin_ledger": body["origin_ledger"], "public_key": body["public_key"],
                "unit_key": body["unit"]["public_key"], "head": body["head"], "package_sha256": package_sha,
                "events": body["events"], "local_users": local_users, "users": imported["users"],
                "rosters": trusted.rosters}, signer)
            msg = (f"已导入审核单 {review_id}（{remote.title}），来自外单位“{_peer_name(ledger, body)}”，"
                   f"来源末条第 {body['head']['seq']} 条。")
            return ImportResult(review_id, True, 0, msg)
        local = load_review(ledger, review_id)
        count = _take_statements(tx, ledger, local, events, trusted, imported, body, signer)
    if count == 0:
        return ImportResult(review_id, False, 0, "审核包中没有新的签署或豁免记录。")
    return ImportResult(review_id, False, count,
                        f"已将 {count} 条外单位（{_peer_name(ledger, body)}）签署记录并入本机台帐（审核单 {review_id}）。")


def _peer_name(ledger: Ledger, body: dict[str, Any]) -> str:
    peer = find_peer(ledger, str(body["unit"]["public_key"]))
    return peer.unit_name if peer is not None else ""


def _take_statements(tx: Any, ledger: Ledger, local: Review, events: list[LedgerEvent], trusted: _Trusted,
                     imported: dict[str, Any], body: dict[str, Any], signer: Any) -> int:
    seen = {s.signature for s in local.signoffs} | {w.signature for w in local.waivers}
    fresh = [e for e in events if e.kind in ("signed", "finding_waived")
             and str(e.payload.get("statement_signature")) not in seen]
    if not fresh:
        return 0
    home = local.origin_ledger or ledger.ledger_id
    tx.append("user_imported", imported, signer)
    review = local
    count = 0
    for ev in fresh:
        st = ev.payload["statement"]
        who = trusted.foreign.get(str(st["signer_key"]))
        if who is None:
            raise PackageError(f"审核包中“{st.get('signer')}”的签署不是已登记外单位的用户作出的"
                               "（本单位的签署不能从外单位导入），已拒绝导入，台帐未改动。", code="unregistered_peer")
        if st["document_sha256"] != review.current.sha256 or st["scan_report_sha256"] != review.current.report_sha256:
            raise PackageError("审核包中的签署针对的文稿或扫描报告与本机审核单的当前版本不符，已拒绝导入。",
                               code="version_mismatch")
        _home_unit_only(review, st, str(who["ledger_id"]), home, str(who["unit_name"]))
        role = Role(str(who["role"]))
        verdict: Verdict
        if ev.kind == "signed":
            decided = {str(d["finding_id"]): FindingDecision.from_json(d)
                       for d in st.get("dispositions") or () if isinstance(d, dict)}
            verdict = check_sign(review, int(st["level"]), role, Decision(st["decision"]), str(st.get("opinion", "")),
                                 dispositions=decided)
        else:
            verdict = check_waive(review, str(st["finding_id"]), role, str(st.get("reason", "")))
        if not verdict.allowed:
            raise PackageError(f"外单位的签署不符合审核规则，已拒绝导入：{verdict.reason}", code=verdict.code)
        tx.append(ev.kind, {"review_id": review.id, "statement": st,
                            "statement_signature": ev.payload["statement_signature"],
                            "imported_from": body["origin_ledger"], "imported_unit": who["unit_name"],
                            "origin_event_hash": ev.hash}, signer)
        count += 1
        review = load_review(ledger, review.id)
    return count
