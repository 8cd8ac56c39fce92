"""Trust anchors as the chain declares them: this unit's identity key, the peers its 保密管理员
registered, and the foreign users those peers vouched for in signed rosters.

Used by `ledger verify` (`check_trust`, one entry at a time after the signature checks) and by
review packages (`roster_valid`, `fingerprint`). Everything here is pure: entries in, verdicts out.

Entitlement rules checked here:
- `unit_identity_created` and `peer_added` are signed by a local 保密管理员 (never by the workstation
  key); the identity entry carries a proof signature by the unit key itself. So is
  `lexicon_key_trusted` (a bureau key that lexicon packs must be signed with, app.packs).
- `user_imported` lists only users found in a roster signed by a registered peer's unit key.
- an imported sign-off or waiver names a signer key vouched for that way, for the same review.
- `package_imported` carries only statements whose signer keys are in rosters signed by a
  registered peer (or by this unit).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.ledger.canonical import canonical_bytes, sha256_hex
from app.ledger.consult_checks import KINDS as CONSULT_KINDS
from app.ledger.consult_checks import ConsultState, check_consultation
from app.ledger.crypto import verify_signature
from app.ledger.model import LedgerEvent, carried_entries

ROSTER_FORMAT = "mishen-roster"
IDENTITY_FORMAT = "mishen-unit-identity"
SECRECY_ADMIN = "secrecy_admin"   # Role.SECRECY_ADMIN.value (app.users imports app.ledger, not the reverse)
EXTERNAL_ROLES = frozenset({"city_office"})  # a level only these roles may sign belongs to another unit


def fingerprint(public_hex: str) -> str:
    """What two people read to each other by phone: 8 groups of 4 hex digits of SHA-256(key)."""
    digest = sha256_hex(bytes.fromhex(public_hex)).upper()[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def identity_statement(ledger_id: str, unit_name: str, public_key: str) -> dict[str, Any]:
    """What the unit key signs to prove it belongs to this ledger and unit name."""
    return {"format": IDENTITY_FORMAT, "version": 1, "ledger_id": ledger_id, "unit_name": unit_name,
            "public_key": public_key}


def identity_valid(statement: Mapping[str, Any], signature: str) -> bool:
    return (statement.get("format") == IDENTITY_FORMAT
            and verify_signature(str(statement.get("public_key", "")), signature, canonical_bytes(dict(statement))))


def roster_valid(item: Any) -> dict[str, Any] | None:
    """`{"roster": {...}, "signature": hex}` signed by the roster's own unit key → the roster."""
    if not isinstance(item, Mapping):
        return None
    roster, signature = item.get("roster"), item.get("signature")
    if not isinstance(roster, Mapping) or roster.get("format") != ROSTER_FORMAT or not isinstance(signature, str):
        return None
    if not isinstance(roster.get("users"), list):
        return None
    if not verify_signature(str(roster.get("unit_key", "")), signature, canonical_bytes(dict(roster))):
        return None
    return dict(roster)


