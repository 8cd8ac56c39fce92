"""`--cluster tcp://HOST:PORT`: the same `scan_task` on the workers of a Dask distributed cluster.

Dask is an optional extra (`pip install mishen[cluster]`); it is imported only here, only when a
cluster is asked for. The engine description — with the lexicon files' bytes — is scattered to
every worker once, so a worker on another machine loads exactly the lexicons of this one (it
checks their hashes and refuses otherwise). Each task carries the file's bytes, so the workers need
no shared folder. At most `IN_FLIGHT_PER_WORKER` tasks per worker are submitted at a time
(memory stays flat), and outcomes come back in task order, like the local pool: the same files
give the same results.

A worker that dies is replaced by the cluster's nanny; its file is retried by the scheduler and,
if it keeps killing workers, reported as "worker_died" — the rest of the patrol goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from app.errors import MishenError
from app.patrol.scanjob import EngineSpec, ScanOutcome, ScanTask, scan_task

IN_FLIGHT_PER_WORKER = 4
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


def run_on_cluster(address: str, spec: EngineSpec, tasks: Sequence[ScanTask]) -> Iterator[ScanOutcome]:
    distributed = _distributed()
    try:
        import dask

        timeout = dask.config.get("distributed.comm.timeouts.connect", CONNECT_TIMEOUT)
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"无法连接 Dask 集群调度器 {address}：{exc}。请确认 dask scheduler 已启动、地址和端口正确。",
                           code="cluster_unreachable") from exc
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        if not tasks:
            return
        spec_future = client.scatter(spec, broadcast=True, hash=False)
        limit = IN_FLIGHT_PER_WORKER * workers
        finished: dict[int, ScanOutcome] = {}
        pending: dict[Any, ScanTask] = {}
        queue = distributed.as_completed(loop=client.loop)
        source = iter(tasks)
        next_index = 0

        def submit() -> bool:
            task = next(source, None)
            if task is None:
                return False
            sent = _with_bytes(task)
            future = client.submit(scan_task, spec_future, sent, pure=False, key=f"mishen-patrol-{task.index}-{id(sent)}")
            pending[future] = task
            queue.add(future)
            return True

        more = True
        while more and len(pending) < limit:
            more = submit()
        while pending:
            future = next(queue)
            task = pending.pop(future)
            try:
                outcome: ScanOutcome = future.result()
            except Exception as exc:  # KilledWorker, a lost connection, …: that file only
                outcome = _died(task, exc)
            finished[task.index] = outcome
            future.release()
            while more and len(pending) < limit:
                more = submit()
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1
        while next_index in finished:
            yield finished.pop(next_index)
            next_index += 1
    finally:
        client.close()
