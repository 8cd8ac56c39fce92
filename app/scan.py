"""The scan pipeline: read → normalise → lexicon pass → rules → findings.

`Engine` holds what is expensive to prepare (lexicons compiled into an automaton, rule objects)
and scans one document at a time; `scan_batch` is the generator the CLI and the UI iterate.
"""

from __future__ import annotations

import hashlib
import os
import stat
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.errors import MishenError
from app.model import (
    HIDDEN_PARTS,
    Category,
    Document,
    DocumentReport,
    Finding,
    LexiconInfo,
    Location,
    Part,
    ScanReport,
    Severity,
)
from app.ocr.options import OcrOptions
from app.rules.base import Hit, ScanContext

if TYPE_CHECKING:
    from app.lexicon.matcher import Matcher
    from app.lexicon.rule_params import RuleParams
    from app.rules.base import Rule

CONTEXT_CHARS = 20

_HIDDEN_BASIS = "信息发布保密审查暂行办法：发布前须审查全部内容（批注、修订、隐藏文字和文档属性随文件一同公开）"
_HIDDEN_TEXT = {
    Part.COMMENT: ("批注", "文档含批注，发布后读者可见；批注内容同样经过审查。", "删除全部批注后再发布。"),
    Part.INSERTION: ("修订（插入）", "文档含未接受的修订（插入），其内容可能尚未定稿。", "接受或拒绝全部修订后再发布。"),
    Part.DELETION: ("修订（删除）", "文档含未接受的修订（删除），被删除的文字仍在文件中可被读出。", "接受或拒绝全部修订后再发布。"),
    Part.HIDDEN: ("隐藏文字", "文档含隐藏文字，页面上看不到但文件中仍可读出。", "删除隐藏文字后再发布。"),
    Part.METADATA: ("文档属性", "文档属性含作者、单位等信息，随文件一同公开。", "清除文档属性中的个人和单位信息后再发布。"),
}


