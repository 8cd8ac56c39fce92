"""Running a pack's test vectors with the real engine (all rules, the pack as its lexicon)."""

from __future__ import annotations

from collections.abc import Sequence

from app.model import Document, DocumentReport, Location, Part, Segment, Severity
from app.packs.format import Pack, Vector
from app.scan import Engine


def scan_text(engine: Engine, text: str) -> DocumentReport:
    doc = Document.build("vector.txt", "txt", "0" * 64, [Segment(text, Location(Part.BODY, paragraph=1))])
    return engine.scan_document(doc)


def _hits(report: DocumentReport, v: Vector) -> bool:
    floor = Severity(v.min_severity).rank if v.min_severity else 0
    return any((not v.category or f.category.value == v.category) and f.severity.rank >= floor
               for f in report.findings)


def vector_failures(pack: Pack, engine: Engine) -> list[str]:
    """One Chinese line per failing vector (empty: all pass)."""
    failures: list[str] = []
    for i, v in enumerate(pack.must_flag, start=1):
        if not _hits(scan_text(engine, v.text), v):
            want = f"{v.category or '任意类别'}、至少 {v.min_severity or '任意级别'}"
            failures.append(f"应检出第 {i} 条未检出（{want}）：“{v.text}”")
    for i, v in enumerate(pack.must_not_flag, start=1):
        report = scan_text(engine, v.text)
        if _hits(report, v):
            found = "、".join(f"“{f.text}”（{f.category.value}/{f.severity.value}）" for f in report.findings[:3])
            failures.append(f"不应检出第 {i} 条被检出：“{v.text}” → {found}")
    return failures


def summary(failures: Sequence[str], pack: Pack) -> str:
    total = len(pack.must_flag) + len(pack.must_not_flag)
    return f"测试用例 {total - len(failures)}/{total} 通过"
