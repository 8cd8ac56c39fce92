"""The scan a review pins: the engine's DocumentReport plus the report JSON whose canonical hash
every sign-off signs. Scanners are injectable (the UI passes its loaded engine)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.ledger.canonical import canonical_bytes, sha256_hex
from app.model import DocumentReport

if TYPE_CHECKING:
    from app.scan import Engine


@dataclass(frozen=True)
class ScanResult:
    report: DocumentReport
    pinned: dict[str, Any]           # ScanReport.to_json() for this one document

    @property
    def sha256(self) -> str:
        return report_sha256(self.pinned)


Scanner = Callable[[Path], ScanResult]


def report_sha256(pinned: dict[str, Any]) -> str:
    return sha256_hex(canonical_bytes(pinned))


def engine_scanner(engine: Engine) -> Scanner:
    from app.scan import build_report

    def scan(path: Path) -> ScanResult:
        report = engine.scan_file(path)
        return ScanResult(report, build_report(engine, [report]).to_json())

    return scan


_DEFAULT: list[Scanner] = []
_WITH_PACKS: dict[tuple[Path, bytes], Scanner] = {}


def default_scanner(data_dir: Path | None = None) -> Scanner:
    """The bundled lexicons and rules, loaded once per process — or, when `data_dir` has active
    lexicon packs or a local layer (app.packs), those, loaded once per data directory and state."""
    from app.packs.layers import lexicon_state

    state = lexicon_state(data_dir) if data_dir is not None else b""
    if data_dir is not None and state:
        key = (data_dir, state)
        if key not in _WITH_PACKS:
            from app.scan import Engine

            _WITH_PACKS[key] = engine_scanner(Engine.load(data_dir=data_dir))
        return _WITH_PACKS[key]
    if not _DEFAULT:
        from app.scan import Engine

        _DEFAULT.append(engine_scanner(Engine.load()))
    return _DEFAULT[0]


def findings_json(pinned: dict[str, Any]) -> list[dict[str, Any]]:
    docs = pinned.get("documents") or []
    if not docs:
        return []
    return list(docs[0].get("findings") or [])


def display_name(path: str | os.PathLike[str]) -> str:
    return Path(path).name
