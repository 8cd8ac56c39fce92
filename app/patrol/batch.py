"""The batch window's scan on every core: `scan_batch`'s events, produced by the patrol's worker
pool (`app.patrol.pool`) instead of one engine in one thread.

The window's own loaded engine is shipped to the workers (pickled, as for a cluster), so the
results are those of the window's lexicon selection. Reports carry no `Document` (the text stays
in the worker; memory stays flat): a viewer that wants the text reads the file again.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from app.model import DocumentReport
from app.patrol.pool import DEFAULT_TIME_LIMIT, WorkerPool, default_workers
from app.patrol.scanjob import EngineSpec, ScanTask
from app.scan import ScanEvent

if TYPE_CHECKING:
    from app.scan import Engine

#: Fewer files than this are scanned in the calling thread: starting workers costs more.
POOL_MIN_FILES = 8


def use_pool(files: int, workers: int | None = None) -> bool:
    return files >= POOL_MIN_FILES and (workers or default_workers()) > 1


def pooled_scan_events(paths: Sequence[str], engine: Engine, *, workers: int | None = None,
                       time_limit: float | None = DEFAULT_TIME_LIMIT, ocr: str | None = None) -> Iterator[ScanEvent]:
    """A start and a done event per file, in order, like `app.scan.scan_batch`. Stop iterating
    to cancel (the workers are stopped). `ocr`: the OCR mode of every worker (`auto`, `on`,
    `off`; None is `auto`); recognition runs in one worker at a time (app.ocr.engine's lock)."""
    total = len(paths)
    if not total:
        return
    spec = EngineSpec(tuple(info.sha256 for info in engine.lexicons),
                      engine=pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL), ocr=ocr or "auto")
    tasks = [ScanTask(i, str(p), os.path.basename(str(p))) for i, p in enumerate(paths)]
    n = min(workers or default_workers(), total)
    with WorkerPool(spec, n, time_limit=time_limit) as pool:
        for outcome in pool.run(tasks):
            path = str(paths[outcome.index])
            yield ScanEvent(outcome.index, total, path, None)
            yield ScanEvent(outcome.index, total, path, DocumentReport(
                path=path, sha256=outcome.sha256, format=outcome.format, findings=outcome.findings,
                notices=outcome.notices, error=outcome.error, error_code=outcome.error_code))
