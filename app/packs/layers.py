"""Installed packs on disk and which are active — read by `mishen scan` without opening the ledger.

Layout under the data directory: `lexicon-packs/<id>/<version>.json` (the signed pack, byte for
byte), `lexicon-packs/<id>/<version>.csv` (its entries as a lexicon file the engine loads and
caches by hash) and `lexicon-packs/active.json` (for each pack id the active version and the
sha256 of both files). A file that no longer matches its recorded hash is refused at scan time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.model import LexiconInfo
from app.packs.errors import PackCheckError

if TYPE_CHECKING:  # `mishen scan` imports this module: it must not pull in the ledger (sqlite-utils)
    from app.lexicon.rule_params import RuleParams
    from app.packs.format import Pack

PACKS_DIR = "lexicon-packs"
ACTIVE_FILE = "active.json"
CSV_COLUMNS = ("id", "term", "category", "severity", "basis", "suggestion", "note", "allow", "options")
#: the names of the engine's lexicon layers (app.scan: "pack"/"bundled" for the bureau's, "local"
#: for the unit's own — app.packs.local.LAYER —, "run" for per-run --lexicon files)
LAYER_NAMES = ("pack", "bundled", "local", "run")
#: pack ids a bureau pack may not carry (compared case-folded): a layer's name would be confused
#: with that layer in findings, reports' tool.lexicons and the ledger; ACTIVE_FILE is the file
#: beside the packs' directories
RESERVED_PACK_IDS = frozenset({*LAYER_NAMES, ACTIVE_FILE})


@dataclass(frozen=True, slots=True)
class ActivePack:
    id: str
    version: str
    sha256: str                    # of the signed pack file
    csv: Path
    csv_sha256: str
    params: Path | None = None     # `<version>.params.json`: the pack's rules and calendar sections
    expires: str = ""              # YYYY-MM-DD or empty (recorded at install)


def packs_root(data_dir: Path) -> Path:
    return data_dir / PACKS_DIR


def pack_file(data_dir: Path, pack_id: str, version: str, suffix: str = ".json") -> Path:
    return packs_root(data_dir) / pack_id / f"{version}{suffix}"


def lexicon_csv(pack: Pack) -> bytes:
    """The pack's entries as a lexicon CSV (`# name:`/`# version:` lines carry id and version)."""
    buf = io.StringIO(newline="")
    buf.write(f"# name: {pack.manifest.id}\n# version: {pack.manifest.version}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in pack.entries:
        writer.writerow((e.id, e.term, e.category, e.severity, e.basis, e.suggestion, e.note or e.reason,
                         "1" if e.allow else "0", " ".join(e.options)))
    return buf.getvalue().encode("utf-8")


def params_json(pack: Pack) -> bytes | None:
    """The pack's optional sections (`rules`, `calendar`) as the file installed beside it, or None."""
    from app.ledger.canonical import canonical_bytes

    if pack.rules is None and pack.calendar is None:
        return None
    body: dict[str, Any] = {}
    if pack.rules is not None:
        body["rules"] = pack.rules.to_json()
    if pack.calendar is not None:
        body["calendar"] = pack.calendar
    return canonical_bytes(body) + b"\n"


def calendar_json(pack: Pack) -> bytes | None:
    """The pack's `calendar` section as a calendar file of its own (`<version>.calendar.json`, what
    app.calendar's `load_calendar(path)` reads), or None."""
    if pack.calendar is None:
        return None
    return (json.dumps(pack.calendar, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def read_active(data_dir: Path) -> dict[str, dict[str, Any]]:
    path = packs_root(data_dir) / ACTIVE_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise PackCheckError(f"词库包启用记录 {path} 无法读取或已损坏（{exc}）。", code="pack_state_corrupt") from None
    packs = data.get("packs") if isinstance(data, dict) else None
    if not isinstance(packs, dict):
        raise PackCheckError(f"词库包启用记录 {path} 已损坏。", code="pack_state_corrupt")
    return packs


def lexicon_state(data_dir: Path) -> bytes:
    """What decides the data directory's lexicons (the active-pack record and the unit's own
    layer), as bytes to key a cached engine by; empty when neither exists."""
    from app.packs.local import local_lexicon

    parts = []
    for path in (packs_root(data_dir) / ACTIVE_FILE, local_lexicon(data_dir)):
        try:
            parts.append(path.read_bytes() if path is not None else b"")
        except OSError:
            parts.append(b"")
    return b"" if not any(parts) else b"\0".join(parts)


def write_active(data_dir: Path, packs: dict[str, dict[str, Any]]) -> None:
    from app.exports.atomic import atomic_write_bytes

    root = packs_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(root / ACTIVE_FILE, (json.dumps({"packs": packs}, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))


def active_packs(data_dir: Path, *, verify_csv: bool = True) -> list[ActivePack]:
    """The active packs in id order, their files checked against active.json: the lexicon CSV
    (what scanning matches with; with `verify_csv=False` the caller checks the hash of the bytes
    it reads, see `check_hashes`) and the parameters file by sha256, the signed pack file by its
    presence and size (it is not read to scan; rollback re-reads it and checks its signature and
    sha256 — hashing a large pack at every start would cost more than loading it from the cache)."""
    out: list[ActivePack] = []
    for pack_id, rec in sorted(read_active(data_dir).items()):
        version = str(rec["version"])
        signed = pack_file(data_dir, pack_id, version)
        try:
            size = signed.stat().st_size
        except OSError:
            size = -1
        if size < 0 or ("size" in rec and rec["size"] != size):
            raise PackCheckError(f"已启用的词库包 {pack_id} {version} 的文件 {signed.name} 缺失或被改动，"
                                 "已拒绝使用；请重新安装或回退。", code="pack_altered")
        files = [(".csv", "csv_sha256")] if verify_csv else []
        if rec.get("params_sha256"):
            files.append((".params.json", "params_sha256"))
        for suffix, key in files:
            path = pack_file(data_dir, pack_id, version, suffix)
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                sha = ""
            if sha != rec.get(key):
                raise PackCheckError(f"已启用的词库包 {pack_id} {version} 的文件 {path.name} 缺失或被改动，"
                                     "已拒绝使用；请重新安装或回退。", code="pack_altered")
        params = pack_file(data_dir, pack_id, version, ".params.json") if rec.get("params_sha256") else None
        out.append(ActivePack(pack_id, version, str(rec["sha256"]), pack_file(data_dir, pack_id, version, ".csv"),
                              str(rec["csv_sha256"]), params, str(rec.get("expires", ""))))
    return out


def check_hashes(packs: Sequence[ActivePack], hashed: Sequence[tuple[Path, str]]) -> None:
    """The lexicon files as read for scanning (path, sha256 of the bytes read) against the active
    packs' recorded hashes; PackCheckError on a mismatch (Matcher.load calls this before using them)."""
    expected = {p.csv: p for p in packs}
    for path, sha in hashed:
        p = expected.get(path)
        if p is not None and sha != p.csv_sha256:
            raise PackCheckError(f"已启用的词库包 {p.id} {p.version} 的文件 {path.name} 缺失或被改动，"
                                 "已拒绝使用；请重新安装或回退。", code="pack_altered")


def _params_of(packs: Sequence[ActivePack]) -> list[tuple[ActivePack, dict[str, Any]]]:
    out = []
    for p in packs:
        if p.params is None:
            continue
        try:
            data = json.loads(p.params.read_text("utf-8"))
        except (OSError, ValueError) as exc:  # checked against its hash a moment ago
            raise PackCheckError(f"词库包 {p.id} {p.version} 的参数文件无法读取（{exc}）。", code="pack_altered") from None
        out.append((p, data))
    return out


def rule_params(packs: Sequence[ActivePack]) -> RuleParams | None:
    """The rule vocabularies of the active packs (in id order, a later pack's vocabulary replacing
    an earlier one's), or None when no active pack carries a `rules` section (the bundled ones)."""
    from app.lexicon.rule_params import RuleParams

    found: RuleParams | None = None
    for p, data in _params_of(packs):
        if "rules" not in data:
            continue
        try:
            params = RuleParams.from_json(data["rules"], f"{p.id} {p.version}")
        except ValueError as exc:
            raise PackCheckError(f"词库包 {p.id} {p.version} 的规则参数无效：{exc}。", code="pack_altered") from None
        found = params if found is None else params.over(found)
    return found


@dataclass(frozen=True, slots=True)
class PackCalendar:
    """The working-day calendar an active pack carries: `path` is the installed calendar file
    (`<version>.calendar.json`: the `calendar` object alone, for `app.calendar.load_calendar(path)`),
    `data` the object itself."""

    pack_id: str
    version: str
    path: Path
    data: dict[str, Any]


def active_calendar(data_dir: Path) -> PackCalendar | None:
    """The working-day calendar of the active packs (the last one by id that carries one), or
    None: then the calendar that ships with MiShen applies (app.calendar.load_calendar(None))."""
    found: PackCalendar | None = None
    for p, data in _params_of(active_packs(data_dir)):
        calendar = data.get("calendar")
        if isinstance(calendar, dict) and p.params is not None:
            path = pack_file(data_dir, p.id, p.version, ".calendar.json")
            try:  # the parameters file is checked by hash; this copy must say the same
                same = json.loads(path.read_text("utf-8")) == calendar
            except (OSError, ValueError):
                same = False
            if not same:
                raise PackCheckError(f"词库包 {p.id} {p.version} 的工作日历文件 {path.name} 缺失或被改动。",
                                     code="pack_altered")
            found = PackCalendar(p.id, p.version, path, calendar)
    return found


def expired(packs: Sequence[ActivePack], today: date | None = None) -> list[str]:
    """One Chinese warning per active pack past its expiry date (it stays in use until the bureau's
    next version is installed; install itself refuses an expired pack)."""
    day = (today or date.today()).isoformat()
    return [f"词库包 {p.id} {p.version} 已于 {p.expires} 过期，仍在使用；请向保密局索取并安装新版本。"
            for p in packs if p.expires and day > p.expires]


def relabel(infos: Sequence[LexiconInfo], packs: Sequence[ActivePack]) -> tuple[LexiconInfo, ...]:
    """Lexicon infos with each pack's lexicon named by the pack's own sha256."""
    by_csv = {p.csv_sha256: p for p in packs}
    out = []
    for info in infos:
        p = by_csv.get(info.sha256)
        out.append(info if p is None else replace(info, name=p.id, version=p.version, sha256=p.sha256))
    return tuple(out)
