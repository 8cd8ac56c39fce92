"""Plain, frozen values of a patrol (读网 / 巡查, issue 13).

A patrol walks one or more SOURCEs (a folder or a saved website mirror), scans every page and
attachment once per content hash (`app.patrol.pool`, `app.patrol.cluster`), compares with the
previous run in the patrol database (`app.patrol.db`) and produces one `PatrolRun`.

Who uses what:
- `app.patrol.service.patrol(...)` yields `PatrolProgress` while it works and finally a
  `PatrolRun` (the CLI and the UI iterate it).
- The report modules receive a `PatrolRun`, plus, for trends, the summaries of the previous runs
  of the same sources (`PatrolSummary`, oldest first, the current run not included):
  `write_html_report(run, path, history)`, `write_xlsx_report(run, path)`.
- `app.patrol.approval` fills `PatrolItem.approval` (with `dataclasses.replace`) and may give the
  difference in `PatrolItem.approval_detail`; the engine leaves both None.

Findings are the normal scan `app.model.Finding` objects (offsets into the page's text as the
reader built it). Where in a page a finding sits: `finding_part(f)` gives one of `PART_TITLE`,
`PART_BODY`, `PART_ATTRIBUTE`, `PART_HIDDEN`, `PART_METADATA` (for attachments: the part of the
document, e.g. "header" or "cell"); `f.location` has the detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from app.model import Finding, LexiconInfo, Part, Severity


class ItemKind(str, Enum):
    PAGE = "page"               # an html page
    ATTACHMENT = "attachment"   # a document (docx/pdf/xlsx/…) in the mirror, linked or not


class ItemStatus(str, Enum):
    """Against the previous run of the same sources (no previous run: everything is NEW)."""

    NEW = "new"
    CHANGED = "changed"         # same path, other content hash
    UNCHANGED = "unchanged"
    REMOVED = "removed"         # in the previous run, gone now (no findings, no hash)


PART_TITLE = "title"
PART_BODY = "body"
PART_ATTRIBUTE = "attribute"
PART_HIDDEN = "hidden"
PART_METADATA = "metadata"

_PAGE_PART = {Part.TITLE: PART_TITLE, Part.ATTRIBUTE: PART_ATTRIBUTE, Part.HIDDEN: PART_HIDDEN,
              Part.METADATA: PART_METADATA, Part.COMMENT: PART_HIDDEN}


def finding_part(finding: Finding, kind: ItemKind = ItemKind.PAGE) -> str:
    """title / body / attribute / hidden / metadata for a page; the document part for an attachment."""
    part = finding.location.part
    if kind is ItemKind.PAGE:
        return _PAGE_PART.get(part, PART_BODY)
    return part.value


def finding_key(finding: Finding, kind: ItemKind = ItemKind.PAGE) -> str:
    """What identifies "the same problem" on the same path across runs: the rule, the part and
    the text (not the offsets — a line added above must not make every finding new)."""
    return f"{finding.rule}|{finding_part(finding, kind)}|{finding.text}"


@dataclass(frozen=True)
class PatrolItem:
    """One file of a source."""

    source: str                     # the SOURCE as given on the command line (absolute)
    path: str                       # relative to the source root, "/"-separated
    location: str                   # url-ish: "www.example.gov.cn/news/a.html" for a mirror, else the path
    local_path: str                 # absolute path of the local copy (reports link to it)
    kind: ItemKind
    status: ItemStatus
    sha256: str | None              # None when it could not be read (or REMOVED)
    size: int
    format: str | None = None       # "html", "docx", "pdf", "xlsx", …
    findings: tuple[Finding, ...] = ()
    error: str | None = None        # Chinese message for people: unreadable, vanished, time limit, worker died
    error_code: str | None = None   # "vanished", "timeout", "worker_died", "corrupt", "unsupported", …
    scanned: bool = False           # scanned in this run (False: results reused from the database or a duplicate)
    duplicate_of: str | None = None  # path of the item with the same content that was scanned
    linked_from: tuple[str, ...] = ()  # paths of up to a few pages that link here (attachments)
    approval: str | None = None     # filled by app.patrol.approval: "approved" / "changed" / "unreviewed"
    approval_detail: str | None = None  # filled by app.patrol.approval: e.g. the added text
    approval_added: tuple[str, ...] = ()    # filled by app.patrol.approval: text (and links) added since approval
    approval_removed: tuple[str, ...] = ()  # filled by app.patrol.approval: approved text no longer there
    approval_review: str | None = None      # filled by app.patrol.approval: the approved version it was compared with

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "path": self.path, "location": self.location,
                "local_path": self.local_path, "kind": self.kind.value, "status": self.status.value,
                "sha256": self.sha256, "size": self.size, "format": self.format,
                "error": self.error, "error_code": self.error_code, "scanned": self.scanned,
                "duplicate_of": self.duplicate_of, "linked_from": list(self.linked_from),
                "approval": self.approval, "approval_detail": self.approval_detail,
                "approval_added": list(self.approval_added), "approval_removed": list(self.approval_removed),
                "approval_review": self.approval_review,
                "findings": [{**f.to_json(), "part": finding_part(f, self.kind)} for f in self.findings]}


@dataclass(frozen=True, slots=True)
class PatrolProblem:
    """A line for the report that is not a scanned file: a broken link, a link loop, a folder
    that cannot be listed, a link repeated thousands of times."""

    source: str
    path: str                       # the page (or folder) where it was seen, relative to the source
    code: str                       # "broken_link", "outside_link", "unlistable", "repeated_link", "vanished", …
    message: str                    # Chinese, for people
    target: str | None = None       # the link target, when there is one

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "path": self.path, "code": self.code, "message": self.message,
                "target": self.target}


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A finding that is new in this run, or resolved (was in the previous run, is gone now)."""

    path: str
    location: str
    key: str                        # finding_key(...)
    rule: str
    category: str
    severity: str
    text: str
    part: str

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "location": self.location, "key": self.key, "rule": self.rule,
                "category": self.category, "severity": self.severity, "text": self.text, "part": self.part}


