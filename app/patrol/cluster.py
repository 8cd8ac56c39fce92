"""`--cluster tcp://HOST:PORT`: the same scan function (`scanjob.scan_with`) on the workers of a Dask distributed cluster.

Dask is an optional extra (`pip install mishen[cluster]`); it is imported only here, only when a
cluster is asked for. The loaded engine (pickled: lexicons, rule vocabularies,
layers) goes to every worker once through a worker plugin (`cluster_plugin.EnginePlugin`), which
the scheduler also runs on a worker that joins or is restarted during the patrol; so a worker on
another machine scans with exactly the engine of this one. Each task carries the file's bytes, so the workers need
no shared folder. Files go in chunks of `CHUNK` per task (one
scheduler round trip for several files), at most `IN_FLIGHT_PER_WORKER` chunks per worker at a
time (memory stays flat), and outcomes come back in task order, like the local pool: the same
files give the same results.

A worker that dies is replaced by the cluster's nanny and the scheduler retries its task; a chunk
that still fails is split and its files retried one by one; a file whose own task fails is run
once more with nothing else on the cluster (a file that merely shared the dying worker succeeds
then), so only the file that keeps killing workers is reported, as "worker_died", and the rest of
the patrol goes on. (The per-file time limit is
the local pool's; on a cluster, Dask's own worker limits apply.)
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from app.errors import MishenError
from app.patrol.scanjob import EngineSpec, ScanOutcome, ScanTask, loaded_engine, scan_with

IN_FLIGHT_PER_WORKER = 3
#: Files per cluster task: one scheduler round trip for several files.
CHUNK = 16
CONNECT_TIMEOUT = "20s"
MISSING = ("此次巡查要用 Dask 集群（--cluster），但本机未安装 dask.distributed。请安装可选组件："
           "pip install 'mishen[cluster]'（或 pip install 'dask[distributed]'），或去掉 --cluster 在本机巡查。")


class ClusterError(MishenError):
    pass


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ClusterError(MISSING, code="cluster_missing") from exc
    return distributed


def _with_bytes(task: ScanTask) -> ScanTask:
    try:
        with open(task.path, "rb") as fh:
            data = fh.read()
    except OSError:
        return task  # the worker's reader reports it (missing, unreadable) in its own words
    return ScanTask(task.index, task.path, task.name, data)


def _died(task: ScanTask, exc: BaseException) -> ScanOutcome:
    return ScanOutcome(task.index, None, None,
                       error=f"集群工作节点审查此文件时失败或退出（{type(exc).__name__}），该文件未能审查；其余文件照常巡查。",
                       error_code="worker_died")


def cluster_runner(address: str) -> Any:
    def run(spec: EngineSpec, tasks: Sequence[ScanTask]) -> Iterator[ScanOutcome]:
        return run_on_cluster(address, spec, tasks)
    return run


def scan_chunk(key: str, tasks: list[ScanTask], ocr: str = "auto") -> list[ScanOutcome]:
    """What a cluster task runs: a few files in a row (one round trip for several files), with
    the engine the plugin loaded on this worker and the patrol's OCR mode."""
    engine = loaded_engine(key)
    return [scan_with(engine, task, ocr=ocr) for task in tasks]


def run_on_cluster(address: str, spec: EngineSpec, tasks: Sequence[ScanTask]) -> Iterator[ScanOutcome]:
    distributed = _distributed()
    try:
        import dask

        timeout = dask.config.get("distributed.comm.timeouts.connect", CONNECT_TIMEOUT)
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"无法连接 Dask 集群调度器 {address}：{exc}。请确认 dask scheduler 已启动、地址和端口正确。",
                           code="cluster_unreachable") from exc
    plugin = None
    try:
        if not tasks:
            return
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        from app.patrol.cluster_plugin import EnginePlugin

        plugin = EnginePlugin(spec)  # every worker, and every worker (re)started during the patrol
        client.register_plugin(plugin, name=plugin.name)
        limit = IN_FLIGHT_PER_WORKER * workers
        finished: dict[int, ScanOutcome] = {}
        pending: dict[Any, tuple[list[ScanTask], bool]] = {}
        singles: deque[ScanTask] = deque()   # files of a chunk that failed, retried one by one
        suspects: deque[ScanTask] = deque()  # files that failed alone in their task: retried with nothing beside them
        queue = distributed.as_completed(loop=client.loop, with_results=True, raise_errors=False)
        source = iter(tasks)
        next_index = 0
        serial = 0

        def submit(chunk: list[ScanTask], alone: bool = False) -> None:
            nonlocal serial
            serial += 1
            future = client.submit(scan_chunk, spec.key, [_with_bytes(t) for t in chunk], spec.ocr, pure=False,
                                   key=f"mishen-patrol-{serial}-{chunk[0].index}")
            pending[future] = (chunk, alone)
            queue.add(future)

        exhausted = False
        while True:
            if suspects:  # a file whose task failed: run it alone, so that it can only fail by itself
                if not pending:
                    submit([suspects.popleft()], alone=True)
            else:
                while len(pending) < limit:
                    if singles:
                        submit([singles.popleft()])
                        continue
                    chunk = [] if exhausted else [t for _, t in zip(range(CHUNK), source, strict=False)]
                    if not chunk:
                        exhausted = True
                        break
                    submit(chunk)
            if not pending:
                break
            future, result = next(queue)
            chunk, alone = pending.pop(future)
            if isinstance(result, BaseException) or future.status != "finished":
                if len(chunk) > 1:
                    singles.extend(chunk)  # find the file that kills workers; the others go on
                elif not alone:
                    suspects.append(chunk[0])  # maybe only beside the culprit when its worker died
                else:
                    finished[chunk[0].index] = _died(chunk[0], result if isinstance(result, BaseException)
                                                     else RuntimeError(future.status))
            else:
                for outcome in result:
                    finished[outcome.index] = outcome
            future.release()
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1
        while next_index in finished:
            yield finished.pop(next_index)
            next_index += 1
    finally:
        if plugin is not None:
            with contextlib.suppress(Exception):  # the scheduler would keep offering it to new workers
                client.unregister_worker_plugin(plugin.name)
        client.close()
