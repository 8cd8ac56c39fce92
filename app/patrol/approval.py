"""Approved versus published: is each patrolled page or attachment the version that was approved?

The approved versions are those of the data directory's ledger: the current version of every
review whose route is complete (status 审核通过), including reviews imported from review packages
(`app.review.list_reviews` projects both). Their content-addressed copies
(`documents/<sha256>`, checked by `app.review.documents.read_stored`) give the approved text.

Each patrolled file is then
- **approved** — its file hash is an approved version's hash, or (pages) its own text, with the
  page chrome removed and normalised (`app.patrol.report_chrome`), is that of an approved version;
- **changed** after approval — an approved version is recognisably the same page or document
  (sentences in common, the same title, or the same file name) but the text differs; the
  difference is given as the sentences (or, within a sentence, the characters) added and removed,
  and for html against html the links added;
- **unreviewed** — no approved version resembles it.

The index is built once per run (by hash, by normalised text hash, by sentence, by title, by file
name), so classifying a page costs one read of the page and one diff against one candidate.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any

from app.errors import MishenError
from app.ledger.store import Ledger
from app.patrol.model import ItemKind, ItemStatus, PatrolItem, PatrolRun
from app.patrol.report_chrome import PageText, Sentence, page_text, sentence_key, title_pieces


class ApprovalStatus(str, Enum):
    APPROVED = "approved"
    CHANGED = "changed"
    UNREVIEWED = "unreviewed"

    @property
    def label(self) -> str:
        return APPROVAL_LABELS[self]


APPROVAL_LABELS = {ApprovalStatus.APPROVED: "与审核通过版本一致", ApprovalStatus.CHANGED: "审核通过后被改动",
                   ApprovalStatus.UNREVIEWED: "未经审核"}

#: A sentence key shared by more approved versions than this is boilerplate, not evidence.
_COMMON = 50
#: Keys shorter than this must match exactly (not as a substring of the other version's text).
_SHORT_KEY = 6
_MAX_LINES = 200
#: Bump when the comparison changes, so results kept between patrols are recomputed.
RULES_VERSION = 1
#: A title identifies a page only when it says more than "工作动态" or "通知公告".
_TITLE_KEY = 6


@dataclass(frozen=True, slots=True)
class ApprovedVersion:
    review_id: str
    title: str
    version: int
    sha256: str
    name: str                 # the file name as it was reviewed
    format: str
    approved_time: str        # the last sign-off of the approving route (ISO, UTC)
    imported: bool = False    # the review came in a review package

    @property
    def reference(self) -> str:
        """"20261201-1a2b3c4d 第2版《标题》" for reports."""
        return f"{self.review_id} 第{self.version}版《{self.title}》"


@dataclass(frozen=True, slots=True)
class Approval:
    status: ApprovalStatus
    matched_by: str = ""      # "hash", "text", "sentences", "title", "name"
    version: ApprovedVersion | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    added_links: tuple[str, ...] = ()
    error: str | None = None  # the file could not be read for the comparison (Chinese)

    def to_json(self) -> dict[str, object]:
        return {"status": self.status.value, "matched_by": self.matched_by,
                "version": dataclasses.asdict(self.version) if self.version else None,
                "added": list(self.added), "removed": list(self.removed), "added_links": list(self.added_links),
                "error": self.error}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Approval:
        v = data.get("version")
        version = ApprovedVersion(**v) if isinstance(v, dict) else None
        return Approval(ApprovalStatus(str(data["status"])), str(data.get("matched_by", "")), version,
                        tuple(data.get("added") or ()), tuple(data.get("removed") or ()),
                        tuple(data.get("added_links") or ()), data.get("error"))

    def detail(self) -> str:
        """One Chinese paragraph for a report cell."""
        if self.status is ApprovalStatus.UNREVIEWED:
            return self.error or "台帐中没有与之相符的审核通过版本"
        assert self.version is not None
        ref = f"审核单 {self.version.reference}"
        if self.status is ApprovalStatus.APPROVED:
            how = "文件哈希相同" if self.matched_by == "hash" else "正文（不含网页框架）一致"
            return f"{ref}（{how}）"
        bits = [f"与{ref}相比"]
        if self.added:
            bits.append("新增：" + "；".join(f"“{t}”" for t in self.added))
        if self.added_links:
            bits.append("新增链接：" + "；".join(self.added_links))
        if self.removed:
            bits.append("删去：" + "；".join(f"“{t}”" for t in self.removed))
        if len(bits) == 1:
            bits.append(self.error or "文件已改变（文字相同，格式或文档属性不同）")
        return "，".join(bits[:1]) + "。" + "。".join(bits[1:]) + "。"


@dataclass(frozen=True, slots=True)
class _Entry:
    version: ApprovedVersion
    text: PageText


class ApprovalError(MishenError):
    code = "approval_failed"


class ApprovalIndex:
    """The approved versions of one ledger, indexed for classifying many files."""

    def __init__(self, entries: Iterable[tuple[ApprovedVersion, PageText]], problems: Iterable[str] = ()) -> None:
        self._entries = [_Entry(v, t) for v, t in entries]
        self.problems: tuple[str, ...] = tuple(problems)   # approved versions that could not be read
        self._by_hash: dict[str, int] = {}
        self._by_text: dict[str, int] = {}
        self._by_title: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        postings: dict[str, list[int]] = {}
        for i, e in enumerate(self._entries):
            self._by_hash.setdefault(e.version.sha256, i)
            if e.text.sentences:
                self._by_text.setdefault(e.text.text_hash, i)
            for key in _title_keys(e.version, e.text):
                self._by_title.setdefault(key, []).append(i)
            self._by_name.setdefault(e.version.name.casefold(), []).append(i)
            for key in set(e.text.keys):
                if len(key) >= 4:
                    postings.setdefault(key, []).append(i)
        self._postings = {k: v for k, v in postings.items() if len(v) <= _COMMON}
        self._cache: dict[tuple[str, str], Approval] = {}
        self._reads = 0

    @property
    def texts_read(self) -> int:
        """How many published files this index has read to compare them (a result taken from
        the `known` mapping or found by file hash reads nothing)."""
        return self._reads

    @property
    def fingerprint(self) -> str:
        """Changes when the set of approved versions (or this comparison's rules) changes: a
        result stored under (fingerprint, file hash) can be reused by the next patrol."""
        import hashlib

        ids = sorted(f"{e.version.review_id}|{e.version.version}|{e.version.sha256}|{len(e.text.sentences)}"
                     for e in self._entries)
        return hashlib.sha256("\n".join([f"approval/{RULES_VERSION}", *ids]).encode("utf-8")).hexdigest()

    @property
    def versions(self) -> tuple[ApprovedVersion, ...]:
        return tuple(e.version for e in self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def from_ledger(cls, ledger: Ledger) -> ApprovalIndex:
        """Every approved version in the ledger (local reviews and imported packages)."""
        from app.errors import ReadError
        from app.review import Status, list_reviews, review_state
        from app.review.documents import DocumentError, read_stored, stored_path

        entries: list[tuple[ApprovedVersion, PageText]] = []
        problems: list[str] = []
        for review in list_reviews(ledger):
            if review_state(review).status is not Status.APPROVED:
                continue
            v = review.current
            times = [s.time for s in review.current_signoffs]
            version = ApprovedVersion(review.id, review.title, v.number, v.sha256, v.name, v.format,
                                      max(times) if times else v.time, bool(review.origin_ledger))
            try:
                data = read_stored(ledger.data_dir, v.sha256)
                text = page_text(stored_path(ledger.data_dir, v.sha256), v.format, data)
            except (DocumentError, ReadError) as exc:
                problems.append(f"审核单 {version.reference}：{exc.message}，只能按文件哈希比对")
                text = PageText((), (), "", v.format == "html")
            entries.append((version, text))
        return cls(entries, problems)

    # --- classification ---------------------------------------------------------------------

    def classify(self, path: str | Path, sha256: str, fmt: str | None, kind: ItemKind,
                 data: bytes | None = None, *, site: str = "") -> Approval:
        """One file (`data`: its bytes when the caller has them, else the file is read). `site`:
        the page's own host ("www.example.gov.cn"): absolute links to it are the site's own (wget
        makes links to pages it did not save absolute), not added links."""
        if sha256 in self._by_hash:
            return Approval(ApprovalStatus.APPROVED, "hash", self._entries[self._by_hash[sha256]].version)
        if not self._entries:
            return Approval(ApprovalStatus.UNREVIEWED)
        name = PurePosixPath(str(path).replace("\\", "/")).name.casefold()
        cache_key = (sha256, name if kind is ItemKind.ATTACHMENT else site)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._classify(Path(path), fmt, kind, name, data, site)
        return self._cache[cache_key]

    def _classify(self, path: Path, fmt: str | None, kind: ItemKind, name: str, data: bytes | None,
                  site: str) -> Approval:
        from app.errors import ReadError

        named = self._by_name.get(name, [])
        if kind is ItemKind.ATTACHMENT and not named:
            return Approval(ApprovalStatus.UNREVIEWED)   # attachments: by file hash, or by name
        self._reads += 1
        try:
            text = page_text(path, fmt, data)
        except ReadError as exc:
            if named:
                return Approval(ApprovalStatus.CHANGED, "name", self._entries[named[0]].version,
                                error=f"文件已改变，无法读取其文字比对：{exc.message}")
            return Approval(ApprovalStatus.UNREVIEWED, error=f"无法读取其文字比对：{exc.message}")
        if kind is ItemKind.PAGE and text.sentences and text.text_hash in self._by_text:
            return Approval(ApprovalStatus.APPROVED, "text", self._entries[self._by_text[text.text_hash]].version)
        found = named[0] if kind is ItemKind.ATTACHMENT else None
        how = "name"
        if found is None:
            found, how = self._candidate(text, named)
        if found is None:
            return Approval(ApprovalStatus.UNREVIEWED)
        entry = self._entries[found]
        added, removed = diff_sentences(entry.text, text)
        links = _added_links(entry.text, text, site)
        if kind is ItemKind.PAGE and not added and not removed and not links:
            return Approval(ApprovalStatus.APPROVED, "text", entry.version)
        return Approval(ApprovalStatus.CHANGED, how, entry.version, tuple(added), tuple(removed), links)

    def _candidate(self, text: PageText, named: list[int]) -> tuple[int | None, str]:
        """The approved version this page is a later state of, if it is recognisably one: the same
        title (or heading), the same article file name, or most of its text. Pages built from one
        template (the same sentences, other numbers and titles) are other pages, not edits."""
        votes: Counter[int] = Counter()
        page_keys = set(text.keys)
        for key in page_keys:
            for i in self._postings.get(key, ()):
                votes[i] += 1
        titled: set[int] = set()
        for key in _page_title_keys(text):
            titled.update(self._by_title.get(key, ()))
        specific = {i for i in named if _specific(self._entries[i].version.name)}
        best: tuple[float, int] | None = None
        for i, shared in votes.items():
            share_a = shared / (len(set(self._entries[i].text.keys)) or 1)   # of the approved text, on the page
            share_p = shared / (len(page_keys) or 1)                         # of the page, approved text
            if i in titled or i in specific or (share_a >= 0.7 and share_p >= 0.5):
                score = (share_a + (1.0 if i in titled else 0.0) + (0.5 if i in specific else 0.0), -i)
                if best is None or score > best:
                    best = score
        if best is not None:
            i = -best[1]
            return i, "title" if i in titled else "name" if i in specific else "sentences"
        if titled:
            return min(titled), "title"
        if specific:
            return min(specific), "name"   # the same article page (t20261120_4711.html), its text replaced
        return None, ""


def _specific(name: str) -> bool:
    """A page name that identifies one article (a CMS id such as t20261120_4711.html), unlike
    index.html or list_2.html, which every section has."""
    stem = PurePosixPath(name).stem
    return len(stem) >= 6 and sum(ch.isdigit() for ch in stem) >= 4


def _title_keys(version: ApprovedVersion, text: PageText) -> set[str]:
    keys = {sentence_key(version.title)}
    if text.title:
        keys.update(sentence_key(p) for p in title_pieces(text.title))
    first = next((s for s in text.sentences if s.part != "title"), None)
    if first is not None:
        keys.add(first.key)
    return {k for k in keys if len(k) >= _TITLE_KEY}


def _page_title_keys(text: PageText) -> set[str]:
    keys = {sentence_key(p) for p in title_pieces(text.title)} if text.title else set()
    first = next((s for s in text.sentences if s.part != "title"), None)
    if first is not None:
        keys.add(first.key)
    return {k for k in keys if len(k) >= _TITLE_KEY}


def _present(s: Sentence, keys: set[str], joined: str) -> bool:
    """Whether sentence `s` is in the other version: the same key, or (long keys, visible text)
    inside its text — versions split into paragraphs differently are not different. `joined`
    empty: exact keys only (huge pages)."""
    if s.key in keys:
        return True
    return bool(joined) and len(s.key) >= _SHORT_KEY and s.part != "hidden" and s.key in joined


#: Above these sizes a diff takes shortcuts (huge pages): no substring search across the other
#: version, and sentences compared as sets in reading order rather than aligned.
_SUBSTRING_BUDGET = 200_000_000
_ALIGN_BUDGET = 25_000_000


def _fragments(old: str, new: str) -> tuple[list[str], list[str]]:
    """Characters inserted into and deleted from one sentence edited in place."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    added, removed = [], []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag in ("insert", "replace") and new[j1:j2].strip():
            added.append(new[j1:j2].strip())
        if tag in ("delete", "replace") and old[i1:i2].strip():
            removed.append(old[i1:i2].strip())
    return added, removed


def diff_sentences(approved: PageText, page: PageText) -> tuple[list[str], list[str]]:
    """What `page` adds to and removes from `approved`, as shown text, in reading order."""
    a, b = approved.keys, page.keys
    a_keys, b_keys = set(a), set(b)
    a_join, b_join = approved.joined, page.joined
    if len(b) * len(a_join) + len(a) * len(b_join) > _SUBSTRING_BUDGET:
        a_join = b_join = ""
    added: list[str] = []
    removed: list[str] = []
    opcodes: list[tuple[str, int, int, int, int]]
    if len(a) * len(b) > _ALIGN_BUDGET:
        opcodes = [("unaligned", 0, len(a), 0, len(b))]
    else:
        opcodes = list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        new = [s for s in page.sentences[j1:j2] if not _present(s, a_keys, a_join)]
        old = [s for s in approved.sentences[i1:i2] if not _present(s, b_keys, b_join)]
        if tag == "replace" and len(new) == len(old):
            for o, n in zip(old, new, strict=True):
                if difflib.SequenceMatcher(None, o.key, n.key, autojunk=False).ratio() >= 0.5:
                    plus, minus = _fragments(o.text, n.text)
                    added.extend(plus)
                    removed.extend(minus)
                else:
                    added.append(n.text)
                    removed.append(o.text)
            continue
        for n in new:
            added.extend(_beyond(n, approved.sentences))
        removed.extend(s.text for s in old)
    return _capped(added), _capped(removed)


def _beyond(new: Sentence, approved: tuple[Sentence, ...]) -> list[str]:
    """An added sentence that contains a whole approved sentence ("赌场广告-通知标题"): only what
    was put around it."""
    if len(approved) > 400:
        return [new.text]
    inside = [o for o in approved if len(o.key) >= _SHORT_KEY and o.key in new.key]
    if not inside:
        return [new.text]
    best = max(inside, key=lambda o: len(o.key))
    plus, _ = _fragments(best.text, new.text)
    return [p for p in (frag.strip(" -_|—–") for frag in plus) if p] or [new.text]


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_LINES:
        return lines
    return [*lines[:_MAX_LINES], f"……（另有 {len(lines) - _MAX_LINES} 处）"]


def _host(value: str) -> str:
    host = value.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def site_of(item: PatrolItem) -> str:
    """The host folder a mirrored page sits in ("www.example.gov.cn/…"), or ""."""
    first = PurePosixPath(item.location or item.path).parts[:1]
    return first[0] if first and "." in first[0] and not first[0].lower().endswith((".html", ".htm")) else ""


def _added_links(approved: PageText, page: PageText, site: str = "") -> tuple[str, ...]:
    """Absolute links the page has and the approved html had not (a mirror makes links inside the
    site relative, so only absolute ones — other sites — are compared)."""
    if not (approved.is_html and page.is_html):
        return ()
    from urllib.parse import urlsplit

    before = set(approved.links)
    own = _host(site) if site else ""
    out = []
    for link in page.links:
        if not link.lower().startswith(("http://", "https://", "//")) or link in before:
            continue
        try:
            host = _host(urlsplit(link if not link.startswith("//") else "http:" + link).netloc)
        except ValueError:
            host = ""
        if own and host == own:
            continue  # the site's own page, made absolute by the mirror
        out.append(link)
    return tuple(out)


# --- a patrol run ----------------------------------------------------------------------------

def annotate(item: PatrolItem, approval: Approval) -> PatrolItem:
    """The item with `approval` and `approval_detail` (and the added/removed text) filled."""
    return dataclasses.replace(
        item, approval=approval.status.value, approval_detail=approval.detail(),
        approval_added=approval.added + tuple(f"链接 {link}" for link in approval.added_links),
        approval_removed=approval.removed,
        approval_review=approval.version.reference if approval.version else None)


def result_key(index: ApprovalIndex, item: PatrolItem) -> str:
    """The key under which an item's result may be kept between patrols."""
    name = PurePosixPath(item.path).name.casefold() if item.kind is ItemKind.ATTACHMENT else site_of(item)
    return f"{index.fingerprint}|{item.sha256}|{item.kind.value}|{name}"


def classify_items(items: Iterable[PatrolItem], index: ApprovalIndex,
                   known: MutableMapping[str, str] | None = None) -> Iterator[PatrolItem]:
    """Each item with its approval filled; REMOVED items and items that could not be read pass
    through unchanged (there is nothing published to compare). `known`: results of earlier
    patrols (`result_key` -> `Approval.to_json()` as JSON), read and filled in — with it an
    unchanged mirror is not read again while the ledger's approved versions stay the same."""
    import json

    for item in items:
        if item.status is ItemStatus.REMOVED or item.sha256 is None or item.error:
            yield item
            continue
        key = result_key(index, item) if known is not None and len(index) else ""
        cached = known.get(key) if known is not None and key else None
        if cached is not None:
            yield annotate(item, Approval.from_json(json.loads(cached)))
            continue
        try:
            approval = index.classify(item.local_path, item.sha256, item.format, item.kind, site=site_of(item))
        except Exception as exc:  # one odd file must not cost the patrol its report
            approval = Approval(ApprovalStatus.UNREVIEWED,
                                error=f"与审核通过版本比对时出错（{type(exc).__name__}: {exc}），按未经审核列出")
        else:
            if known is not None and key:
                known[key] = json.dumps(approval.to_json(), ensure_ascii=False)
        yield annotate(item, approval)


def with_approvals(run: PatrolRun, index: ApprovalIndex, known: MutableMapping[str, str] | None = None) -> PatrolRun:
    """The run with every item classified; approved versions that could not be read are added
    to the run's problems (they were compared by file hash only)."""
    from app.patrol.model import PatrolProblem

    extra = tuple(PatrolProblem("", "审核台帐", "approved_copy_unreadable", message) for message in index.problems)
    return dataclasses.replace(run, items=tuple(classify_items(run.items, index, known)),
                               problems=run.problems + extra,
                               counts=dataclasses.replace(run.counts, problems=run.counts.problems + len(extra)))


def index_for(data_dir: Path) -> ApprovalIndex:
    """The approved versions of the data directory's ledger (none when it has no ledger yet)."""
    from app.ledger.store import ledger_path

    if not ledger_path(data_dir).exists():
        return ApprovalIndex(())
    with Ledger.open(data_dir, create=False) as ledger:
        return ApprovalIndex.from_ledger(ledger)


def annotate_run(run: PatrolRun, data_dir: Path, known: MutableMapping[str, str] | None = None) -> PatrolRun:
    """`with_approvals` against the ledger of `data_dir` (what `mishen patrol` calls); `known`:
    see `classify_items`."""
    return with_approvals(run, index_for(data_dir), known)


__all__ = [
    "APPROVAL_LABELS",
    "RULES_VERSION",
    "Approval",
    "ApprovalError",
    "ApprovalIndex",
    "ApprovalStatus",
    "ApprovedVersion",
    "annotate",
    "annotate_run",
    "classify_items",
    "diff_sentences",
    "index_for",
    "result_key",
    "site_of",
    "with_approvals",
]
