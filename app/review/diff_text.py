"""A version diff as terminal text (the window shows the same lines in its dialog)."""

from __future__ import annotations

from app.review.revision import VersionDiff

SEVERITY_NAMES = {"block": "禁止发布", "high": "高风险", "medium": "需核实", "low": "提示"}
SHOWN = 40       # paragraphs printed per side; the counts are exact


def _clip(text: str, n: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def diff_lines(diff: VersionDiff) -> list[str]:
    lines = [diff.summary()]
    if diff.changes_required:
        lines.append("须修改的内容：")
        gone = {d.finding_id for d in diff.changes_required} - {d.finding_id for d in diff.changes_missing}
        for d in diff.changes_required:
            mark = "已修改" if d.finding_id in gone else "仍存在"
            lines.append(f"  [{mark}] “{_clip(d.finding_text, 40)}”（{d.text}）")
    for title, items, sign in (("删除的文字", diff.removed, "-"), ("增加的文字", diff.added, "+")):
        count = diff.removed_count if sign == "-" else diff.added_count
        if count:
            lines.append(f"{title}（{count} 段）：")
            lines.extend(f"  {sign} {_clip(t)}" for t in items[:SHOWN])
            if count > SHOWN:
                lines.append(f"  …… 另 {count - SHOWN} 段")
    for title, refs in (("消失的问题", diff.findings_gone), ("新出现的问题", diff.findings_new)):
        if refs:
            lines.append(f"{title}（{len(refs)} 处）：")
            lines.extend(f"  [{SEVERITY_NAMES.get(f.severity.value, f.severity.value)}] “{_clip(f.text, 40)}” "
                         f"{f.where}" for f in refs[:SHOWN])
    return lines


def diff_text(diff: VersionDiff) -> str:
    return "\n".join(diff_lines(diff))
