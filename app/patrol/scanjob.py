"""The one scan function a patrol runs, in a local worker process or on a Dask worker.

`scan_task(spec, task)` scans one file with the engine `spec` describes (loaded once per process
and kept) and returns a `ScanOutcome`: plain picklable values, the same wherever it ran. For an
html page it also returns the page's links (deduplicated, with a count of the ones repeated very
often) so the main process can check them against the mirror — the network is never touched.

A local worker reads the file from its path; a cluster worker may receive the bytes instead
(`ScanTask.data`), written to a private temporary file with the same name and scanned there.

Test hook (honoured only when MISHEN_PATROL_TEST_HOOKS=1): MISHEN_PATROL_TEST_KILL=<name> makes
the worker that scans a file of that name kill itself with SIGKILL (as the OS's out-of-memory
killer would), MISHEN_PATROL_TEST_SLEEP=<name> makes it sleep 3600 s on that file (a time limit).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.model import Finding, LexiconInfo, Notice

if TYPE_CHECKING:
    from app.scan import Engine

#: Links kept per page (after deduplication); more are counted and reported, not resolved.
MAX_LINKS = 5000
#: A page linking one target more often than this gets a "repeated_link" line.
REPEAT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """How to build the engine. Local: the same arguments `mishen scan` gives `Engine.load` (the
    workers share the machine's lexicon cache, so each loads in a fraction of a second). Cluster:
    `engine` is the main process's loaded engine, pickled (a few hundred KB: compiled automaton,
    entries, rule vocabularies, lexicon layers), so a worker on another machine scans with exactly
    the same engine. `expected` is the sha256 of each lexicon file in order: a worker whose engine
    differs refuses to scan."""

    expected: tuple[str, ...]
    data_dir: str | None = None
    extra_lexicons: tuple[str, ...] = ()
    use_defaults: bool = True
    engine: bytes = b""
    ocr: str = "auto"               # app.ocr.options.OCR_MODES: when the workers recognise text

    @property
    def key(self) -> str:
        """Identifies the engine: the tool version, the lexicon contents and (unless `auto`, so
        that databases of earlier patrols stay valid) the OCR mode — a result read with OCR off
        is not the result of reading the same file with OCR."""
        from app import __version__

        parts: list[object] = [__version__, list(self.expected)]
        if self.ocr != "auto":
            parts.append(f"ocr={self.ocr}")
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ScanTask:
    index: int                      # position in the patrol's list of files to scan
    path: str                       # absolute path on the machine that reads it
    name: str                       # the file's name (suffix breaks format ties)
    data: bytes | None = None       # the bytes, when the worker cannot read the path


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    index: int
    sha256: str | None
    format: str | None
    findings: tuple[Finding, ...] = ()
    notices: tuple[Notice, ...] = ()
    error: str | None = None
    error_code: str | None = None
    links: tuple[str, ...] = ()     # html: distinct hrefs/srcs as written in the page
    repeated: tuple[tuple[str, int], ...] = ()  # hrefs seen more than REPEAT_LIMIT times, with their count
    links_dropped: int = 0          # distinct links beyond MAX_LINKS
    seconds: float = 0.0
    ocr_pages: int = 0              # pages (of a PDF, of an image) recognised by OCR in this scan


def load_engine(spec: EngineSpec) -> Engine:
    """Build the engine `spec` describes; MishenError when the lexicons differ from `expected`."""
    from app.errors import MishenError
    from app.scan import Engine

    if spec.engine:
        import pickle

        engine = pickle.loads(spec.engine)  # from the patrol's own main process, as dask itself ships tasks
        if not isinstance(engine, Engine):
            raise MishenError("巡查集群收到的审查引擎无效，已停止。", code="engine_mismatch")
    else:
        engine = Engine.load(list(spec.extra_lexicons), use_defaults=spec.use_defaults,
                             data_dir=Path(spec.data_dir) if spec.data_dir else None)
    got = tuple(info.sha256 for info in engine.lexicons)
    if got != spec.expected:
        raise MishenError("巡查工作进程加载的词库与主进程不一致（词库在巡查过程中被修改？），已停止。",
                          code="engine_mismatch")
    return engine


_ENGINES: dict[str, Engine] = {}


def engine_for(spec: EngineSpec) -> Engine:
    """The process's engine for `spec`, loaded on first use and kept."""
    engine = _ENGINES.get(spec.key)
    if engine is None:
        engine = load_engine(spec)
        _ENGINES.clear()
        _ENGINES[spec.key] = engine
    return engine


