"""The one background helper: run a core generator (or a plain call) off the GUI thread.

Each yielded item is handed back to the GUI thread through a signal; cancelling means "stop
iterating" (checked between items). Workers never touch widgets: they only emit values.

    job = run_iter(lambda: scan_batch(paths, engine), on_item=self._event, on_done=self._done)
    job.cancel()

Every job runs on `QThreadPool.globalInstance()`; `wait_all()` joins them (window close, tests).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

_live: set[Job] = set()


class Job(QObject):
    """Handle of one background task. Callbacks run on the GUI thread (queued signals).

    `detach()` drops the callbacks (a closing view calls it, so nothing reaches a deleted widget).
    """

    item = Signal(object)        # each yielded value (or the return value of a plain call)
    failed = Signal(object)      # the exception that stopped the task
    finished = Signal(bool)      # always last; True when the task ran to its end (not cancelled/failed)

    def __init__(self, name: str = "", on_item: Callable[[Any], None] | None = None,
                 on_done: Callable[[bool], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__()
        self.name = name
        self._cancel = threading.Event()
        self.done = False
        self.ok = False
        self._on_item = on_item
        self._on_done = on_done
        self._on_error = on_error
        self.item.connect(self._deliver_item)
        self.failed.connect(self._deliver_error)
        self.finished.connect(self._deliver_done)

    def cancel(self, *, detach: bool = False) -> None:
        self._cancel.set()
        if detach:
            self.detach()

    def detach(self) -> None:
        self._on_item = self._on_done = self._on_error = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot(object)
    def _deliver_item(self, value: Any) -> None:
        if self._on_item is not None:
            self._on_item(value)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(exc)

    @Slot(bool)
    def _deliver_done(self, ok: bool) -> None:
        self.done = True
        self.ok = ok
        _live.discard(self)
        callback = self._on_done
        self.detach()
        if callback is not None:
            callback(ok)


class _Runnable(QRunnable):
    def __init__(self, job: Job, factory: Callable[[], Iterable[Any]]) -> None:
        super().__init__()
        self.job = job
        self.factory = factory
        self.setAutoDelete(True)

    def run(self) -> None:
        job = self.job
        ok = False
        try:
            if not job.cancelled:
                iterator = iter(self.factory())
                try:
                    for value in iterator:
                        job.item.emit(value)
                        if job.cancelled:
                            break
                    else:
                        ok = not job.cancelled
                finally:
                    close = getattr(iterator, "close", None)
                    if close is not None:
                        close()
        except BaseException as exc:  # reported to the GUI thread, never raised into Qt
            job.failed.emit(exc)
        finally:
            job.finished.emit(ok)
            self.job = None  # type: ignore[assignment]
            self.factory = None  # type: ignore[assignment]


def run_iter(factory: Callable[[], Iterable[Any]], *, on_item: Callable[[Any], None] | None = None,
             on_done: Callable[[bool], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None, name: str = "") -> Job:
    """Iterate `factory()` in the pool; `on_item` gets each value on the GUI thread."""
    job = Job(name, on_item, on_done, on_error)
    _live.add(job)
    QThreadPool.globalInstance().start(_Runnable(job, factory))
    return job


def run_call(fn: Callable[[], Any], *, on_result: Callable[[Any], None] | None = None,
             on_done: Callable[[bool], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None, name: str = "") -> Job:
    """Run `fn()` in the pool; `on_result` gets its return value on the GUI thread."""
    return run_iter(lambda: (fn(),), on_item=on_result, on_done=on_done, on_error=on_error, name=name)


def live_jobs() -> list[Job]:
    return list(_live)


def cancel_all(*, detach: bool = False) -> None:
    for job in list(_live):
        job.cancel(detach=detach)


def wait_all(msecs: int = 10_000) -> bool:
    """Cancel nothing; wait for the pool to drain. True when it did within `msecs`."""
    return bool(QThreadPool.globalInstance().waitForDone(msecs))
