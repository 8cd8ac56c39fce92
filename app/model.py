"""Plain, frozen values that cross from the core into the CLI, the UI and the ledger.

Offsets: a `Document`'s full text is its segments' texts joined with "\n" (`Document.text`).
`Segment.start` is the segment's offset in that text. A `Finding`'s `start`/`end` are offsets in
the full text too; `Finding.segment` names the segment so a viewer can place it (for a PDF page
segment, `start - segment.start` is the pdfium character index on that page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING

from app.doc_kind import DocKind

if TYPE_CHECKING:
    from app.structure import Structure


class Severity(str, Enum):
    """How loud a finding is. Order matters: LOW < MEDIUM < HIGH < BLOCK."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.strip().lower())
        except ValueError:
            alias = _SEVERITY_ALIASES.get(value.strip())
            if alias is None:
                raise
            return alias


_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.BLOCK: 3}
_SEVERITY_ALIASES = {"提示": Severity.LOW, "低": Severity.LOW, "中": Severity.MEDIUM, "需核实": Severity.MEDIUM,
                     "高": Severity.HIGH, "禁止": Severity.BLOCK, "禁止发布": Severity.BLOCK}


class Category(str, Enum):
    SECRET_MARK = "secret_mark"
    SENSITIVE_TERM = "sensitive_term"
    UNPUBLISHED_STATISTIC = "unpublished_statistic"
    PENDING_CASE = "pending_case"
    PERSONAL_INFO = "personal_info"
    HARMFUL_CONTENT = "harmful_content"
    APPROVAL_REQUIRED = "approval_required"
    WORDING = "wording"
    TYPO = "typo"
    HIDDEN_CONTENT = "hidden_content"


class Part(str, Enum):
    """Where in a document a segment sits."""

    BODY = "body"
    TABLE = "table"            # a table cell in a word-processing document
    HEADER = "header"
    FOOTER = "footer"
    FOOTNOTE = "footnote"
    ENDNOTE = "endnote"
    TEXTBOX = "textbox"
    COMMENT = "comment"
    INSERTION = "insertion"    # tracked insertion (w:ins)
    DELETION = "deletion"      # tracked deletion (w:del) — still readable in the file
    HIDDEN = "hidden"          # hidden runs (w:vanish)
    METADATA = "metadata"      # core/app properties, PDF info
    PAGE = "page"              # a PDF page
    TITLE = "title"            # html <title>
    ATTRIBUTE = "attribute"    # html alt/title attributes
    CELL = "cell"              # a spreadsheet cell


#: Parts whose text a reader of the published page would not see; findings there are also
#: reported as `hidden_content`.
HIDDEN_PARTS = frozenset({Part.COMMENT, Part.INSERTION, Part.DELETION, Part.HIDDEN, Part.METADATA})


@dataclass(frozen=True, slots=True)
class Location:
    part: Part
    page: int | None = None        # 1-based PDF page
    paragraph: int | None = None   # 1-based paragraph (docx body paragraph index, txt line number)
    table: int | None = None       # 1-based table number (docx)
    cell: str | None = None        # "R2C3" for docx tables, "B7" for spreadsheets
    sheet: str | None = None       # spreadsheet sheet name
    label: str | None = None       # free detail: "首页页眉", "批注 (作者 张三)", "core:author", "img alt"
    # text read by OCR: where it sits on the page, (left, top, right, bottom), y down, in PDF
    # points for a PDF page and in pixels for an image file
    box: tuple[float, float, float, float] | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"part": self.part.value, "page": self.page, "paragraph": self.paragraph,
                                  "table": self.table, "cell": self.cell, "sheet": self.sheet, "label": self.label}
        if self.box is not None:
            out["box"] = [round(v, 1) for v in self.box]
        return out


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text that came from one place in the document."""

    text: str
    location: Location
    start: int = 0                  # offset of this segment in Document.text (set by Document.build)
    soft_breaks: bool = False       # newlines inside are layout (PDF lines), not sentence ends
    # text read by OCR: one box per character of `text` (units as `Location.box`); else empty
    boxes: tuple[tuple[float, float, float, float], ...] = ()

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def location_of(self, start: int, end: int) -> Location:
        """The location of `text[start:end]`: this segment's, with the box around those
        characters when the segment was read by OCR."""
        picked = self.boxes[max(0, start):max(start + 1, end)]
        if not picked:
            return self.location
        from dataclasses import replace

        return replace(self.location, box=(min(b[0] for b in picked), min(b[1] for b in picked),
                                           max(b[2] for b in picked), max(b[3] for b in picked)))


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the officer must know about a document that is not a finding."""

    code: str                       # e.g. "no_text_layer", "converted", "truncated"
    message: str                    # Chinese, for people
    page: int | None = None
    pages: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "page": self.page, "pages": list(self.pages)}


