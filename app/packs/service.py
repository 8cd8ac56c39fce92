"""Trusting bureau keys, installing, activating and rolling back packs — every act a ledger entry.

Ledger kinds: `lexicon_key_trusted` (signed by the 保密管理员), `lexicon_pack_installed`,
`lexicon_pack_activated`, `lexicon_pack_refused`, `lexicon_pack_rolled_back` (signed by the
保密管理员 given with --by, else by the workstation key). A pack that fails any check is not
written to the active state: the previous one stays active.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app import __version__
from app.ledger.crypto import KeySigner
from app.ledger.errors import AuthError
from app.ledger.store import Ledger
from app.ledger.trust import fingerprint
from app.lexicon.rule_params import RuleParams
from app.packs.errors import PackCheckError, PackInputError
from app.packs.format import Pack, parse_pack, version_key
from app.packs.layers import (
    active_packs,
    calendar_json,
    lexicon_csv,
    pack_file,
    packs_root,
    params_json,
    read_active,
    rule_params,
    write_active,
)
from app.packs.signing import signature_valid
from app.users.model import Role
from app.users.service import unlock


@dataclass(frozen=True, slots=True)
class TrustedKey:
    public_key: str
    fingerprint: str
    name: str
    by: str
    seq: int


@dataclass(frozen=True, slots=True)
class InstalledPack:
    id: str
    version: str
    sha256: str
    issuer: str
    active: bool


def admin_signer(ledger: Ledger, admin: str, password: str, what: str) -> KeySigner:
    user, signer = unlock(ledger, admin, password, attempt=what)
    if user.role is not Role.SECRECY_ADMIN:
        raise AuthError(f"只有保密管理员可以{what}（“{user.name}”是{user.role.label}）。", code="not_allowed")
    return signer


def trusted_keys(ledger: Ledger) -> list[TrustedKey]:
    return [TrustedKey(str(ev.payload["public_key"]), str(ev.payload["fingerprint"]), str(ev.payload.get("name", "")),
                       ev.actor, ev.seq) for ev in ledger.events(kinds=("lexicon_key_trusted",))]


def trust_key(ledger: Ledger, public_key: str, name: str, signer: KeySigner) -> TrustedKey:
    fp = fingerprint(public_key)
    with ledger.transaction() as tx:
        known = next((k for k in trusted_keys(ledger) if k.public_key == public_key), None)
        if known is not None:
            raise PackCheckError(f"该词库签发密钥（指纹 {fp}）已于第 {known.seq} 条登记为可信。", code="key_exists")
        ev = tx.append("lexicon_key_trusted", {"public_key": public_key, "fingerprint": fp, "name": name}, signer)
    return TrustedKey(public_key, fp, name, ev.actor, ev.seq)


def _event(pack: Pack, **more: Any) -> dict[str, Any]:
    m = pack.manifest
    return {"pack_id": m.id, "version": m.version, "sha256": pack.sha256, "issuer": m.issuer,
            "signer_key": pack.signature.public_key if pack.signature else "", **more}


def check_pack(ledger: Ledger, pack: Pack, data_dir: Path, today: date | None = None) -> None:
    """Signature, trusted issuer, dates, minimum version, monotonicity. Raises PackCheckError."""
    m = pack.manifest
    if pack.signature is None:
        raise PackCheckError(f"词库包 {pack.label} 没有签名，不能安装。", code="unsigned")
    if not signature_valid(pack):
        raise PackCheckError(f"词库包 {pack.label} 的签名无效：内容在签名后被改动，或签名不属于该内容。",
                             code="bad_signature")
    if pack.signature.public_key not in {k.public_key for k in trusted_keys(ledger)}:
        raise PackCheckError(f"词库包 {pack.label} 的签发密钥（指纹 {fingerprint(pack.signature.public_key)}）"
                             "未被本机信任；请保密管理员核对指纹后执行 mishen lexicon trust。", code="untrusted")
    day = (today or date.today()).isoformat()
    if m.effective and day < m.effective:
        raise PackCheckError(f"词库包 {pack.label} 尚未生效（生效日期 {m.effective}）。", code="not_effective")
    if m.expires and day > m.expires:
        raise PackCheckError(f"词库包 {pack.label} 已过期（有效期至 {m.expires}）。", code="expired")
    if version_key(m.min_mishen) > version_key(__version__):
        raise PackCheckError(f"词库包 {pack.label} 要求密审 {m.min_mishen} 或更新版本（本机为 {__version__}）。",
                             code="min_version")
    current = read_active(data_dir).get(m.id)
    if current is not None:
        cv = str(current["version"])
        if version_key(m.version) < version_key(cv):
            raise PackCheckError(f"词库包 {m.id} 的版本 {m.version} 低于已启用的 {cv}：不允许降级安装；"
                                 f"如确需回到旧版本，请用 mishen lexicon rollback --to {m.version}。", code="downgrade")
        if version_key(m.version) == version_key(cv) and current.get("sha256") != pack.sha256:
            raise PackCheckError(f"词库包 {m.id} 的版本 {m.version} 已启用，但内容不同：同一版本号不能改换内容。",
                                 code="version_reused")


def build_engine(pack_csvs: list[Path], cache_dir: Path | None = None, params: RuleParams | None = None,
                 layers: list[str] | None = None) -> Any:
    """An engine over these lexicon files only: the bureau's layer ("pack"), unless `layers` says
    otherwise per file (e.g. "local" for the unit's layer on top)."""
    from app.paths import cache_dir as default_cache_dir
    from app.scan import Engine

    return Engine.load(pack_csvs, use_defaults=False, cache_dir=cache_dir or default_cache_dir(), params=params,
                       extra_layers=layers or ["pack"] * len(pack_csvs))


def candidate_engine(data_dir: Path, pack: Pack, csv_path: Path, *, with_local: bool = False) -> Any:
    """The engine the workstation would run with `pack` active (its other active packs kept; the
    unit's own layer only `with_local` — the vectors test the bureau's pack alone)."""
    others = [p for p in active_packs(data_dir) if p.id != pack.manifest.id]
    layers = [(p.id, p.csv) for p in others]
    layers.append((pack.manifest.id, csv_path))
    vocab = [(p.id, rule_params([p])) for p in others] + [(pack.manifest.id, pack.rules)]
    params: RuleParams | None = None
    for _, given in sorted(vocab, key=lambda v: v[0]):  # the order scan uses: by pack id
        if given is not None:
            params = given if params is None else given.over(params)
    paths = [path for _, path in sorted(layers)]
    kinds = ["pack"] * len(paths)
    if with_local:
        from app.packs.local import local_lexicon

        local = local_lexicon(data_dir)
        if local is not None:
            paths.append(local)
            kinds.append("local")
    return build_engine(paths, params=params, layers=kinds)


def install(ledger: Ledger, data: bytes, data_dir: Path, signer: KeySigner | None = None,
            today: date | None = None) -> tuple[Pack, list[str]]:
    """Verify, stage, run the vectors, activate. Returns (pack, vector summary lines). A refusal is
    recorded in the ledger and raised as PackCheckError; the active state is then unchanged."""
    from app.packs.vectors import summary, vector_failures

    who = signer or ledger.workstation_signer()
    pack = parse_pack_recorded(ledger, data, who)
    m = pack.manifest
    current = read_active(data_dir).get(m.id)
    if current is not None and current.get("sha256") == pack.sha256:
        return pack, ["该版本已是启用版本，未作改动。"]
    try:
        check_pack(ledger, pack, data_dir, today)
        json_path = pack_file(data_dir, m.id, m.version)
        csv_path = pack_file(data_dir, m.id, m.version, ".csv")
        csv_bytes = lexicon_csv(pack)
        with tempfile.TemporaryDirectory(dir=_staging(data_dir)) as tmp:
            staged = Path(tmp) / csv_path.name  # the installed name: the cache entry is reused
            staged.write_bytes(csv_bytes)
            failures = vector_failures(pack, candidate_engine(data_dir, pack, staged))
        if failures:
            raise PackCheckError(f"词库包 {pack.label} 的测试用例未通过（{len(failures)} 条）：\n"
                                 + "\n".join(f"  {f}" for f in failures[:20]), code="vectors_failed")
    except PackCheckError as exc:
        with ledger.transaction() as tx:
            tx.append("lexicon_pack_refused", _event(pack, code=exc.code, reason=exc.message), who)
        raise
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_bytes(data)
    csv_path.write_bytes(csv_bytes)
    extra = _write_sections(data_dir, pack)
    previous = None if current is None else str(current["version"])
    with ledger.transaction() as tx:
        # under the ledger's write lock: another install may have activated a version meanwhile
        if read_active(data_dir).get(m.id) != current:
            raise PackCheckError(f"安装 {pack.label} 期间词库包 {m.id} 的启用版本已被另一操作改变，请重新安装。",
                                 code="concurrent_change")
        tx.append("lexicon_pack_installed", _event(pack, entries=len(pack.entries),
                                                   vectors=len(pack.must_flag) + len(pack.must_not_flag)), who)
        _activate(data_dir, pack, csv_bytes, extra)
        tx.append("lexicon_pack_activated", _event(pack, previous=previous), who)
    return pack, [summary([], pack)]


def parse_pack_recorded(ledger: Ledger, data: bytes, who: KeySigner) -> Pack:
    """parse_pack; an altered layout is recorded as a refusal too."""
    try:
        return parse_pack(data)
    except PackCheckError as exc:
        with ledger.transaction() as tx:
            tx.append("lexicon_pack_refused", {"sha256": hashlib.sha256(data).hexdigest(), "code": exc.code,
                                               "reason": exc.message}, who)
        raise


def _write_sections(data_dir: Path, pack: Pack) -> bytes | None:
    """The optional sections beside the installed pack: `<version>.params.json` (rules and
    calendar, hashed in active.json) and `<version>.calendar.json` (the calendar alone)."""
    m = pack.manifest
    extra = params_json(pack)
    if extra is not None:
        pack_file(data_dir, m.id, m.version, ".params.json").write_bytes(extra)
    calendar = calendar_json(pack)
    if calendar is not None:
        pack_file(data_dir, m.id, m.version, ".calendar.json").write_bytes(calendar)
    return extra


def _staging(data_dir: Path) -> Path:
    root = packs_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _activate(data_dir: Path, pack: Pack, csv_bytes: bytes, extra: bytes | None) -> None:
    state = read_active(data_dir)
    m = pack.manifest
    record: dict[str, Any] = {"version": m.version, "sha256": pack.sha256,
                              "csv_sha256": hashlib.sha256(csv_bytes).hexdigest(), "expires": m.expires,
                              "size": pack_file(data_dir, m.id, m.version).stat().st_size}
    if extra is not None:
        record["params_sha256"] = hashlib.sha256(extra).hexdigest()
    state[m.id] = record
    write_active(data_dir, state)


def installed(ledger: Ledger, data_dir: Path) -> list[InstalledPack]:
    state = read_active(data_dir)
    seen: dict[tuple[str, str], InstalledPack] = {}
    for ev in ledger.events(kinds=("lexicon_pack_installed",)):
        p = ev.payload
        key = (str(p["pack_id"]), str(p["version"]))
        active = state.get(key[0], {}).get("version") == key[1]
        seen[key] = InstalledPack(key[0], key[1], str(p["sha256"]), str(p["issuer"]), active)
    return sorted(seen.values(), key=lambda i: (i.id, version_key(i.version)))


def rollback(ledger: Ledger, data_dir: Path, to: str | None, pack_id: str | None,
             signer: KeySigner | None = None) -> tuple[str, str, str]:
    """Activate an earlier installed version explicitly; returns (pack id, from, to). The earlier
    file is re-read and its signature checked again (it may have been altered on disk)."""
    who = signer or ledger.workstation_signer()
    state = read_active(data_dir)
    if not state:
        raise PackInputError("尚未启用任何词库包，无可回退。", code="nothing_active")
    if pack_id is None:
        if len(state) != 1:
            raise PackInputError(f"启用了多个词库包（{'、'.join(sorted(state))}），请用 --id 指定。", code="usage")
        pack_id = next(iter(state))
    if pack_id not in state:
        raise PackInputError(f"词库包 {pack_id} 未启用。", code="usage")
    current = str(state[pack_id]["version"])
    versions = [i for i in installed(ledger, data_dir) if i.id == pack_id
                and version_key(i.version) < version_key(current)]
    if to is not None:
        versions = [i for i in versions if version_key(i.version) == version_key(to)]
    if not versions:
        raise PackCheckError(f"词库包 {pack_id} 没有可回退的{'版本 ' + to if to else '更早版本'}（当前 {current}）。",
                             code="no_such_version")
    target = versions[-1]
    data = pack_file(data_dir, pack_id, target.version).read_bytes()
    pack = parse_pack(data)
    if pack.sha256 != target.sha256 or not signature_valid(pack):
        raise PackCheckError(f"词库包 {pack_id} {target.version} 的已安装文件被改动，不能回退到该版本。", code="pack_altered")
    csv_bytes = lexicon_csv(pack)
    pack_file(data_dir, pack_id, target.version, ".csv").write_bytes(csv_bytes)
    extra = _write_sections(data_dir, pack)
    with ledger.transaction() as tx:
        _activate(data_dir, pack, csv_bytes, extra)
        tx.append("lexicon_pack_rolled_back", _event(pack, previous=current), who)
    return pack_id, current, target.version


def history(ledger: Ledger) -> list[tuple[int, str, str, dict[str, Any]]]:
    kinds = ("lexicon_key_trusted", "lexicon_pack_installed", "lexicon_pack_activated", "lexicon_pack_refused",
             "lexicon_pack_rolled_back")
    return [(ev.seq, ev.kind, ev.actor, dict(ev.payload)) for ev in ledger.events(kinds=kinds)]

