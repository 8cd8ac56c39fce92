"""The unit's own lexicon layer (本单位词库): local terms and allow entries, kept in the data directory.

Applied after the bureau's packs (or the bundled lexicons) and before per-run `--lexicon` files;
every finding from it carries `layer="local"` (shown as 本单位词库 in reports and the window), and
every scan report lists it as the lexicon `local` with its revision and sha256.

Files under `DATA/lexicon-local/`: `entries.json` (the entries with the fields of pack entries,
and a revision number raised by every change) and `local.csv` (the same entries as a lexicon file,
what the engine loads and caches by hash). Both are written atomically, `local.csv` last. Changes
go through `change_local` (a ledger entry `lexicon_local_changed` in the same step).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.model import Category, Severity
from app.packs.errors import PackInputError

if TYPE_CHECKING:  # the scan path imports this module: no ledger (sqlite-utils) at import time
    from app.ledger.crypto import KeySigner
    from app.ledger.store import Ledger
    from app.packs.format import PackEntry

LOCAL_DIR = "lexicon-local"
ENTRIES_FILE = "entries.json"
CSV_FILE = "local.csv"
LAYER = "local"
ID_PREFIX = "local-"
KIND = "lexicon_local_changed"
#: the `action` of a KIND entry (add/edit/remove) in Chinese, for the ledger window and the editor
ACTION_LABELS = {"add": "新增", "edit": "修改", "remove": "删除"}


@dataclass(frozen=True, slots=True)
class LocalLayer:
    revision: int
    entries: tuple[PackEntry, ...]


def local_dir(data_dir: Path) -> Path:
    return data_dir / LOCAL_DIR


def local_lexicon(data_dir: Path) -> Path | None:
    """The local layer's lexicon file for the engine, or None when the unit has no entries."""
    path = local_dir(data_dir) / CSV_FILE
    return path if path.is_file() else None


def read_local(data_dir: Path) -> LocalLayer:
    from app.packs.format import PackEntry

    path = local_dir(data_dir) / ENTRIES_FILE
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return LocalLayer(0, ())
    except (OSError, ValueError) as exc:
        raise PackInputError(f"本单位词库 {path} 无法读取或已损坏（{exc}）。", code="local_corrupt") from None
    try:
        entries = tuple(PackEntry(str(e["id"]), str(e["term"]), str(e["category"]), str(e["severity"]),
                                  str(e.get("basis", "")), str(e.get("suggestion", "")), str(e.get("note", "")),
                                  bool(e.get("allow", False)), tuple(str(o) for o in e.get("options", ())),
                                  str(e.get("scope", "")), str(e.get("reason", "")))
                        for e in doc["entries"])
        return LocalLayer(int(doc["revision"]), entries)
    except (KeyError, TypeError, ValueError) as exc:
        raise PackInputError(f"本单位词库 {path} 已损坏（{exc}）。", code="local_corrupt") from None


def entry_problems(entries: Sequence[PackEntry]) -> list[str]:
    """One Chinese line per problem (the importer's checks): empty or over-long terms, unknown
    category or severity, a term that normalises to nothing, the same term twice, duplicate ids."""
    from app.lexicon.loader import MAX_TERM_CHARS
    from app.lexicon.terms import normalize_terms

    problems: list[str] = []
    categories = {c.value for c in Category}
    severities = {s.value for s in Severity}
    ids: set[str] = set()
    for n, e in enumerate(entries, start=1):
        where = f"第 {n} 条（“{e.term[:20]}”）"
        if not e.term.strip():
            problems.append(f"第 {n} 条：词条为空。")
        elif len(e.term) > MAX_TERM_CHARS or "\n" in e.term or "\r" in e.term:
            problems.append(f"{where}：词条过长或含换行（上限 {MAX_TERM_CHARS} 个字符）。")
        if e.category not in categories:
            problems.append(f"{where}：未知类别“{e.category}”。")
        if e.severity not in severities:
            problems.append(f"{where}：未知级别“{e.severity}”。")
        if e.id in ids:
            problems.append(f"{where}：编号“{e.id}”重复。")
        ids.add(e.id)
    seen: dict[tuple[str, str, bool], int] = {}
    for n, (e, norm) in enumerate(zip(entries, normalize_terms([e.term for e in entries]), strict=True), start=1):
        if e.term.strip() and not norm.strip():
            problems.append(f"第 {n} 条：词条“{e.term}”规范化后为空，无法匹配。")
            continue
        key = (norm.strip(), e.category, e.allow)
        if norm.strip() and key in seen:
            problems.append(f"第 {n} 条：词条“{e.term}”与第 {seen[key]} 条重复。")
        seen.setdefault(key, n)
    return problems