class Engine:
    """Lexicons and rules, ready to scan. Build once, scan many documents."""

    def __init__(self, matcher: Matcher, rules: Sequence[Rule], *, params: RuleParams | None = None,
                 layers: Sequence[str] = (), warnings: Sequence[str] = ()) -> None:
        self.matcher = matcher
        self.rules = tuple(rules)
        self.params = params                # rule vocabularies of the active packs (None: bundled)
        self.warnings = tuple(warnings)     # e.g. an active pack past its expiry date
        # entry id → layer for the small layers marked in findings (the unit's own, per-run files)
        self._layer_of: dict[str, str] = {}
        for lexicon, layer in zip(matcher.lexicons, layers, strict=False):
            if layer in ("local", "run"):
                self._layer_of.update((e.id, layer) for e in lexicon.entries)

    @classmethod
    def load(cls, extra_lexicons: Sequence[str | os.PathLike[str]] = (), *,
             use_defaults: bool = True, cache_dir: Path | None = None, data_dir: Path | None = None,
             params: RuleParams | None = None, extra_layers: Sequence[str] = ()) -> Engine:
        """Load the lexicons in layers — the active packs of `data_dir` when it has any
        (app.packs), else the bundled ones; then the unit's own layer of `data_dir`
        (app.packs.local); then any extra files. The rule vocabularies are `params`, else those
        the active packs carry, else the bundled ones. `extra_layers`: the layer of each extra file
        ("pack", "local"; default "run", marked in findings). Raises LexiconError on a bad file
        (PackCheckError on an installed pack altered on disk)."""
        from app.lexicon.loader import default_lexicon_paths
        from app.lexicon.matcher import Matcher
        from app.paths import cache_dir as default_cache_dir
        from app.rules import all_rules

        packs = []
        local = None
        if use_defaults and data_dir is not None:
            from app.packs.layers import active_packs
            from app.packs.local import local_lexicon

            packs = active_packs(data_dir, verify_csv=False)  # each CSV's hash is checked as it is read
            local = local_lexicon(data_dir)
        base = [p.csv for p in packs] if packs else (default_lexicon_paths() if use_defaults else [])
        layers = ["pack" if packs else "bundled"] * len(base)
        if local is not None:
            base.append(local)
            layers.append("local")
        extra = [Path(p) for p in extra_lexicons]
        paths = [*base, *extra]
        layers += [*extra_layers, *["run"] * (len(extra) - len(extra_layers))][:len(extra)]
        check = None
        if packs:
            from app.packs.layers import check_hashes

            def check(hashed: Sequence[tuple[Path, str]]) -> None:
                check_hashes(packs, hashed)

        matcher = Matcher.load(paths, cache_dir=cache_dir if cache_dir is not None else default_cache_dir(),
                               check=check)
        warnings: list[str] = []
        if packs:
            from app.packs.layers import expired, relabel, rule_params

            matcher.infos = relabel(matcher.infos, packs)
            if params is None:
                params = rule_params(packs)
            warnings = expired(packs)
        return cls(matcher, all_rules(), params=params, layers=layers, warnings=warnings)

    @property
    def lexicons(self) -> tuple[LexiconInfo, ...]:
        return self.matcher.infos

    def scan_file(self, path: str | os.PathLike[str], ocr: OcrOptions | None = None) -> DocumentReport:
        """`ocr`: when to recognise scanned pages and images (default `auto`, app.ocr.options)."""
        from app.readers import read_document

        p = str(path)
        # Failures are turned into a report *after* the except blocks: by then the exception and
        # its traceback (which may keep a huge parse alive after a MemoryError) are released.
        failure: tuple[str, str]
        try:
            document = read_document(p, ocr=ocr)
        except MishenError as exc:
            failure = (exc.message, exc.code)
        except Exception as exc:  # a reader bug (or MemoryError, RecursionError) must not take the batch down
            failure = _failure(exc, "读取文件时")
        else:
            try:
                return self.scan_document(document)
            except Exception as exc:  # nor a rule bug, nor memory running out while matching
                failure = _failure(exc, "审查时")
            sha = document.sha256
            del document
            return DocumentReport(path=p, sha256=sha, format=_suffix(p), error=failure[0], error_code=failure[1])
        return DocumentReport(path=p, sha256=_sha256_or_none(p), format=_suffix(p),
                              error=failure[0], error_code=failure[1])

    def scan_document(self, document: Document) -> DocumentReport:
        from app.basis import with_national_basis
        from app.doc_kind import detect_kind
        from app.grouping import group_identical, merge_overlaps, merge_spam_chains, refine_spans
        from app.normalize import normalize_document
        from app.rules.kind_quiet import quiet_for_kind

        norm = normalize_document(document)
        lexicon_hits = tuple(self.matcher.find(norm.text))
        ctx = ScanContext(document, norm, lexicon_hits, detect_kind(norm.text), self.params)
        hits: list[Hit] = []
        for rule in self.rules:
            hits.extend(rule.find(ctx))
        hits = quiet_for_kind(ctx, hits)  # document kind as context (published text is quiet)
        hits = merge_spam_chains(ctx, merge_overlaps(refine_spans(ctx, hits)))  # whole phrases, one per overlap or spam chain
        findings = _to_findings(ctx, hits)
        findings.extend(with_national_basis(_hidden_content(document)))  # national law first
        findings.sort(key=lambda f: (f.start, -f.severity.rank, f.category.value))
        findings = group_identical(findings)  # identical findings: one, with every occurrence
        if self._layer_of:  # findings of the unit's own layer and of per-run files say so
            layer_of = self._layer_of
            findings = [_in_layer(f, layer_of[f.rule]) if f.rule in layer_of else f for f in findings]
        return DocumentReport(path=document.path, sha256=document.sha256, format=document.format,
                              findings=tuple(findings), notices=document.notices, document=document,
                              kind=ctx.kind)


def _in_layer(f: Finding, layer: str) -> Finding:
    """A finding of the unit's own layer or a per-run file: marked in `layer`, and its message says
    so (review sheets and the window show the message), e.g. 【本单位词库】."""
    from app.model import LAYER_NAMES

    return replace(f, layer=layer, message=f"【{LAYER_NAMES[layer]}】{f.message}")


@dataclass(frozen=True, slots=True)
class ScanEvent:
    """One step of a batch: `report` is None when the document is about to be scanned."""

    index: int          # 0-based position in the batch
    total: int
    path: str
    report: DocumentReport | None


def scan_batch(paths: Sequence[str | os.PathLike[str]], engine: Engine, *,
               ocr: OcrOptions | None = None) -> Iterator[ScanEvent]:
    """Yield a start event and a done event per document. Stop iterating to cancel."""
    total = len(paths)
    for i, path in enumerate(paths):
        yield ScanEvent(i, total, str(path), None)
        yield ScanEvent(i, total, str(path), engine.scan_file(path, ocr))


