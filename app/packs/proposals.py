"""False-alarm proposals (误报建议) for the secrecy bureau.

Reviewers mark findings as false alarms (`finding_dismissed`, app.review.false_alarms). Exported
here as a CSV with the import headers — 词条, 类别, 白名单 (是), 范围, 理由, 说明 — one row per
distinct (text, category), so that `mishen lexicon import 误报建议.csv …` or the editor window
turns them into candidate allow entries. Each row says how often and where it was marked; the
bureau decides which ones become exceptions.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from app.ledger.store import Ledger

HEADERS = ("词条", "类别", "白名单", "范围", "理由", "说明")


@dataclass(frozen=True, slots=True)
class Proposal:
    term: str                 # the finding's text as marked
    category: str             # Category value
    reasons: tuple[str, ...]  # distinct reasons given
    reviews: tuple[str, ...]  # review ids where it was marked
    count: int                # how many marks
    rules: tuple[str, ...]    # rule / lexicon entry ids that produced the finding


def false_alarm_proposals(ledger: Ledger) -> list[Proposal]:
    """Every false alarm recorded in the ledger, grouped by (text, category), most marked first."""
    from app.review.false_alarms import KIND
    from app.review.service import load_review

    categories: dict[tuple[str, int, str], str] = {}
    seen_reviews: set[str] = set()
    groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for ev in ledger.events(kinds=(KIND,)):
        p = ev.payload
        review_id, version, finding_id = str(p.get("review_id", "")), int(p.get("version", 0)), str(p["finding_id"])
        if review_id not in seen_reviews:
            seen_reviews.add(review_id)
            try:
                review = load_review(ledger, review_id)
            except Exception:  # a review that no longer projects: its marks keep no category
                review = None
            if review is not None:
                for v in review.versions:
                    for f in v.findings:
                        categories[(review_id, v.number, f.id)] = f.category
        category = categories.get((review_id, version, finding_id), "")
        text = str(p.get("finding_text", "")).strip()
        if not text:
            continue
        groups.setdefault((text, category), []).append((str(p.get("reason", "")).strip(), review_id,
                                                        str(p.get("rule", ""))))
    out = [Proposal(text, category, tuple(dict.fromkeys(r for r, _, _ in marks if r)),
                    tuple(dict.fromkeys(rv for _, rv, _ in marks)), len(marks),
                    tuple(dict.fromkeys(ru for _, _, ru in marks if ru)))
           for (text, category), marks in groups.items()]
    out.sort(key=lambda p: (-p.count, p.term))
    return out


def proposals_csv(proposals: list[Proposal]) -> bytes:
    buf = io.StringIO(newline="")
    buf.write("# 误报建议：审核人员标为误报的发现，供保密局决定是否列为白名单（例外）。\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADERS)
    for p in proposals:
        note = f"误报 {p.count} 次；审核单 {'、'.join(p.reviews[:5])}{'等' if len(p.reviews) > 5 else ''}"
        if p.rules:
            note += f"；规则 {'、'.join(p.rules[:3])}"
        writer.writerow((_cell(p.term), p.category, "是", "", _cell("；".join(p.reasons)), note))
    return buf.getvalue().encode("utf-8-sig")


def _cell(text: str) -> str:
    """No spreadsheet formula out of a reviewer's text (=, +, -, @ first)."""
    from app.exports.atomic import neutralise

    value = neutralise(text)
    return value if isinstance(value, str) else str(value)


def export_proposals(ledger: Ledger, output: str | os.PathLike[str]) -> tuple[Path, int]:
    from app.exports.atomic import atomic_write_bytes

    proposals = false_alarm_proposals(ledger)
    return atomic_write_bytes(Path(output), proposals_csv(proposals)), len(proposals)