def next_id(entries: Sequence[PackEntry]) -> str:
    used = {e.id for e in entries}
    n = len(entries) + 1
    while f"{ID_PREFIX}{n:05d}" in used:
        n += 1
    return f"{ID_PREFIX}{n:05d}"


def _write(data_dir: Path, revision: int, entries: Sequence[PackEntry]) -> None:
    from app.exports.atomic import atomic_write_bytes
    from app.ledger.canonical import canonical_json
    from app.packs.format import Manifest, Pack
    from app.packs.layers import lexicon_csv

    root = local_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    doc = {"revision": revision, "entries": [e.to_json() for e in entries]}
    atomic_write_bytes(root / ENTRIES_FILE, (canonical_json(doc) + "\n").encode("utf-8"))
    csv_path = root / CSV_FILE
    if entries:
        pack = Pack(Manifest(LAYER, str(revision), "本单位"), tuple(entries))
        atomic_write_bytes(csv_path, lexicon_csv(pack))
    else:
        csv_path.unlink(missing_ok=True)


def change_local(ledger: Ledger, data_dir: Path, entries: Sequence[PackEntry], signer: KeySigner | None,
                 action: str, detail: dict[str, Any] | None = None) -> LocalLayer:
    """Replace the unit's entries (checked first: PackInputError listing every problem) and record
    `lexicon_local_changed` (signed by `signer`, else the workstation key). Entries without an id
    get a `local-NNNNN` one."""
    from dataclasses import replace

    problems = entry_problems(entries)
    if problems:
        raise PackInputError("本单位词库未保存：\n" + "\n".join(f"  {p}" for p in problems[:50]), code="local_invalid")
    fixed: list[PackEntry] = []
    for e in entries:
        fixed.append(e if e.id else replace(e, id=next_id([*fixed, *entries])))
    who = signer or ledger.workstation_signer()
    with ledger.transaction() as tx:
        current = read_local(data_dir)
        revision = current.revision + 1
        _write(data_dir, revision, fixed)
        csv_path = local_lexicon(data_dir)
        import hashlib

        sha = hashlib.sha256(csv_path.read_bytes()).hexdigest() if csv_path else ""
        tx.append(KIND, {"action": action, "revision": revision, "entries": len(fixed), "csv_sha256": sha,
                         **(detail or {})}, who)
    return LocalLayer(revision, tuple(fixed))


def add_local(ledger: Ledger, data_dir: Path, entry: PackEntry, signer: KeySigner | None = None) -> PackEntry:
    current = read_local(data_dir).entries
    if not entry.id:
        from dataclasses import replace

        entry = replace(entry, id=next_id(current))
    layer = change_local(ledger, data_dir, [*current, entry], signer, "add",
                         {"term": entry.term, "category": entry.category, "allow": entry.allow, "id": entry.id})
    return layer.entries[-1]


def remove_local(ledger: Ledger, data_dir: Path, key: str, signer: KeySigner | None = None) -> PackEntry:
    """Remove the entry with id `key`, or the one entry whose term is `key`."""
    current = read_local(data_dir).entries
    matches = [e for e in current if e.id == key] or [e for e in current if e.term == key]
    if not matches:
        raise PackInputError(f"本单位词库中没有编号或词条为“{key}”的条目。", code="usage")
    if len(matches) > 1:
        raise PackInputError(f"词条“{key}”有 {len(matches)} 条（{'、'.join(e.id for e in matches)}），请用编号删除。",
                             code="usage")
    gone = matches[0]
    change_local(ledger, data_dir, [e for e in current if e.id != gone.id], signer, "remove",
                 {"term": gone.term, "category": gone.category, "allow": gone.allow, "id": gone.id})
    return gone