def build_report(engine: Engine, reports: Iterable[DocumentReport]) -> ScanReport:
    return ScanReport(__version__, engine.lexicons, tuple(reports), engine.warnings)


SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt", ".html", ".htm", ".xlsx", ".doc", ".wps", ".et", ".rtf", ".odt",
                      ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Files as given; directories walked (sorted) for supported files. Missing paths, and
    directories that cannot be listed, are kept so the reader reports them as errors (nothing
    is skipped silently). Entries with a supported suffix that are not regular files (a FIFO
    named a.txt) are kept too: the reader refuses them by name."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(_walk(str(path)))
        else:
            out.append(str(path))
    return out


def _walk(root: str) -> list[str]:
    found: list[str] = []
    unreadable: list[str] = []

    def failed(exc: OSError) -> None:
        unreadable.append(exc.filename if isinstance(exc.filename, str) else root)

    for folder, dirs, files in os.walk(root, onerror=failed):
        dirs.sort()
        for name in files:
            if Path(name).suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("~$"):
                found.append(os.path.join(folder, name))
    return sorted([*found, *unreadable], key=Path)


# --- findings -------------------------------------------------------------------------------

def _to_findings(ctx: ScanContext, hits: list[Hit]) -> list[Finding]:
    doc = ctx.document
    original = doc.text
    findings: list[Finding] = []
    for hit in _dedupe(hits):
        start, end = ctx.norm.to_original(hit.start, hit.end)
        while start < end and original[start].isspace():
            start += 1
        while end > start and original[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        seg_index = doc.segment_at(start)
        seg = doc.segments[seg_index]
        findings.append(Finding(
            id=f"{doc.sha256[:8]}-{hit.rule}-{start}",
            category=hit.category, severity=hit.severity,
            text=original[start:end], context=_context(original, seg.start, seg.end, start, end),
            start=start, end=end, segment=seg_index, location=seg.location_of(start - seg.start, end - seg.start),
            rule=hit.rule,
            basis=hit.basis, message=hit.message, suggestion=hit.suggestion))
    return findings


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Within one category, a hit covered by a louder-or-equal, longer-or-equal hit is dropped.
    Across categories only the generic `sensitive_term` gives way: inside a louder finding it says
    nothing new (请勿外传 inside the mark 内部文件，请勿外传). A phone number inside a pending-case
    sentence is a second problem and stays.

    Hits are ranked (louder first, then longer, then earlier). Because covering is transitive, a
    hit is dropped exactly when some hit ranked before it covers it under those rules, whether or
    not that one was kept itself; so each hit is one query against static interval sets (one per
    category and severity, one per severity across categories): O(n log n), not O(n²)."""
    ordered = sorted(hits, key=lambda h: (-h.severity.rank, -(h.end - h.start), h.start))
    first_of: dict[tuple[Category, int, int], int] = {}
    for index, h in enumerate(ordered):  # an identical span of the same category: the first stays
        first_of.setdefault((h.category, h.start, h.end), index)
    unique = [h for i, h in enumerate(ordered) if first_of[(h.category, h.start, h.end)] == i]
    ranks = sorted({h.severity.rank for h in unique}, reverse=True)
    same: dict[tuple[Category, int], _Spans] = {}    # (category, r): same category, rank >= r
    louder: dict[int, _Spans] = {}                    # r: any category, rank > r
    by_category: dict[Category, list[Hit]] = {}
    for h in unique:
        by_category.setdefault(h.category, []).append(h)
    for category, members in by_category.items():
        for r in ranks:
            same[(category, r)] = _Spans([(h.start, h.end) for h in members if h.severity.rank >= r])
    if any(h.category is Category.SENSITIVE_TERM for h in unique):
        for r in ranks:
            louder[r] = _Spans([(h.start, h.end) for h in unique if h.severity.rank > r])
    kept: list[Hit] = []
    for h in unique:
        rank = h.severity.rank
        if same[(h.category, rank)].covers_other(h.start, h.end):
            continue
        if h.category is Category.SENSITIVE_TERM and louder[rank].covers(h.start, h.end):
            continue
        kept.append(h)
    return kept


class _Spans:
    """A static set of [start, end) spans answering "does one of them cover [s, e)?" in
    O(log n): spans sorted by start, with the running maximum of their ends."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.starts = [s for s, _ in spans]
        self.max_end: list[int] = []
        best = -1
        for _, e in spans:
            best = max(best, e)
            self.max_end.append(best)
        self.end_at: dict[int, int] = {}  # start -> the largest end of a span with that start
        for s, e in spans:
            self.end_at[s] = max(e, self.end_at.get(s, e))

    def covers(self, start: int, end: int) -> bool:
        """Some span has s <= start and e >= end."""
        i = bisect_right(self.starts, start)
        return i > 0 and self.max_end[i - 1] >= end

    def covers_other(self, start: int, end: int) -> bool:
        """Some span other than [start, end) itself covers it (spans are unique)."""
        i = bisect_left(self.starts, start)
        return (i > 0 and self.max_end[i - 1] >= end) or self.end_at.get(start, -1) > end


def _context(text: str, seg_start: int, seg_end: int, start: int, end: int) -> str:
    a = max(seg_start, start - CONTEXT_CHARS)
    b = min(seg_end, end + CONTEXT_CHARS)
    return " ".join(text[a:b].split())


def _hidden_content(doc: Document) -> list[Finding]:
    """Each comment, tracked change, hidden run and metadata field is reported as such (its text
    goes through every other rule as well)."""
    out: list[Finding] = []
    for index, seg in enumerate(doc.segments):
        part = seg.location.part
        if part not in HIDDEN_PARTS or not seg.text.strip():
            continue
        if part is Part.METADATA and not _is_identity_field(seg.location.label):
            continue  # titles/keywords are scanned by every rule but are not hidden identity data
        name, message, suggestion = _HIDDEN_TEXT[part]
        severity = Severity.LOW if part is Part.METADATA else Severity.MEDIUM
        text = seg.text.strip()
        start = seg.start + seg.text.index(text[0])
        label = f"（{seg.location.label}）" if seg.location.label else ""
        out.append(Finding(
            id=f"{doc.sha256[:8]}-hidden_content.{part.value}-{start}",
            category=Category.HIDDEN_CONTENT, severity=severity, text=text,
            context=_context(doc.text, seg.start, seg.end, start, start + len(text)),
            start=start, end=start + len(text), segment=index, location=seg.location,
            rule=f"hidden_content.{part.value}", basis=_HIDDEN_BASIS,
            message=f"{name}{label}：{message}", suggestion=suggestion))
    return out


_IDENTITY_FIELDS = ("author", "last_modified_by", "lastmodifiedby", "company", "manager", "creator", "作者")


def _is_identity_field(label: str | None) -> bool:
    """Metadata fields that name people or units (author, last modified by, company, manager)."""
    key = (label or "").lower().replace(" ", "")
    return any(name in key for name in _IDENTITY_FIELDS)


def _suffix(path: str) -> str | None:
    s = Path(path).suffix.lower().lstrip(".")
    return s or None


def _failure(exc: BaseException, when: str) -> tuple[str, str]:
    """(message, code) for an unexpected failure while reading or scanning one document. A C
    extension that runs out of memory may surface it as a SystemError whose context is the
    MemoryError; that is still "too large", not a bug."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError):
            return (f"{when}内存不足：文件过大或内容过多。请拆分文件后再审查。", "too_large")
        if isinstance(seen, RecursionError):
            return (f"{when}发现文件结构嵌套过深，无法完成。文件可能已损坏或被刻意构造，请向来源确认。", "corrupt")
        seen = seen.__cause__ or seen.__context__
    return (f"{when}发生内部错误：{type(exc).__name__}: {exc}", "internal")


def _sha256_or_none(path: str) -> str | None:
    """The file's hash for an error report; None for anything but a regular file within the size
    limit (a FIFO would block, a device never ends, an oversize file is not worth hashing)."""
    from app.readers import is_readable_regular_file

    if not is_readable_regular_file(path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            h = hashlib.sha256()
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except (OSError, MemoryError):
        return None


def location_label(loc: Location) -> str:
    """A short Chinese description of where a finding sits (the text report, the window and the
    printed forms use the same words: 正文 第5段, 表1 第2行第3列, 第1节 页眉 第1段, 文档属性 作者)."""
    from app.exports.labels import location_text

    return location_text(loc)
