"""`patrol(...)`: the generator behind `mishen patrol` — walk, hash, look up, scan what is new,
compare with the last run, save, and hand back one `PatrolRun`.

It yields `PatrolProgress` while it works (phases "walk", "hash", "scan", "save") and the
`PatrolRun` last. Stop iterating to cancel: nothing is written to the database before the end.

`before_save(run)` (what `mishen patrol` gives: compare with the ledger, write the reports, record
the run in the ledger) runs before the run is saved and returns the run to save and yield. The
ledger record is thus written first and the database after: a run in the database always has its
ledger record. When `before_save` fails (the ledger is read-only, locked, the disk is full), the
run is not saved — the next run compares with the last recorded one — but the scan results are
kept, so that the next run does not scan the same contents again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import stat
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app import __version__
from app.errors import MishenError
from app.model import Finding, LexiconInfo, Severity
from app.patrol.db import FileState, PatrolDb
from app.patrol.model import (
    FindingChange,
    ItemKind,
    ItemStatus,
    PatrolCounts,
    PatrolItem,
    PatrolProblem,
    PatrolProgress,
    PatrolRun,
    finding_key,
    finding_part,
)
from app.patrol.pool import DEFAULT_TIME_LIMIT, WorkerPool
from app.patrol.scanjob import EngineSpec, ScanOutcome, ScanTask
from app.patrol.sources import SourceFile, hosts_of, location_of, resolve_link, walk_source

#: Pages listed in `PatrolItem.linked_from`.
MAX_LINKED_FROM = 5


class PatrolError(MishenError):
    pass


@dataclass(frozen=True, slots=True)
class EngineChoice:
    """The lexicon choice of `mishen scan` (active packs of the data directory, or the bundled
    lexicons, plus extra files)."""

    data_dir: Path | None
    extra_lexicons: tuple[str, ...] = ()
    use_defaults: bool = True


def engine_spec(choice: EngineChoice, *, for_cluster: bool = False,
                ocr: str = "auto") -> tuple[EngineSpec, tuple[LexiconInfo, ...]]:
    """Load the engine once here (a bad lexicon is reported before any worker starts) and
    describe it for the workers; `for_cluster` ships the loaded engine itself (pickled); `ocr`:
    the workers' OCR mode (`auto`, `on`, `off`)."""
    import pickle

    from app.scan import Engine

    engine = Engine.load(list(choice.extra_lexicons), use_defaults=choice.use_defaults, data_dir=choice.data_dir)
    expected = tuple(info.sha256 for info in engine.lexicons)
    blob = pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL) if for_cluster else b""
    spec = EngineSpec(expected, str(choice.data_dir) if choice.data_dir else None, choice.extra_lexicons,
                      choice.use_defaults, blob, ocr)
    return spec, engine.lexicons


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _roots(sources: Sequence[str | os.PathLike[str]]) -> list[str]:
    roots: list[str] = []
    for s in sources:
        p = Path(s)
        if not p.exists():
            raise PatrolError(f"巡查来源不存在：{s}", code="source_missing")
        if not p.is_dir():
            raise PatrolError(f"巡查来源须为文件夹或保存的网站镜像：{s}（单个文件请用 mishen scan）", code="source_not_dir")
        root = str(p.resolve())
        if root not in roots:
            roots.append(root)
    if not roots:
        raise PatrolError("没有指定巡查来源。", code="usage")
    return roots