def roster_users(roster: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for user in roster.get("users", []):
        if isinstance(user, Mapping):
            yield {"name": str(user.get("name", "")), "role": str(user.get("role", "")),
                   "unit": str(user.get("unit", "")), "public_key": str(user.get("public_key", "")),
                   "unit_key": str(roster.get("unit_key", "")), "unit_name": str(roster.get("unit_name", "")),
                   "ledger_id": str(roster.get("ledger_id", ""))}


def statements(raw_events: Any) -> Iterator[dict[str, Any]]:
    """Every sign-off/waiver statement in a list of entries, nested packages included."""
    for statement, _signature in signed_statements(raw_events):
        yield statement


def signed_statements(raw_events: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """(statement, its signature) for every sign-off/waiver in a list of entries, nested included."""
    for ev in carried_entries(raw_events):
        payload = ev.payload
        if isinstance(payload.get("statement"), Mapping):
            yield dict(payload["statement"]), str(payload.get("statement_signature", ""))
        if ev.kind == "package_imported":
            yield from signed_statements(payload.get("events"))


@dataclass
class TrustState:
    roles: dict[str, str] = field(default_factory=dict)              # local user -> role value
    unit_keys: set[str] = field(default_factory=set)                 # this unit's identity key(s)
    peers: dict[str, dict[str, Any]] = field(default_factory=dict)   # peer unit key -> peer_added payload
    foreign: dict[str, dict[str, Any]] = field(default_factory=dict)  # foreign user key -> roster user
    ledger_id: str = ""
    homes: dict[str, tuple[str, frozenset[int]]] = field(default_factory=dict)  # review -> (home ledger, external levels)
    consultations: ConsultState = field(default_factory=ConsultState)  # 征求意见 (app.ledger.consult_checks)

    def vouched(self, payload: Mapping[str, Any], *, own_ok: bool) -> dict[str, dict[str, Any]]:
        """User key -> user for every valid roster in `payload["rosters"]` signed by a registered
        peer (or, with own_ok, by this unit)."""
        out: dict[str, dict[str, Any]] = {}
        for item in payload.get("rosters", []) if isinstance(payload.get("rosters"), list) else []:
            roster = roster_valid(item)
            if roster is None:
                continue
            key = str(roster.get("unit_key"))
            peer = self.peers.get(key)
            if (peer is not None and peer.get("ledger_id") == roster.get("ledger_id")) or (
                    own_ok and key in self.unit_keys):
                out.update({u["public_key"]: u for u in roster_users(roster)})
        return out


def external_levels(route: Any) -> frozenset[int]:
    """Levels of a route (as stored in `review_opened`) that another unit may sign."""
    levels = route.get("levels", []) if isinstance(route, Mapping) else []
    return frozenset(int(lv["number"]) for lv in levels if isinstance(lv, Mapping) and lv.get("roles")
                     and set(lv["roles"]) <= EXTERNAL_ROLES)


def _opened(raw_events: Any, origin: str) -> tuple[str, frozenset[int]] | None:
    """(home ledger, external levels) of the review carried in a package's entries."""
    for ev in carried_entries(raw_events):
        payload = ev.payload
        if ev.kind == "review_opened":
            return origin, external_levels(payload.get("route"))
        if ev.kind == "package_imported":
            return _opened(payload.get("events"), str(payload.get("origin_ledger", "")))
    return None


def home_unit_problem(st: Mapping[str, Any], who_ledger: str, home: tuple[str, frozenset[int]] | None) -> str | None:
    """A sign-off of a level that belongs to the review's home unit, or any waiver, by a user of
    another unit → Chinese reason."""
    if home is None or who_ledger == home[0]:
        return None
    if st.get("type") == "waiver" or "finding_id" in st:
        return f"外单位用户“{st.get('signer')}”豁免了禁止发布问题（只能由本单位豁免）"
    try:
        level = int(st.get("level", 0))
    except (TypeError, ValueError):
        level = 0
    if level not in home[1]:
        return f"外单位用户“{st.get('signer')}”签署了属于本单位的第 {st.get('level')} 级"
    return None


def check_trust(ev: LedgerEvent, trust: TrustState) -> tuple[str, str] | None:
    """(code, Chinese reason) when `ev` is signed by someone not entitled to it or imports what no
    registered peer vouched for; updates `trust`. Call after the entry's own signature checked out."""
    payload = ev.payload
    if ev.kind == "ledger_created":
        trust.ledger_id = str(payload.get("ledger_id", ""))
    elif ev.kind == "review_opened" and isinstance(payload.get("review_id"), str):
        trust.homes.setdefault(payload["review_id"], (trust.ledger_id, external_levels(payload.get("route"))))
    elif ev.kind == "user_added":
        trust.roles[str(payload.get("name", ""))] = str(payload.get("role", ""))
    elif ev.kind == "unit_identity_created":
        if trust.roles.get(ev.actor) != SECRECY_ADMIN:
            return "unentitled", f"第 {ev.seq} 条“建立单位身份”记录不是由保密管理员签署的（{ev.actor}）"
        statement, proof = payload.get("identity"), payload.get("proof")
        if not isinstance(statement, Mapping) or not isinstance(proof, str) or not identity_valid(statement, proof):
            return "bad_signature", f"第 {ev.seq} 条“建立单位身份”记录缺少单位密钥的有效签名"
        trust.unit_keys.add(str(statement["public_key"]))
    elif ev.kind == "lexicon_key_trusted":
        if trust.roles.get(ev.actor) != SECRECY_ADMIN:
            return "unentitled", f"第 {ev.seq} 条“信任词库签发密钥”记录不是由保密管理员签署的（{ev.actor}）"
    elif ev.kind == "unit_key_shared":
        if trust.roles.get(ev.actor) != SECRECY_ADMIN or trust.roles.get(str(payload.get("admin"))) != SECRECY_ADMIN:
            return "unentitled", f"第 {ev.seq} 条“共享单位身份密钥”记录不是由保密管理员签署、或共享对象不是保密管理员"
    elif ev.kind == "peer_added":
        if trust.roles.get(ev.actor) != SECRECY_ADMIN:
            return "unentitled", f"第 {ev.seq} 条“登记外单位”记录不是由保密管理员签署的（{ev.actor}）"
        statement, proof = payload.get("identity"), payload.get("proof")
        if not isinstance(statement, Mapping) or not isinstance(proof, str) or not identity_valid(statement, proof):
            return "bad_signature", f"第 {ev.seq} 条“登记外单位”记录缺少对方单位密钥的有效签名"
        key = str(statement["public_key"])
        if key in trust.unit_keys:
            return "unentitled", f"第 {ev.seq} 条把本单位自己登记为外单位"
        trust.peers[key] = dict(statement)
    elif ev.kind == "user_imported":
        vouched = trust.vouched(payload, own_ok=False)
        for user in payload.get("users", []):
            key = str(user.get("public_key", "")) if isinstance(user, Mapping) else ""
            known = vouched.get(key)
            if known is None or known.get("name") != user.get("name") or known.get("role") != user.get("role"):
                return "unregistered_peer", (f"第 {ev.seq} 条导入的外单位用户“{user.get('name') if isinstance(user, Mapping) else user}”"
                                             "不在已登记外单位签名的名册中")
            trust.foreign[key] = known
    elif ev.kind == "package_imported":
        vouched = trust.vouched(payload, own_ok=True)
        home = _opened(payload.get("events"), str(payload.get("origin_ledger", "")))
        if home is not None and isinstance(payload.get("review_id"), str):
            trust.homes.setdefault(payload["review_id"], home)
        for st, signature in signed_statements(payload.get("events")):
            who = vouched.get(str(st.get("signer_key", "")))
            if who is None:
                return "unregistered_peer", (f"第 {ev.seq} 条导入的审核单含有未登记单位的签署（{st.get('signer')}）")
            if not verify_signature(str(st.get("signer_key", "")), signature, canonical_bytes(st)):
                return "bad_signature", f"第 {ev.seq} 条导入的审核单中“{st.get('signer')}”的签署意见签名无效"
            if st.get("review_id") != payload.get("review_id"):
                return "relinked", f"第 {ev.seq} 条导入的审核单中有属于另一审核单的签署意见"
            why = home_unit_problem(st, str(who.get("ledger_id", "")), home)
            if why:
                return "foreign_level", f"第 {ev.seq} 条导入的审核单中，{why}"
    elif ev.kind in ("signed", "finding_waived") and payload.get("imported_from"):
        signed = payload.get("statement")
        if not isinstance(signed, Mapping) or str(signed.get("signer_key", "")) not in trust.foreign:
            return "unregistered_peer", f"第 {ev.seq} 条导入的签署意见的签署人不属于已登记的外单位"
        if signed.get("review_id") != payload.get("review_id"):
            return "relinked", f"第 {ev.seq} 条导入的签署意见属于另一审核单"
        who = trust.foreign[str(signed["signer_key"])]
        peer = trust.peers.get(str(who.get("unit_key", ""))) or {}
        if "imported_unit" in payload and payload["imported_unit"] != peer.get("unit_name"):
            return "edited", f"第 {ev.seq} 条导入记录所记的外单位名称与登记的不符"
        why = home_unit_problem(signed, str(who.get("ledger_id", "")), trust.homes.get(str(payload.get("review_id"))))
        if why:
            return "foreign_level", f"第 {ev.seq} 条导入记录中，{why}"
    elif ev.kind in CONSULT_KINDS:
        return check_consultation(ev, trust.consultations, trust.roles, trust.peers)
    return None