@dataclass(frozen=True)
class Document:
    path: str
    format: str                     # "docx", "pdf", "txt", "html", "xlsx", or the converted source's suffix
    sha256: str
    segments: tuple[Segment, ...]
    pages: int | None = None
    notices: tuple[Notice, ...] = ()
    encoding: str | None = None     # txt/html: the detected encoding
    structure: Structure | None = None  # layout for viewers (docx, xlsx); scanning ignores it

    @staticmethod
    def build(path: str, format: str, sha256: str, segments: list[Segment] | tuple[Segment, ...], *,
              pages: int | None = None, notices: tuple[Notice, ...] = (),
              encoding: str | None = None) -> Document:
        """Assign each segment its offset in the joined text; empty segments are dropped."""
        placed: list[Segment] = []
        offset = 0
        for seg in segments:
            if not seg.text:
                continue
            placed.append(Segment(seg.text, seg.location, offset, seg.soft_breaks, seg.boxes))
            offset += len(seg.text) + 1
        return Document(path, format, sha256, tuple(placed), pages, notices, encoding)

    @cached_property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)

    @property
    def chars(self) -> int:
        return sum(len(s.text) for s in self.segments)

    def segment_at(self, offset: int) -> int:
        """Index of the segment containing `offset` (binary search)."""
        lo, hi = 0, len(self.segments) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.segments[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


@dataclass(frozen=True, slots=True)
class Finding:
    id: str                         # stable within a report: "<sha256[:8]>-<rule>-<start>"
    category: Category
    severity: Severity
    text: str                       # exactly as in the document
    context: str                    # the finding with ~20 characters either side, as in the document
    start: int                      # offsets in Document.text
    end: int
    segment: int                    # index into Document.segments
    location: Location
    rule: str                       # rule id, e.g. "secret_mark.classification" or a lexicon entry id
    basis: str                      # 法规依据
    message: str = ""               # Chinese explanation: why this is a problem
    suggestion: str = ""            # what to do / the standard wording
    # the same finding elsewhere in the document (grouped: one row, handled together); when
    # grouped this lists every location, this finding's own first
    occurrences: tuple[Occurrence, ...] = ()
    # the lexicon layer of a lexicon finding when it is not the bureau's: "local" (the unit's own,
    # app.packs.local) or "run" (a per-run --lexicon file); empty otherwise
    layer: str = ""

    @property
    def rule_name(self) -> str:
        """The rule's Chinese name, shown instead of the id (a local entry's says 本单位词库)."""
        from app.rule_names import rule_name

        name = rule_name(self.rule, self.category)
        return f"{name}（{LAYER_NAMES[self.layer]}）" if self.layer in LAYER_NAMES else name

    @property
    def count(self) -> int:
        return max(1, len(self.occurrences))

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "category": self.category.value, "severity": self.severity.value,
                "text": self.text, "context": self.context, "start": self.start, "end": self.end,
                "segment": self.segment, "location": self.location.to_json(), "rule": self.rule,
                "rule_name": self.rule_name, "basis": self.basis, "message": self.message,
                "suggestion": self.suggestion, "count": self.count, "layer": self.layer,
                "occurrences": [o.to_json() for o in self.occurrences]}


#: Names of the lexicon layers marked in findings.
LAYER_NAMES = {"local": "本单位词库", "run": "本次附加词库"}


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place of a grouped finding."""

    start: int
    end: int
    segment: int
    location: Location
    context: str

    def to_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "segment": self.segment,
                "location": self.location.to_json(), "context": self.context}


@dataclass(frozen=True, slots=True)
class LexiconInfo:
    name: str
    version: str
    sha256: str
    entries: int = 0

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256, "entries": self.entries}


@dataclass(frozen=True)
class DocumentReport:
    """The scan result of one file. `document` is None when it could not be read."""

    path: str
    sha256: str | None
    format: str | None
    findings: tuple[Finding, ...] = ()
    notices: tuple[Notice, ...] = ()
    error: str | None = None        # Chinese message for people
    error_code: str | None = None   # machine code, e.g. "encrypted", "corrupt", "unsupported"
    document: Document | None = field(default=None, compare=False, repr=False)
    kind: DocKind | None = None     # what the document is (draft, bulletin, judgment, law…)

    @property
    def chars(self) -> int:
        return self.document.chars if self.document else 0

    @property
    def pages(self) -> int | None:
        return self.document.pages if self.document else None

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "sha256": self.sha256, "format": self.format, "chars": self.chars,
                "pages": self.pages, "error": self.error, "error_code": self.error_code,
                "notices": [n.to_json() for n in self.notices],
                "kind": self.kind.to_json() if self.kind else None,
                "findings": [f.to_json() for f in self.findings]}


@dataclass(frozen=True)
class ScanReport:
    tool_version: str
    lexicons: tuple[LexiconInfo, ...]
    documents: tuple[DocumentReport, ...]
    warnings: tuple[str, ...] = ()      # about the lexicons used, e.g. an expired pack (Chinese)

    def to_json(self) -> dict[str, object]:
        return {"tool": {"name": "mishen", "version": self.tool_version,
                         "lexicons": [lx.to_json() for lx in self.lexicons],
                         "warnings": list(self.warnings)},
                "documents": [d.to_json() for d in self.documents]}
