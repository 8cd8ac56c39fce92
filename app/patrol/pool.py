"""A pool of worker processes for the patrol (and the batch window): every core, bounded memory,
a time limit per file, and a worker that dies costs only the file it was on.

Each worker is a `spawn`ed process that loads the engine once (`scanjob.engine_for`, from the
lexicon cache) and then scans one `ScanTask` at a time, sent over its own pipe. Because the main
process knows which file each worker holds, it can
- kill a worker that is over the time limit and report that file as "timeout";
- notice a worker that died (killed by the OS, a crash in a C library) by its sentinel and report
  that file as "worker_died";
and in both cases start a fresh worker and go on. At most `workers` files are in flight and at most
`MAX_AHEAD` finished outcomes wait for an earlier slow one, so memory stays flat whatever the
number of files. Outcomes are yielded in task order (progress and results are deterministic).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from app.errors import MishenError
from app.patrol.scanjob import EngineSpec, ScanOutcome, ScanTask

#: Finished outcomes kept while an earlier file is still being scanned.
MAX_AHEAD = 256
#: Files sent ahead to each worker (it starts the next one without waiting for the main process).
PREFETCH = 2
#: A worker that dies this many times in a row before it is ready: the pool gives up.
MAX_START_FAILURES = 3
DEFAULT_TIME_LIMIT = 1000.0  # above the OCR budget of one PDF (900 s), so a long scan gets its own message


class PoolError(MishenError):
    pass


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _worker_main(conn: Connection, spec: EngineSpec) -> None:
    import signal

    from app.patrol.scanjob import engine_for, scan_task, warm_up

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's: it stops the pool
    _exit_with_parent()
    try:
        engine_for(spec)
        warm_up()
    except MishenError as exc:
        conn.send(("init_error", exc.message))
        return
    except Exception as exc:
        conn.send(("init_error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(("done", scan_task(spec, task)))


def _exit_with_parent() -> None:
    """A worker whose main process is gone (killed, crashed) exits within a second, even in the
    middle of a long file, instead of scanning on as an orphan."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, name="mishen-parent-watch", daemon=True).start()


@dataclass
class _Slot:
    process: Any
    conn: Connection
    ready: bool = False
    # sent to this worker, in the order it works through them: the first is the one it is on
    tasks: deque[ScanTask] = field(default_factory=deque)
    deadline: float = 0.0           # for tasks[0]


def died_outcome(task: ScanTask, exitcode: int | None) -> ScanOutcome:
    code = f"（退出码 {exitcode}）" if exitcode is not None else ""
    return ScanOutcome(task.index, None, None, error=f"审查此文件时工作进程意外退出{code}，可能被系统因内存不足终止"
                       "或文件触发了读取库的缺陷；该文件未能审查，其余文件照常巡查。", error_code="worker_died")


def timeout_outcome(task: ScanTask, limit: float) -> ScanOutcome:
    return ScanOutcome(task.index, None, None, error=f"审查此文件超过时间上限（{limit:g} 秒），已终止该工作进程；"
                       "该文件未能审查，其余文件照常巡查。", error_code="timeout", seconds=limit)