@dataclass(frozen=True, slots=True)
class PatrolCounts:
    files: int = 0                  # items present now (pages + attachments)
    pages: int = 0
    attachments: int = 0
    scanned: int = 0                # scanned in this run
    reused: int = 0                 # results taken from the database (unchanged, same packs)
    duplicates: int = 0             # same content as another item of this run: scanned once
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    with_findings: int = 0          # items with at least one finding
    findings: int = 0
    new_findings: int = 0
    resolved_findings: int = 0
    errors: int = 0                 # items with an error
    problems: int = 0               # PatrolProblem lines
    ocr_pages: int = 0              # pages recognised by OCR in this run (about 2 s each)
    by_severity: tuple[tuple[str, int], ...] = ()  # ("block", 3), … every severity, loudest first
    by_category: tuple[tuple[str, int], ...] = ()  # ("secret_mark", 2), … only categories seen

    def to_json(self) -> dict[str, object]:
        return {"files": self.files, "pages": self.pages, "attachments": self.attachments,
                "scanned": self.scanned, "reused": self.reused, "duplicates": self.duplicates,
                "new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "removed": self.removed, "with_findings": self.with_findings, "findings": self.findings,
                "new_findings": self.new_findings, "resolved_findings": self.resolved_findings,
                "errors": self.errors, "problems": self.problems, "ocr_pages": self.ocr_pages,
                "by_severity": dict(self.by_severity), "by_category": dict(self.by_category)}


@dataclass(frozen=True, slots=True)
class PatrolSummary:
    """A past run, as the database keeps it (for trend charts)."""

    run_id: str
    started: str
    finished: str
    sources: tuple[str, ...]
    counts: PatrolCounts

    def to_json(self) -> dict[str, object]:
        return {"run_id": self.run_id, "started": self.started, "finished": self.finished,
                "sources": list(self.sources), "counts": self.counts.to_json()}


@dataclass(frozen=True)
class PatrolRun:
    run_id: str                     # the database's id of this run (a uuid4 hex)
    sources: tuple[str, ...]        # absolute
    started: str                    # ISO 8601 UTC, seconds
    finished: str
    who: str | None                 # the user, or None for the workstation
    tool_version: str
    lexicons: tuple[LexiconInfo, ...]   # the pack versions the scan used
    lexicons_changed: bool          # packs differ from the previous run: everything was rescanned
    previous_run_id: str | None
    workers: int
    cluster: str | None             # the scheduler address, when run on a cluster
    items: tuple[PatrolItem, ...]   # present items sorted by (source, path), then REMOVED ones
    problems: tuple[PatrolProblem, ...] = ()
    new_findings: tuple[FindingChange, ...] = ()
    resolved_findings: tuple[FindingChange, ...] = ()
    counts: PatrolCounts = field(default_factory=PatrolCounts)
    ocr: str = "auto"               # the OCR mode of the scan (app.ocr.options.OCR_MODES)
    rescanned_all: bool = False     # the engine differs from the previous run's (lexicons, tool version, OCR mode)

    def to_json(self) -> dict[str, object]:
        return {"run_id": self.run_id, "sources": list(self.sources), "started": self.started,
                "finished": self.finished, "who": self.who, "tool": {"name": "mishen", "version": self.tool_version},
                "lexicons": [lx.to_json() for lx in self.lexicons], "lexicons_changed": self.lexicons_changed,
                "rescanned_all": self.rescanned_all,
                "previous_run_id": self.previous_run_id, "workers": self.workers, "cluster": self.cluster,
                "ocr": self.ocr, "counts": self.counts.to_json(), "items": [i.to_json() for i in self.items],
                "problems": [p.to_json() for p in self.problems],
                "new_findings": [c.to_json() for c in self.new_findings],
                "resolved_findings": [c.to_json() for c in self.resolved_findings]}


@dataclass(frozen=True, slots=True)
class PatrolProgress:
    """One step: `done` of `total` files handled (walking: total grows, phase "walk")."""

    done: int
    total: int
    current: str                    # the path just handled (relative), or "" at the start
    phase: str = "scan"             # "walk", "scan", "save"
