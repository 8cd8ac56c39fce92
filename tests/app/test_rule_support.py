"""Helpers for the composite-rule tests: in-memory documents through the real normaliser and rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.doc_kind import detect_kind
from app.model import Document, Finding, Location, Part, Segment
from app.normalize import normalize_document
from app.rules.base import Rule, ScanContext
from app.rules.kind_quiet import quiet_for_kind
from app.scan import Engine


@dataclass(frozen=True)
class Found:
    text: str           # exactly as in the original document
    severity: str
    rule: str


def body(*paragraphs: str, soft_breaks: bool = False) -> list[Segment]:
    return [Segment(p, Location(Part.BODY, paragraph=i + 1), soft_breaks=soft_breaks)
            for i, p in enumerate(paragraphs)]


def docx_table(rows: Sequence[Sequence[str]], table: int = 1) -> list[Segment]:
    return [Segment(text, Location(Part.TABLE, table=table, cell=f"R{r}C{c}"))
            for r, row in enumerate(rows, 1) for c, text in enumerate(row, 1)]


def xlsx_sheet(rows: Sequence[Sequence[str]], sheet: str = "Sheet1") -> list[Segment]:
    return [Segment(text, Location(Part.CELL, sheet=sheet, cell=f"{chr(64 + c)}{r}"))
            for r, row in enumerate(rows, 1) for c, text in enumerate(row, 1)]


def context_of(segments: Sequence[Segment], fmt: str = "txt") -> ScanContext:
    """As the pipeline builds it, with the document kind detected (app/doc_kind.py)."""
    doc = Document.build(f"t.{fmt}", fmt, "0" * 64, list(segments))
    norm = normalize_document(doc)
    return ScanContext(doc, norm, kind=detect_kind(norm.text))


def run(rule: Rule, segments: Sequence[Segment] | str, fmt: str = "txt") -> list[Found]:
    if isinstance(segments, str):
        segments = body(segments)
    ctx = context_of(segments, fmt)
    out = []
    for h in quiet_for_kind(ctx, list(rule.find(ctx))):  # document kind as context, as in the pipeline
        a, b = ctx.norm.to_original(h.start, h.end)
        out.append(Found(ctx.document.text[a:b].strip(), h.severity.value, h.rule))
    return sorted(out, key=lambda f: ctx.document.text.find(f.text))


def texts(found: list[Found], *severities: str) -> list[str]:
    return [f.text for f in found if not severities or f.severity in severities]


def loud(found: list[Found]) -> list[Found]:
    return [f for f in found if f.severity in ("high", "block")]


def scan_txt(engine: Engine, folder: Path, text: str) -> list[Finding]:
    """The findings of the whole pipeline (lexicons, every rule, de-duplication) on `text` as a
    UTF-8 .txt draft written in `folder`."""
    path = folder / "稿.txt"
    path.write_text(text, encoding="utf-8")
    report = engine.scan_file(path)
    assert report.error is None, report.error
    return list(report.findings)


def test_helpers_build_located_segments() -> None:
    ctx = context_of([*body("正文"), *docx_table([["a", "b"]]), *xlsx_sheet([["x"]], "月报")])
    parts = [s.location.part for s in ctx.document.segments]
    assert parts == [Part.BODY, Part.TABLE, Part.TABLE, Part.CELL]
    assert ctx.document.segments[2].location.cell == "R1C2"
    assert ctx.document.segments[3].location.cell == "A1"
