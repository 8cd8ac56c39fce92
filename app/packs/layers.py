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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.model import LexiconInfo
from app.packs.errors import PackCheckError

if TYPE_CHECKING:  # `mishen scan` imports this module: it must not pull in the ledger (sqlite-utils)
    from app.packs.format import Pack

PACKS_DIR = "lexicon-packs"
ACTIVE_FILE = "active.json"
CSV_COLUMNS = ("id", "term", "category", "severity", "basis", "suggestion", "note", "allow", "options")


@dataclass(frozen=True, slots=True)
class ActivePack:
    id: str
    version: str
    sha256: str                    # of the signed pack file
    csv: Path
    csv_sha256: str


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


def write_active(data_dir: Path, packs: dict[str, dict[str, Any]]) -> None:
    from app.exports.atomic import atomic_write_bytes

    root = packs_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(root / ACTIVE_FILE, (json.dumps({"packs": packs}, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))


def active_packs(data_dir: Path) -> list[ActivePack]:
    """The active packs in id order, each file checked against its recorded hash."""
    out: list[ActivePack] = []
    for pack_id, rec in sorted(read_active(data_dir).items()):
        version = str(rec["version"])
        for suffix, key in ((".json", "sha256"), (".csv", "csv_sha256")):
            path = pack_file(data_dir, pack_id, version, suffix)
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                sha = ""
            if sha != rec.get(key):
                raise PackCheckError(f"已启用的词库包 {pack_id} {version} 的文件 {path.name} 缺失或被改动，"
                                     "已拒绝使用；请重新安装或回退。", code="pack_altered")
        out.append(ActivePack(pack_id, version, str(rec["sha256"]), pack_file(data_dir, pack_id, version, ".csv"),
                              str(rec["csv_sha256"])))
    return out


def relabel(infos: Sequence[LexiconInfo], packs: Sequence[ActivePack]) -> tuple[LexiconInfo, ...]:
    """Lexicon infos with each pack's lexicon named by the pack's own sha256."""
    by_csv = {p.csv_sha256: p for p in packs}
    out = []
    for info in infos:
        p = by_csv.get(info.sha256)
        out.append(info if p is None else replace(info, name=p.id, version=p.version, sha256=p.sha256))
    return tuple(out)
