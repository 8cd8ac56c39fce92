"""`lexicon test`: a candidate pack's vectors, and what-if scans — each document scanned with the
installed lexicons and with the candidate, listing the findings that appear or vanish."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app.model import DocumentReport, Finding
from app.packs.format import Pack
from app.packs.layers import lexicon_csv

FindingKey = tuple[str, str, str, int]


def _key(f: Finding) -> FindingKey:
    return (f.category.value, f.severity.value, f.text, f.start)


def compare(old: DocumentReport, new: DocumentReport) -> tuple[list[Finding], list[Finding]]:
    """(appear, vanish) between two reports of the same document."""
    before = {_key(f): f for f in old.findings}
    after = {_key(f): f for f in new.findings}
    return ([f for k, f in after.items() if k not in before], [f for k, f in before.items() if k not in after])


def run_test(pack: Pack, docs: Sequence[str], data_dir: Path, out: TextIO) -> int:
    """Print the vector results and the per-document differences; 1 when a vector fails."""
    from app.packs.service import candidate_engine
    from app.packs.vectors import summary, vector_failures
    from app.scan import Engine, expand_paths

    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / f"{pack.manifest.version}.csv"  # as installed: one cache entry
        staged.write_bytes(lexicon_csv(pack))
        candidate = candidate_engine(data_dir, pack, staged)
        with_local = candidate_engine(data_dir, pack, staged, with_local=True) if docs else candidate
    failures = vector_failures(pack, candidate)
    out.write(f"词库包 {pack.label}：{summary(failures, pack)}\n")
    for line in failures:
        out.write(f"  ✗ {line}\n")
    paths = expand_paths(list(docs)) if docs else []
    if paths:
        installed = Engine.load(data_dir=data_dir)
        current = "、".join(f"{i.name} {i.version}" for i in installed.lexicons)
        out.write(f"对照：已启用（{current}） ↔ 候选（{pack.label}）\n")
        changed = 0
        for path in paths:
            appear, vanish = compare(installed.scan_file(path), with_local.scan_file(path))
            if not appear and not vanish:
                continue
            changed += 1
            out.write(f"{path}：新增 {len(appear)}，消失 {len(vanish)}\n")
            for f in appear:
                out.write(f"  + [{f.category.value}/{f.severity.value}] “{f.text}”（{f.rule}）\n")
            for f in vanish:
                out.write(f"  - [{f.category.value}/{f.severity.value}] “{f.text}”（{f.rule}）\n")
        out.write(f"共 {len(paths)} 个文件，{changed} 个的发现有变化。\n")
    return 1 if failures else 0
