"""未发布的经济数据 (第八条(一)): an indicator with a quantity and a cue that it is not yet released.

Prose: a cue (初步统计, 快报, 尚未发布…) is found first; only its sentence is then searched for
indicators (地区生产总值, 财政收入…) and quantities (12.6亿元, 3.4%). The first quantity after each
indicator is reported; growth rates that follow the same indicator are reported more quietly.
Tables: a number in a docx table cell or a spreadsheet cell whose row header, column header,
table title or sheet name carries the cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.model import Category, Part, Severity
from app.normalize import normalize
from app.rules.base import Hit, ScanContext
from app.rules.common import BASIS_ART8, RuleMeta, segment_span
from app.rules.stat_vocab import (
    BARE_NUMBER_RE,
    FUTURE_RE,
    PUBLISHED_RE,
    QUANTITY_RE,
    UNIT_HINT_RE,
    YEAR_RE,
)

META = RuleMeta(Category.UNPUBLISHED_STATISTIC, "unpublished_statistic", f"{BASIS_ART8}(一)")
_SUGGESTION = "核实该数据是否已由统计部门正式发布；未发布的数据删除或改用已公开发布的数据，并注明来源。"


class StatisticRule:
    id = "unpublished_statistic"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        text = ctx.text
        grids = _grids(ctx)
        in_text = ctx.vocab.cue_re.search(text) is not None
        if not in_text and not any(ctx.vocab.cue_re.search(g.title) for g in grids):
            return []
        # a published statistical bulletin is quieted by its document kind (app/rules/kind_quiet.py)
        return [*(self._prose(ctx) if in_text else ()), *(h for g in grids for h in g.hits(ctx))]

    # --- prose -------------------------------------------------------------------------------

    def _prose(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        seen: set[int] = set()
        for cue in ctx.vocab.cue_re.finditer(text):
            s, e = ctx.sentence(cue.start(), cue.end())
            if s in seen:
                continue
            seen.add(s)
            if PUBLISHED_RE.search(text, s, e):
                continue
            strong = ctx.vocab.strong_cue_re.search(text, s, e) is not None
            if not strong and FUTURE_RE.search(text, s, e):
                continue  # a target or projection, not a measured figure
            indicators = [m.start() for m in ctx.vocab.indicator_re.finditer(text, s, e)]
            if not indicators:
                continue
            claimed: set[int] = set()
            for q in QUANTITY_RE.finditer(text, s, e):
                owner = max((i for i in indicators if i < q.start()), default=None)
                if owner is None:
                    continue
                first = owner not in claimed
                claimed.add(owner)
                if strong:
                    sev = Severity.HIGH if first else Severity.MEDIUM
                elif first:
                    sev = Severity.MEDIUM
                else:
                    continue
                cue_word = (ctx.vocab.strong_cue_re.search(text, s, e) or cue)[0]
                yield META.hit(q.start(), q.end(), sev, "prose",
                               f"“{q[0]}”所在句含“{cue_word}”，疑为尚未正式发布的统计数据。", _SUGGESTION)


@dataclass
class _Cell:
    start: int      # normalised span of the cell text
    end: int
    text: str


@dataclass
class _Grid:
    title: str      # sheet name and/or a title row spanning the table
    cells: dict[tuple[int, int], _Cell]

    def hits(self, ctx: ScanContext) -> Iterator[Hit]:
        if not self.cells:
            return
        rows = sorted({r for r, _ in self.cells})
        title = self.title
        first = [c for (r, _), c in self.cells.items() if r == rows[0]]
        first_texts = {c.text for c in first if c.text}
        if len(rows) > 2 and len(first_texts) == 1 and not _is_value(next(iter(first_texts))):
            title += " " + next(iter(first_texts))
            rows = rows[1:]
        # a header row/column holds labels only; a key/value table has no header row
        header_row = rows[0] if not any(_is_value(c.text) for (r, _), c in self.cells.items()
                                        if r == rows[0]) else None
        header_col = min(c for _, c in self.cells)
        for (r, c), cell in self.cells.items():
            if r == header_row or c == header_col or r < rows[0]:
                continue
            row_head = self.cells.get((r, header_col))
            col_head = self.cells.get((header_row, c)) if header_row is not None else None
            heads = " ".join([title, row_head.text if row_head else "", col_head.text if col_head else ""])
            cue = ctx.vocab.cue_re.search(heads)
            if cue is None or PUBLISHED_RE.search(heads):
                continue
            strong = ctx.vocab.strong_cue_re.search(heads) is not None
            if not strong and FUTURE_RE.search(heads):
                continue
            indicator = ctx.vocab.indicator_re.search(heads) or ctx.vocab.indicator_re.search(cell.text)
            sev = Severity.HIGH if strong and indicator else Severity.MEDIUM
            for s, e, shown in _quantities(cell, heads):
                yield META.hit(s, e, sev, "table",
                               f"表格数值“{shown}”的表头或标题含“{cue[0]}”，疑为尚未正式发布的统计数据。",
                               _SUGGESTION)


def _is_value(text: str) -> bool:
    """A cell holding a figure rather than a label."""
    stripped = text.strip()
    return QUANTITY_RE.search(stripped) is not None or (
        BARE_NUMBER_RE.fullmatch(stripped) is not None and YEAR_RE.fullmatch(stripped) is None)


def _quantities(cell: _Cell, heads: str) -> Iterator[tuple[int, int, str]]:
    found = False
    for q in QUANTITY_RE.finditer(cell.text):
        found = True
        yield cell.start + q.start(), cell.start + q.end(), q[0]
    if found:
        return
    stripped = cell.text.strip()
    m = BARE_NUMBER_RE.fullmatch(stripped)
    if m is None or YEAR_RE.fullmatch(stripped):
        return
    if "." in stripped or UNIT_HINT_RE.search(heads):
        s = cell.start + cell.text.index(stripped)
        yield s, s + len(stripped), stripped


_XLSX_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")
_DOCX_REF = re.compile(r"R(\d+)C(\d+)", re.IGNORECASE)


def _cell_position(ref: str | None) -> tuple[int, int] | None:
    if not ref:
        return None
    m = _DOCX_REF.fullmatch(ref)
    if m:
        return int(m[1]), int(m[2])
    m = _XLSX_REF.fullmatch(ref)
    if m:
        col = 0
        for ch in m[1].upper():
            col = col * 26 + ord(ch) - 64
        return int(m[2]), col
    return None


def _grids(ctx: ScanContext) -> list[_Grid]:
    grids: dict[tuple[str, object], _Grid] = {}
    for seg in ctx.document.segments:
        loc = seg.location
        if loc.part is Part.TABLE:
            key: tuple[str, object] = ("table", loc.table)
            title = ""
        elif loc.part is Part.CELL:
            key = ("sheet", loc.sheet)
            title = loc.sheet or ""
        else:
            continue
        pos = _cell_position(loc.cell)
        if pos is None:
            continue
        s, e = segment_span(ctx, seg)
        grid = grids.setdefault(key, _Grid(normalize(title).text if title else "", {}))
        grid.cells.setdefault(pos, _Cell(s, e, ctx.text[s:e]))
    return list(grids.values())


RULE = StatisticRule()