def loaded_engine(key: str) -> Engine:
    """The engine a cluster worker's plugin loaded (`cluster_plugin.EnginePlugin`)."""
    from app.errors import MishenError

    engine = _ENGINES.get(key)
    if engine is None:
        raise MishenError("此集群工作节点尚未加载巡查的审查引擎。", code="engine_missing")
    return engine


def scan_task(spec: EngineSpec, task: ScanTask) -> ScanOutcome:
    """Scan one file. Never raises for a bad file: the outcome carries the error."""
    return scan_with(engine_for(spec), task, ocr=spec.ocr)


def scan_with(engine: Engine, task: ScanTask, *, ocr: str = "auto") -> ScanOutcome:
    """Scan one file with `engine`; `ocr`: the OCR mode (`auto`, `on`, `off`). Recognition is
    serialised across processes (app.ocr.engine's lock file): with several workers one OCRs at a
    time while the others go on with files that have a text layer."""
    from app.ocr.options import OcrOptions

    started = time.perf_counter()
    _test_hooks(task.name)
    recognised = [0]

    def count(done: int, total: int, page: int) -> None:
        recognised[0] += 1

    options = OcrOptions(ocr, progress=count)
    if task.data is None:
        report = engine.scan_file(task.path, ocr=options)
        data = None
    else:
        data = task.data
        with tempfile.TemporaryDirectory(prefix="mishen-patrol-") as tmp:
            target = Path(tmp) / Path(task.name).name
            target.write_bytes(data)
            report = engine.scan_file(target, ocr=options)
    links: tuple[str, ...] = ()
    repeated: tuple[tuple[str, int], ...] = ()
    dropped = 0
    if report.format == "html" and report.error is None:
        if data is None:
            data = _read(task.path)
        if data is not None:
            links, repeated, dropped = page_links(data)
    return ScanOutcome(task.index, report.sha256, report.format, report.findings, report.notices,
                       report.error, report.error_code, links, repeated, dropped,
                       time.perf_counter() - started, recognised[0])


#: Imported once when a worker starts, so that a worker's first file of a kind is not charged the
#: import time (against the per-file time limit, and in every restarted worker).
WARM_MODULES = ("app.readers.html", "app.readers.docx", "app.readers.xlsx", "app.readers.pdf", "app.readers.text",
                "lxml.html", "openpyxl", "pypdfium2", "pypdfium2.raw", "app.grouping", "app.normalize")


def warm_up() -> None:
    import importlib

    for name in WARM_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def lexicon_infos(spec: EngineSpec) -> tuple[LexiconInfo, ...]:
    return engine_for(spec).lexicons


def page_links(data: bytes) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...], int]:
    """Distinct link targets of an html page (a/area/link href, img/iframe/embed/frame src,
    object data) in page order, the ones repeated more than REPEAT_LIMIT times, and how many
    distinct links were dropped beyond MAX_LINKS."""
    import lxml.html

    from app.readers.encoding import decode

    text, _ = decode(data, None)
    text = text.lstrip("\ufeff").replace("\x00", "")
    if not text.strip():
        return (), (), 0
    try:
        parser = lxml.html.HTMLParser(no_network=True, huge_tree=True)
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception:  # lxml refuses some inputs (an xml declaration with an encoding, …)
        try:
            root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
        except Exception:
            return (), (), 0
    counts: Counter[str] = Counter()
    order: list[str] = []
    for el in root.iter("a", "area", "link", "img", "iframe", "frame", "embed", "object", "source"):
        for attr in ("href", "src", "data"):
            value = el.get(attr)
            if not value:
                continue
            value = value.strip()
            if not value or value.startswith("#"):
                continue
            if counts[value] == 0:
                order.append(value)
            counts[value] += 1
    dropped = max(0, len(order) - MAX_LINKS)
    repeated = tuple((href, n) for href, n in counts.items() if n > REPEAT_LIMIT)
    return tuple(order[:MAX_LINKS]), repeated, dropped


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _test_hooks(name: str) -> None:
    if os.environ.get("MISHEN_PATROL_TEST_HOOKS") != "1":
        return
    if os.environ.get("MISHEN_PATROL_TEST_KILL") == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    if os.environ.get("MISHEN_PATROL_TEST_SLEEP") == name:
        time.sleep(3600)
