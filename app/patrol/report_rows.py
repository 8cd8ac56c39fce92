"""What the patrol reports (html, xlsx) print, as plain rows: one place for the Chinese names,
the site sections, the page titles and the counts, so both reports say the same thing."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from app.exports.labels import SEVERITY_NAMES, location_text
from app.model import Finding, Severity
from app.patrol.model import ItemKind, ItemStatus, PatrolItem, PatrolRun

ITEM_STATUS_NAMES = {ItemStatus.NEW.value: "新增", ItemStatus.CHANGED.value: "已改动",
                     ItemStatus.UNCHANGED.value: "未变", ItemStatus.REMOVED.value: "已删除"}
APPROVAL_NAMES = {"approved": "与审核通过版本一致", "changed": "审核通过后被改动", "unreviewed": "未经审核"}
KIND_NAMES = {ItemKind.PAGE.value: "网页", ItemKind.ATTACHMENT.value: "附件"}
PROBLEM_NAMES = {"broken_link": "失效链接", "outside_link": "指向镜像之外的链接", "outside": "镜像之外的文件",
                 "unlistable": "无法列出的目录", "repeated_link": "重复链接", "too_many_links": "链接过多",
                 "vanished": "文件在巡查中消失", "changed_during_patrol": "文件在巡查中被改动",
                 "link_loop": "链接循环", "approved_copy_unreadable": "审核通过版本的副本无法读取"}
SEVERITY_ORDER = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))
ROOT_SECTION = "（根目录）"
_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def severity_name(value: str) -> str:
    return SEVERITY_NAMES.get(value, value)


def section_of(item: PatrolItem) -> str:
    """The site section: the first folder of the path below the site's host folder (a mirror
    keeps each site under "www.example.gov.cn/"), or 根目录 for a file at the top."""
    parts = PurePosixPath(item.location or item.path).parts
    if len(parts) > 1 and _HOST.match(parts[0]):
        parts = parts[1:]
    return parts[0] if len(parts) > 1 else ROOT_SECTION


def finding_where(f: Finding) -> str:
    """正文 第3段, 网页标题, 隐藏文字 html 注释, …"""
    return location_text(f.location)


def page_title(item: PatrolItem, limit: int = 65536) -> str:
    """The <title> of an html page's local copy (empty when it is no page or cannot be read). The
    title is shown as text — it may well be hostile (injected spam, markup)."""
    if item.kind is not ItemKind.PAGE or not item.local_path:
        return ""
    try:
        with open(item.local_path, "rb") as fh:
            head = fh.read(limit)
    except OSError:
        return ""
    m = _TITLE.search(head)
    if not m:
        return ""
    import html

    from app.readers.encoding import decode

    declared = _CHARSET.search(head[:4096])
    try:
        text, _ = decode(m.group(1), declared.group(1).decode("ascii", "replace") if declared else None)
    except Exception:  # an undecodable title is no reason to fail a report
        text = m.group(1).decode("utf-8", "replace")
    return " ".join(html.unescape(text).split())[:300]


@dataclass(frozen=True, slots=True)
class FindingRow:
    severity: str          # "block", …
    category: str          # "secret_mark", …
    text: str
    where: str             # Chinese location
    rule: str              # Chinese rule name
    message: str
    count: int


def finding_rows(item: PatrolItem) -> list[FindingRow]:
    return [FindingRow(f.severity.value, f.category.value, f.text, finding_where(f), f.rule_name, f.message, f.count)
            for f in sorted(item.findings, key=lambda f: (-f.severity.rank, f.start))]


def problem_items(run: PatrolRun) -> list[PatrolItem]:
    """Items that belong in the problem list (findings, or changed after approval): the loudest
    first, pages changed after approval before others of the same level, then by location."""
    items = [i for i in run.items if i.status is not ItemStatus.REMOVED and (i.findings or i.approval == "changed")]
    return sorted(items, key=lambda i: (-(i.worst.rank if i.worst else -1), i.approval != "changed",
                                        i.location or i.path))


def error_items(run: PatrolRun) -> list[PatrolItem]:
    return [i for i in run.items if i.error]


def severity_counts(run: PatrolRun) -> list[tuple[str, int]]:
    counts = dict(run.counts.by_severity) if run.counts.by_severity else {}
    if not counts:
        c: Counter[str] = Counter(f.severity.value for i in run.items for f in i.findings)
        counts = dict(c)
    return [(s, int(counts.get(s, 0))) for s in SEVERITY_ORDER]


def category_counts(run: PatrolRun) -> list[tuple[str, int]]:
    if run.counts.by_category:
        pairs = [(k, int(v)) for k, v in run.counts.by_category]
    else:
        pairs = list(Counter(f.category.value for i in run.items for f in i.findings).items())
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))


def section_counts(items: Iterable[PatrolItem]) -> list[tuple[str, int, int]]:
    """(section, files, findings) for every section that has files, most findings first."""
    files: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for i in items:
        if i.status is ItemStatus.REMOVED:
            continue
        s = section_of(i)
        files[s] += 1
        found[s] += len(i.findings)
    return sorted(((s, files[s], found[s]) for s in files), key=lambda t: (-t[2], -t[1], t[0]))


def approval_counts(items: Sequence[PatrolItem]) -> list[tuple[str, int]]:
    c = Counter(i.approval for i in items if i.approval)
    return [(k, c.get(k, 0)) for k in APPROVAL_NAMES]


def lexicon_text(run: PatrolRun) -> str:
    return "；".join(f"{lx.name} {lx.version}" for lx in run.lexicons) or "—"


def ocr_text(run: PatrolRun) -> str:
    """The OCR mode of a run and the pages it read by OCR (about 2 s each)."""
    from app.ocr.options import MODE_NAMES

    return f"{MODE_NAMES.get(run.ocr, run.ocr)}；本次识别 {run.counts.ocr_pages} 页"
