"""The unit's rules as `ledger verify` checks them, entry by entry (pure: entries in, verdicts out).

Signatures prove who signed; these rules say whether they were entitled to:
- users: the first user of a ledger is its first 保密管理员, added without a co-signature; every
  later `user_added` is immediately followed (same transaction) by a `user_approved` for the same
  record, signed by a registered, not revoked 保密管理员;
- `user_approved`, `user_revoked`, `user_unlocked` are signed by a 保密管理员;
- nobody signs anything after their `user_revoked` entry;
- a sign-off is by a user whose role the route recorded in `review_opened` allows at that level
  (local users: the role they were registered with; imported signers: the role their unit's roster
  gives them); a waiver by a role allowed at level 3 or above.
- a `review_opened` entry's route is exactly a built-in route (canonical JSON) or a custom route a
  保密管理员 registered earlier in a `route_registered` entry: the workstation key lies in the data
  directory, so without this an insider could open a review under a lax route of his own.
Registered-before-signing follows from the chain walk: a key is known only once its `user_added`
entry has been read.

Ledgers created before the first-run rule (their `ledger_created` entry has no `policy`) may hold
users added while no 保密管理员 existed, as the program then allowed; those are reported as notes,
not as tampering. Ledgers created before the route rule (policy < 3) get a note, not a failure,
for a review opened under an unregistered route. Everything else applies to them too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from app.ledger.model import LedgerEvent, carried_entries

POLICY_VERSION = 3            # recorded in `ledger_created`; 1 (absent) = before the first-run rule
FIRST_RUN_POLICY = 2          # from this version on: the first user is a 保密管理员, others co-signed
ROUTE_POLICY = 3              # from this version on: review_opened routes are built-in or registered
SECRECY_ADMIN = "secrecy_admin"
_ROLE_LABELS = {"officer": "信息员", "section_chief": "科室负责人", "division_leader": "分管领导",
                "principal": "主要负责人", "city_office": "市政府办公室", "secrecy_admin": "保密管理员",
                "auditor": "审计员"}
ADMIN_KINDS = {"user_approved": "确认添加用户", "user_revoked": "停用用户", "user_unlocked": "解锁用户",
               "route_registered": "登记审核流程"}


def canonical_route(route: Mapping[str, Any]) -> str:
    """The route as compared by verify: sorted keys, no whitespace."""
    return json.dumps(route, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@cache
def builtin_routes() -> frozenset[str]:
    """Canonical JSON of the built-in routes exactly as `review open` embeds them (computed once:
    verify asks for every review_opened entry)."""
    from app.review.routes import BUILTIN_ROUTES, Route

    return frozenset(canonical_route(Route.from_json(data).to_json()) for data in BUILTIN_ROUTES.values())


#: SHA-256 of the canonical JSON of every built-in route any release has embedded in
#: `review_opened`. Verify accepts all of them, so a later version that changes a built-in route
#: never makes the reviews opened under the old one unverifiable (records are kept for years).
#: When a built-in route changes, add its new digest here; never remove one
#: (tests/app/test_route_history.py fails until the current routes are all listed).
SHIPPED_BUILTIN_ROUTES = frozenset({
    "7bc5682e45a0583113b133bb6493d0448e7de752c92e2c8621300b12efe2c0d9",   # four_level 四级负责制, 0.1.0
    "797d222f8393cb92787cb3127dd450d5f3147d8607480faaa2d7449a3221683b",   # three_reviews 三审三校, 0.1.0
})


def route_digest(canon: str) -> str:
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def is_shipped_builtin(canon: str) -> bool:
    """A built-in route of this or any earlier release (canonical JSON)."""
    return route_digest(canon) in SHIPPED_BUILTIN_ROUTES or canon in builtin_routes()


def role_label(role: str) -> str:
    return _ROLE_LABELS.get(role, role or "未知角色")


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    code: str
    message: str
    seq: int


@dataclass
class PolicyState:
    version: int = 1
    roles: dict[str, str] = field(default_factory=dict)             # local user -> registered role
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # local user -> registration record
    revoked: set[str] = field(default_factory=set)
    pending: tuple[int, dict[str, Any]] | None = None               # user_added awaiting user_approved
    routes: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # review id -> route JSON
    registered_routes: set[str] = field(default_factory=set)        # canonical route JSON
    foreign_roles: dict[str, str] = field(default_factory=dict)     # imported signer key -> role
    notes: list[str] = field(default_factory=list)

    @property
    def has_admin(self) -> bool:
        """A 保密管理员 was ever registered (first run is over, even if they were revoked since)."""
        return SECRECY_ADMIN in self.roles.values()

    def is_admin(self, name: str) -> bool:
        return self.roles.get(name) == SECRECY_ADMIN and name not in self.revoked


def _record(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {k: payload.get(k) for k in ("name", "role", "unit", "public_key")}


def _routes_in(raw_events: Any, out: dict[str, Mapping[str, Any]]) -> None:
    for ev in carried_entries(raw_events):
        payload = ev.payload
        if ev.kind == "review_opened" and isinstance(payload.get("route"), Mapping):
            out.setdefault(str(payload.get("review_id")), payload["route"])
        elif ev.kind == "package_imported":
            _routes_in(payload.get("events"), out)


def level_roles(route: Mapping[str, Any], level: int) -> set[str] | None:
    for lv in route.get("levels", []) if isinstance(route.get("levels"), list) else []:
        if isinstance(lv, Mapping) and lv.get("number") == level:
            return {str(r) for r in lv.get("roles", [])}
    return None


def waiver_roles(route: Mapping[str, Any]) -> set[str]:
    out: set[str] = set()
    for lv in route.get("levels", []) if isinstance(route.get("levels"), list) else []:
        if isinstance(lv, Mapping) and isinstance(lv.get("number"), int) and lv["number"] >= 3:
            out.update(str(r) for r in lv.get("roles", []))
    return out


def check_policy(ev: LedgerEvent, state: PolicyState) -> PolicyIssue | None:
    """The first rule `ev` breaks, or None; updates `state`. Call after the entry's hash, link and
    signatures checked out, in ledger order."""
    payload = ev.payload
    if state.pending is not None:
        seq, record = state.pending
        state.pending = None
        if ev.kind != "user_approved" or payload.get("user_added_seq") != seq or _record(payload) != record:
            return PolicyIssue("unapproved", f"第 {seq} 条添加的用户“{record['name']}”（{role_label(str(record['role']))}）"
                               "缺少保密管理员的确认签名", seq)
        if not state.is_admin(ev.actor):
            return PolicyIssue("unentitled", f"第 {ev.seq} 条确认添加用户“{record['name']}”的签署人“{ev.actor}”不是保密管理员",
                               ev.seq)
        return None
    if ev.actor in state.revoked:
        return PolicyIssue("revoked", f"第 {ev.seq} 条记录由已停用的用户“{ev.actor}”签署", ev.seq)
    kind = ev.kind
    if kind == "ledger_created":
        state.version = int(payload.get("policy", 1) or 1)
    elif kind == "user_added":
        return _user_added(ev, payload, state)
    elif kind in ADMIN_KINDS:
        if kind == "user_approved":
            return PolicyIssue("inserted", f"第 {ev.seq} 条“确认添加用户”记录不紧随对应的添加用户记录", ev.seq)
        if not state.is_admin(ev.actor):
            return PolicyIssue("unentitled", f"第 {ev.seq} 条“{ADMIN_KINDS[kind]}”记录不是由保密管理员签署的（{ev.actor}）",
                               ev.seq)
        if kind == "route_registered":
            route = payload.get("route")
            if not isinstance(route, Mapping):
                return PolicyIssue("unentitled", f"第 {ev.seq} 条“登记审核流程”记录缺少流程定义", ev.seq)
            state.registered_routes.add(canonical_route(route))
            return None
        target = str(payload.get("name", ""))
        if target not in state.roles:
            return PolicyIssue("unknown_actor", f"第 {ev.seq} 条“{ADMIN_KINDS[kind]}”记录针对未登记的用户“{target}”", ev.seq)
        if kind == "user_revoked":
            state.revoked.add(target)
    elif kind == "review_opened":
        return _review_opened(ev, payload, state)
    elif kind == "package_imported":
        _routes_in(payload.get("events"), state.routes)
        return _carried(ev, payload, state)
    elif kind == "user_imported":
        for user in payload.get("users", []) if isinstance(payload.get("users"), list) else []:
            if isinstance(user, Mapping):
                state.foreign_roles[str(user.get("public_key", ""))] = str(user.get("role", ""))
    elif kind in ("signed", "finding_waived"):
        return _statement(ev, payload, state)
    return None


def _user_added(ev: LedgerEvent, payload: Mapping[str, Any], state: PolicyState) -> PolicyIssue | None:
    record = _record(payload)
    name, role = str(record["name"]), str(record["role"])
    if state.has_admin:
        state.pending = (ev.seq, record)
    elif role != SECRECY_ADMIN or payload.get("added_by"):
        if state.version < FIRST_RUN_POLICY:
            state.notes.append(f"第 {ev.seq} 条：用户“{name}”（{role_label(role)}）是在本台帐尚无保密管理员时添加的"
                               "（旧版本允许，未经保密管理员确认）")
        else:
            return PolicyIssue("unapproved", f"第 {ev.seq} 条在尚无保密管理员时添加了{role_label(role)}“{name}”"
                               "（第一个用户必须是保密管理员，其他用户须经保密管理员确认）", ev.seq)
    state.roles[name] = role
    state.records[name] = record
    return None


def _review_opened(ev: LedgerEvent, payload: Mapping[str, Any], state: PolicyState) -> PolicyIssue | None:
    route = payload.get("route")
    if not isinstance(route, Mapping):
        return None
    rid = str(payload.get("review_id"))
    state.routes.setdefault(rid, route)
    canon = canonical_route(route)
    if canon in state.registered_routes or is_shipped_builtin(canon):
        return None
    name = str(route.get("name", ""))
    if state.version < ROUTE_POLICY:
        state.notes.append(f"第 {ev.seq} 条：审核单 {rid} 使用的审核流程“{name}”既非内置流程，也未经保密管理员登记"
                           "（旧版本允许）")
        return None
    return PolicyIssue("unregistered_route", f"第 {ev.seq} 条建立审核单 {rid} 时使用的审核流程“{name}”既不是内置流程，"
                       "也未经保密管理员登记（可能是伪造的宽松流程）", ev.seq)


def _statement(ev: LedgerEvent, payload: Mapping[str, Any], state: PolicyState) -> PolicyIssue | None:
    st = payload.get("statement")
    if not isinstance(st, Mapping):
        return None
    signer, key = str(st.get("signer", "")), str(st.get("signer_key", ""))
    if payload.get("imported_from"):
        role = state.foreign_roles.get(key)
        if role is None:
            return PolicyIssue("unknown_actor", f"第 {ev.seq} 条导入的签署人“{signer}”未随名册导入", ev.seq)
    else:
        if signer in state.revoked:
            return PolicyIssue("revoked", f"第 {ev.seq} 条签署意见由已停用的用户“{signer}”签署", ev.seq)
        registered = state.roles.get(signer)
        if registered is None:
            return PolicyIssue("unknown_actor", f"第 {ev.seq} 条签署意见的签署人“{signer}”在签署时尚未登记", ev.seq)
        if ev.actor != signer:
            return PolicyIssue("unentitled", f"第 {ev.seq} 条签署意见（{signer}）由“{ev.actor}”记入台帐", ev.seq)
        role = registered
    if str(st.get("signer_role", role)) != role:
        return PolicyIssue("unentitled", f"第 {ev.seq} 条签署意见自称{role_label(str(st.get('signer_role')))}，"
                           f"而“{signer}”登记的角色是{role_label(role)}", ev.seq)
    route = state.routes.get(str(payload.get("review_id")))
    if route is None:
        return PolicyIssue("unknown_review", f"第 {ev.seq} 条签署意见所属的审核单不在本台帐中", ev.seq)
    if ev.kind == "signed":
        level = st.get("level")
        allowed = level_roles(route, level) if isinstance(level, int) else None
        if allowed is None:
            return PolicyIssue("unentitled", f"第 {ev.seq} 条签署了审核流程中没有的第 {level} 级", ev.seq)
        if role not in allowed:
            return PolicyIssue("unentitled", f"第 {ev.seq} 条：“{signer}”（{role_label(role)}）无权签署第 {level} 级"
                               f"（该级须由{'或'.join(role_label(r) for r in sorted(allowed))}签署）", ev.seq)
    elif role not in waiver_roles(route):
        return PolicyIssue("unentitled", f"第 {ev.seq} 条：“{signer}”（{role_label(role)}）无权豁免禁止发布的问题", ev.seq)
    return None


def _carried(ev: LedgerEvent, payload: Mapping[str, Any], state: PolicyState) -> PolicyIssue | None:
    """Sign-offs and waivers carried inside an imported package: each by a role its route allows
    at that level (whose key vouches for them is app.ledger.trust's check)."""
    from app.ledger.trust import statements

    for st in statements(payload.get("events")):
        route = state.routes.get(str(st.get("review_id")))
        role, signer = str(st.get("signer_role", "")), str(st.get("signer", ""))
        if route is None:
            return PolicyIssue("unknown_review", f"第 {ev.seq} 条导入的审核包含有不属于包内审核单的签署（{signer}）", ev.seq)
        if st.get("type") == "waiver" or "finding_id" in st:
            if role not in waiver_roles(route):
                return PolicyIssue("unentitled", f"第 {ev.seq} 条导入的审核包中，“{signer}”（{role_label(role)}）"
                                   "无权豁免禁止发布的问题", ev.seq)
            continue
        level = st.get("level")
        allowed = level_roles(route, level) if isinstance(level, int) else None
        if allowed is None or role not in allowed:
            return PolicyIssue("unentitled", f"第 {ev.seq} 条导入的审核包中，“{signer}”（{role_label(role)}）"
                               f"无权签署第 {level} 级", ev.seq)
    return None


def finish(state: PolicyState) -> PolicyIssue | None:
    """After the last entry: a trailing `user_added` never co-signed."""
    if state.pending is not None:
        seq, record = state.pending
        return PolicyIssue("unapproved", f"第 {seq} 条添加的用户“{record['name']}”缺少保密管理员的确认签名", seq)
    return None