def _hash(path: str) -> tuple[str | None, str | None]:
    """(sha256, None), or (None, "vanished") for a file gone since the listing, or (None, None)
    when it cannot be hashed here (not a regular file, no permission): the reader says why."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None, "vanished"
    except OSError:
        return None, None
    try:
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, None
            h = hashlib.sha256()
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest(), None
    except OSError:
        return None, None


ScanRunner = Callable[[EngineSpec, Sequence[ScanTask]], Iterator[ScanOutcome]]


def local_runner(workers: int, time_limit: float | None, pool: WorkerPool | None = None) -> ScanRunner:
    """A local pool of `workers` (or `pool`, already started)."""
    def run(spec: EngineSpec, tasks: Sequence[ScanTask]) -> Iterator[ScanOutcome]:
        if not tasks:
            return
        if pool is not None:
            yield from pool.run(tasks)
            return
        with WorkerPool(spec, min(workers, len(tasks)), time_limit=time_limit) as fresh:
            yield from fresh.run(tasks)
    return run


def _first_run(db_path: Path, roots: Sequence[str]) -> bool:
    with PatrolDb(db_path) as db:
        return db.previous_run(roots) is None


def patrol(sources: Sequence[str | os.PathLike[str]], *, spec: EngineSpec, lexicons: tuple[LexiconInfo, ...],
           db_path: Path, workers: int = 1, cluster: str | None = None,
           time_limit: float | None = DEFAULT_TIME_LIMIT, who: str | None = None,
           runner: ScanRunner | None = None,
           before_save: Callable[[PatrolRun], PatrolRun] | None = None) -> Iterator[PatrolProgress | PatrolRun]:
    """Patrol `sources`. `runner` scans the tasks (default: a local pool of `workers`; with
    `cluster`, the Dask cluster at that address). On a first run (everything is to be scanned)
    the local workers start at once, loading their engines while this process lists and hashes."""
    roots = _roots(sources)
    with contextlib.ExitStack() as stack:
        if runner is None:
            if cluster:
                from app.patrol.cluster import cluster_runner

                runner = cluster_runner(cluster)
            else:
                early = None
                if _first_run(db_path, roots):
                    early = stack.enter_context(WorkerPool(spec, workers, time_limit=time_limit))
                runner = local_runner(workers, time_limit, early)
        yield from _patrol(roots, spec=spec, lexicons=lexicons, db_path=db_path, workers=workers, cluster=cluster,
                           who=who, runner=runner, before_save=before_save)


def _patrol(roots: list[str], *, spec: EngineSpec, lexicons: tuple[LexiconInfo, ...], db_path: Path, workers: int,
            cluster: str | None, who: str | None, runner: ScanRunner,
            before_save: Callable[[PatrolRun], PatrolRun] | None) -> Iterator[PatrolProgress | PatrolRun]:
    started = _now()

    # 1. walk
    problems: list[PatrolProblem] = []
    entries: list[SourceFile] = []
    present: dict[str, set[str]] = {}
    for root in roots:
        present[root] = set()
        for f in walk_source(root, problems, present[root]):
            entries.append(f)
            if len(entries) % 500 == 0:
                yield PatrolProgress(len(entries), 0, f.path, "walk")
    yield PatrolProgress(len(entries), len(entries), "", "walk")  # the listing is complete

    # 2. hash
    total = len(entries)
    shas: list[str | None] = []
    vanished: set[int] = set()
    for i, f in enumerate(entries):
        sha, code = _hash(f.local_path)
        shas.append(sha)
        if code == "vanished":
            vanished.add(i)
        if i % 200 == 199:
            yield PatrolProgress(i + 1, total, f.path, "hash")

    with PatrolDb(db_path) as db:
        previous = db.previous_run(roots)
        prev_files = db.previous_files(roots)
        engine_key = spec.key
        rescan_all = previous is not None and previous[1] != engine_key   # nothing cached is reused
        lexicons_changed = rescan_all and previous is not None and \
            db.run_lexicon_hashes(previous[0]) != tuple(info.sha256 for info in lexicons)

        # 3. plan: one scan per content not already in the database
        cached: dict[str, ScanOutcome] = {}
        first_of: dict[str, int] = {}
        planned: list[int] = []
        for i, sha in enumerate(shas):
            if i in vanished:
                continue
            if sha is None:
                planned.append(i)
                continue
            if sha in cached or sha in first_of:
                continue
            hit = db.result(sha, engine_key)
            if hit is not None:
                cached[sha] = hit
                continue
            first_of[sha] = i
            planned.append(i)

        # 4. scan
        tasks = [ScanTask(k, entries[i].local_path, os.path.basename(entries[i].path)) for k, i in enumerate(planned)]
        fresh: dict[int, ScanOutcome] = {}
        yield PatrolProgress(0, len(tasks), "", "scan")
        for outcome in runner(spec, tasks):
            entry = planned[outcome.index]
            fresh[entry] = outcome
            yield PatrolProgress(len(fresh), len(tasks), entries[entry].path, "scan")

        # 5. items, links, comparison
        yield PatrolProgress(len(tasks), len(tasks), "", "save")
        hosts = {root: hosts_of(root) for root in roots}
        items: list[PatrolItem] = []
        states: list[FileState] = []
        linked_from: dict[tuple[str, str], list[str]] = {}
        new_findings: list[FindingChange] = []
        resolved: list[FindingChange] = []
        seen: set[tuple[str, str]] = set()
        for i, f in enumerate(entries):
            sha = shas[i]
            duplicate_of = None
            scanned = False
            if i in fresh:
                outcome = fresh[i]
                scanned = True
                if outcome.sha256 and sha and outcome.sha256 != sha:
                    problems.append(PatrolProblem(f.source, f.path, "changed_during_patrol",
                                                  "文件在巡查过程中发生了变化，结果按审查时读到的内容给出；请下次巡查时复核。"))
                sha = outcome.sha256 or sha
            elif i in vanished:
                outcome = ScanOutcome(-1, None, None, error="文件在巡查过程中消失（列出文件夹后被删除或移动），未能审查。",
                                      error_code="vanished")
            elif sha is not None and sha in cached:
                outcome = cached[sha]
            else:
                assert sha is not None
                first = first_of[sha]
                outcome = fresh[first]
                duplicate_of = entries[first].path if entries[first].source == f.source else entries[first].local_path
            prev = prev_files.get((f.source, f.path))
            status = ItemStatus.NEW if prev is None else (
                ItemStatus.UNCHANGED if prev.sha256 == sha else ItemStatus.CHANGED)
            items.append(PatrolItem(
                source=f.source, path=f.path, location=location_of(f.path), local_path=f.local_path, kind=f.kind,
                status=status, sha256=sha, size=f.size, format=outcome.format, findings=outcome.findings,
                error=outcome.error, error_code=outcome.error_code, scanned=scanned, duplicate_of=duplicate_of))
            seen.add((f.source, f.path))
            keys: dict[str, Finding] = {}
            for finding in outcome.findings:
                keys.setdefault(finding_key(finding, f.kind), finding)
            before = {k for k, _, _ in prev.finding_keys} if prev else set()
            for key, finding in keys.items():
                if key not in before:
                    new_findings.append(FindingChange(f.path, location_of(f.path), key, finding.rule,
                                                      finding.category.value, finding.severity.value, finding.text,
                                                      finding_part(finding, f.kind)))
            if prev:
                for key, category, severity in prev.finding_keys:
                    if key not in keys:
                        resolved.append(_change(f.path, key, category, severity))
            states.append(FileState(f.source, f.path, sha, f.size, f.kind.value,
                                    tuple((k, v.category.value, v.severity.value) for k, v in sorted(keys.items()))))
            if f.kind is ItemKind.PAGE and outcome.error is None:
                problems.extend(_link_problems(f, outcome, present[f.source], hosts[f.source], linked_from))
        removed: list[PatrolItem] = []
        for (source, path), prev in sorted(prev_files.items()):
            if (source, path) in seen:
                continue
            removed.append(PatrolItem(source=source, path=path, location=location_of(path),
                                      local_path=os.path.join(source, *path.split("/")),
                                      kind=ItemKind(prev.kind), status=ItemStatus.REMOVED, sha256=None, size=0))
            for key, category, severity in prev.finding_keys:
                resolved.append(_change(path, key, category, severity))
        if linked_from:
            items = [_with_links(item, linked_from) for item in items]
        all_items = (*items, *removed)
        run = PatrolRun(
            run_id=uuid.uuid4().hex, sources=tuple(roots), started=started, finished=_now(), who=who,
            tool_version=__version__, lexicons=lexicons, lexicons_changed=lexicons_changed, rescanned_all=rescan_all,
            previous_run_id=previous[0] if previous else None, workers=workers, cluster=cluster,
            items=all_items, problems=tuple(problems), new_findings=tuple(new_findings),
            resolved_findings=tuple(resolved), ocr=spec.ocr,
            counts=dataclasses.replace(_counts(items, removed, problems, new_findings, resolved),
                                       ocr_pages=sum(o.ocr_pages for o in fresh.values())))
        if before_save is not None:
            try:
                run = before_save(run)
            except Exception:
                with contextlib.suppress(MishenError):
                    db.save_results(engine_key, fresh.values())
                raise
        db.save_run(run, engine_key, fresh.values(), states)
    yield run


def _change(path: str, key: str, category: str, severity: str) -> FindingChange:
    rule, part, text = ([*key.split("|", 2), "", ""])[:3]
    return FindingChange(path, location_of(path), key, rule, category, severity, text, part)


def _with_links(item: PatrolItem, linked_from: dict[tuple[str, str], list[str]]) -> PatrolItem:
    pages = linked_from.get((item.source, item.path))
    if not pages:
        return item
    from dataclasses import replace

    return replace(item, linked_from=tuple(pages))


def _link_problems(f: SourceFile, outcome: ScanOutcome, present: set[str], hosts: dict[str, str],
                   linked_from: dict[tuple[str, str], list[str]]) -> list[PatrolProblem]:
    out: list[PatrolProblem] = []
    reported: set[str] = set()
    for href in outcome.links:
        link = resolve_link(f.path, href, present, hosts)
        if link.outcome == "ok" and link.target and link.target != f.path:
            pages = linked_from.setdefault((f.source, link.target), [])
            if len(pages) < MAX_LINKED_FROM and f.path not in pages:
                pages.append(f.path)
        elif link.outcome == "broken" and (link.target or href) not in reported:
            reported.add(link.target or href)
            out.append(PatrolProblem(f.source, f.path, "broken_link",
                                     f"链接“{href}”指向的文件不在镜像中（断链，或镜像未完整保存）。", href))
        elif link.outcome == "outside":
            out.append(PatrolProblem(f.source, f.path, "outside_link",
                                     f"链接“{href}”指向镜像文件夹之外，未跟随。", href))
    for href, n in outcome.repeated:
        out.append(PatrolProblem(f.source, f.path, "repeated_link",
                                 f"页面把“{href}”重复链接了 {n} 次（只检查一次；页面可能被篡改或生成有误）。", href))
    if outcome.links_dropped:
        out.append(PatrolProblem(f.source, f.path, "too_many_links",
                                 f"页面链接过多，另有 {outcome.links_dropped} 个不同链接未检查。"))
    return out


def _counts(items: list[PatrolItem], removed: list[PatrolItem], problems: list[PatrolProblem],
            new: list[FindingChange], resolved: list[FindingChange]) -> PatrolCounts:
    by_severity = {s.value: 0 for s in sorted(Severity, key=lambda s: -s.rank)}
    by_category: dict[str, int] = {}
    findings = 0
    for item in items:
        for finding in item.findings:
            findings += 1
            by_severity[finding.severity.value] += 1
            by_category[finding.category.value] = by_category.get(finding.category.value, 0) + 1
    return PatrolCounts(
        files=len(items), pages=sum(1 for i in items if i.kind is ItemKind.PAGE),
        attachments=sum(1 for i in items if i.kind is ItemKind.ATTACHMENT),
        scanned=sum(1 for i in items if i.scanned),
        reused=sum(1 for i in items if not i.scanned and i.duplicate_of is None and i.error_code != "vanished"),
        duplicates=sum(1 for i in items if i.duplicate_of is not None),
        new=sum(1 for i in items if i.status is ItemStatus.NEW),
        changed=sum(1 for i in items if i.status is ItemStatus.CHANGED),
        unchanged=sum(1 for i in items if i.status is ItemStatus.UNCHANGED),
        removed=len(removed), with_findings=sum(1 for i in items if i.findings), findings=findings,
        new_findings=len(new), resolved_findings=len(resolved), errors=sum(1 for i in items if i.error),
        problems=len(problems), by_severity=tuple(by_severity.items()),
        by_category=tuple(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))))