class WorkerPool:
    """`with WorkerPool(spec, workers) as pool: for outcome in pool.run(tasks): …`"""

    def __init__(self, spec: EngineSpec, workers: int, *, time_limit: float | None = DEFAULT_TIME_LIMIT) -> None:
        if workers < 1:
            raise PoolError("工作进程数（--workers）至少为 1。", code="bad_workers")
        self.spec = spec
        self.workers = workers
        self.time_limit = time_limit
        self._ctx = multiprocessing.get_context("spawn")
        self._slots: list[_Slot] = []
        self.restarts = 0

    def __enter__(self) -> WorkerPool:
        self._slots = [self._start() for _ in range(self.workers)]
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Slot:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child, self.spec), daemon=True,
                                    name="mishen-patrol-worker")
        process.start()
        child.close()
        return _Slot(process, parent)

    def _replace(self, slot: _Slot) -> _Slot:
        _stop(slot, kill=True)
        self.restarts += 1
        return self._start()

    def close(self) -> None:
        for slot in self._slots:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        deadline = time.monotonic() + 2  # then killed: a cancelled patrol must not wait for a long file
        for slot in self._slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            _stop(slot, kill=slot.process.is_alive())
        self._slots = []

    def run(self, tasks: Iterable[ScanTask]) -> Iterator[ScanOutcome]:
        """Outcomes in the order of `tasks`, whose indices must be 0, 1, 2, …"""
        source = iter(tasks)
        retry: deque[ScanTask] = deque()   # sent to a worker that died before reaching them
        exhausted = False
        finished: dict[int, ScanOutcome] = {}
        next_index = 0
        start_failures = 0
        while True:
            while next_index in finished:  # in order
                yield finished.pop(next_index)
                next_index += 1
            if exhausted and not retry and not finished and not any(s.tasks for s in self._slots):
                return
            for slot in self._slots:  # hand out work: PREFETCH per worker hides the round trip
                while slot.ready and len(slot.tasks) < PREFETCH and len(finished) < MAX_AHEAD:
                    task = retry.popleft() if retry else (None if exhausted else next(source, None))
                    if task is None:
                        exhausted = True
                        break
                    if not slot.tasks:
                        slot.deadline = self._deadline()
                    slot.tasks.append(task)
                    slot.conn.send(task)
            waiting = [s for s in self._slots if s.tasks or not s.ready]
            if not waiting:  # every dispatched file is finished: the loop above yields them
                continue
            timeout = None
            if self.time_limit:
                timeout = max(0.0, min((s.deadline for s in waiting if s.tasks), default=time.monotonic() + 60)
                              - time.monotonic())
            handles: list[Any] = [s.conn for s in waiting] + [s.process.sentinel for s in waiting]
            ready = set(wait(handles, timeout))
            for i, slot in enumerate(self._slots):
                if slot not in waiting:
                    continue
                if slot.conn in ready or (slot.process.sentinel in ready and _poll(slot.conn)):
                    try:
                        kind, value = slot.conn.recv()
                    except (EOFError, OSError):
                        kind, value = "died", None
                    if kind == "ready":
                        slot.ready = True
                        start_failures = 0
                        continue
                    if kind == "init_error":
                        raise PoolError(f"巡查工作进程无法加载审查引擎：{value}", code="worker_init")
                    if kind == "done":
                        outcome: ScanOutcome = value
                        finished[outcome.index] = outcome
                        slot.tasks.popleft()
                        slot.deadline = self._deadline()
                        continue
                if slot.process.sentinel in ready or _died(slot):
                    if slot.tasks:
                        current = slot.tasks.popleft()
                        finished[current.index] = died_outcome(current, slot.process.exitcode)
                        retry.extend(slot.tasks)
                    elif not slot.ready:
                        start_failures += 1
                        if start_failures >= MAX_START_FAILURES:
                            raise PoolError(f"巡查工作进程连续 {start_failures} 次启动失败（退出码 "
                                            f"{slot.process.exitcode}），已停止。", code="worker_start")
                    self._slots[i] = self._replace(slot)
                    continue
                if slot.tasks and time.monotonic() >= slot.deadline:
                    current = slot.tasks.popleft()
                    finished[current.index] = timeout_outcome(current, self.time_limit or 0.0)
                    retry.extend(slot.tasks)
                    self._slots[i] = self._replace(slot)

    def _deadline(self) -> float:
        return time.monotonic() + self.time_limit if self.time_limit else float("inf")


def _died(slot: _Slot) -> bool:
    return slot.process.exitcode is not None and not _poll(slot.conn)


def _poll(conn: Connection) -> bool:
    try:
        return conn.poll()
    except (OSError, EOFError):
        return False


def _stop(slot: _Slot, *, kill: bool) -> None:
    if kill and slot.process.is_alive():
        slot.process.kill()
        slot.process.join(5)
    with contextlib.suppress(OSError):
        slot.conn.close()
    if slot.process.exitcode is not None:
        slot.process.close()
