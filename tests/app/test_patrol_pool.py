"""The patrol's worker pool and cluster: a killed worker or a file over the time limit costs only
that file; the pool and a Dask LocalCluster give identical results; bad input mid-patrol."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.patrol_mirror import build_mirror, page_path


def patrol_json(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "app", "patrol", *args, "--format", "json"], capture_output=True,
                            text=True, cwd=REPO, timeout=timeout, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def comparable(run: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(i["path"], i["sha256"], i["status"], i["error_code"], json.dumps(i["findings"], sort_keys=True))
            for i in run["items"]]


@pytest.fixture(scope="module")
def small_mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_mirror(tmp_path_factory.mktemp("m") / "site", pages=12).root


def test_a_killed_worker_costs_one_file_and_the_file_is_retried_next_time(small_mirror: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    victim = page_path(3).rsplit("/", 1)[1]
    env = {"MISHEN_PATROL_TEST_HOOKS": "1", "MISHEN_PATROL_TEST_KILL": victim}
    run = patrol_json(str(small_mirror), "--workers", "2", "--db", str(db), env=env)
    errors = [(i["path"], i["error_code"]) for i in run["items"] if i["error"]]
    assert errors == [(page_path(3), "worker_died")]
    assert "工作进程意外退出" in next(i["error"] for i in run["items"] if i["error"])
    assert run["counts"]["scanned"] == run["counts"]["files"]
    assert all(i["findings"] for i in run["items"] if i["path"] == page_path(2))  # the rest was scanned
    again = patrol_json(str(small_mirror), "--workers", "2", "--db", str(db))
    assert [i["path"] for i in again["items"] if i["scanned"]] == [page_path(3)]
    assert any(f["category"] == "personal_info" for f in again["items"][[i["path"] for i in again["items"]]
                                                                       .index(page_path(3))]["findings"])


def test_a_file_over_the_time_limit_costs_only_that_file(small_mirror: Path, tmp_path: Path) -> None:
    victim = page_path(5).rsplit("/", 1)[1]
    env = {"MISHEN_PATROL_TEST_HOOKS": "1", "MISHEN_PATROL_TEST_SLEEP": victim}
    run = patrol_json(str(small_mirror), "--workers", "2", "--time-limit", "6", "--db", str(tmp_path / "p.sqlite3"),
                      env=env)
    errors = [(i["path"], i["error_code"]) for i in run["items"] if i["error"]]
    assert errors == [(page_path(5), "timeout")]
    assert sum(1 for i in run["items"] if i["findings"]) >= 6


def test_pool_and_dask_local_cluster_give_identical_results(small_mirror: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    local = patrol_json(str(small_mirror), "--workers", "2", "--db", str(tmp_path / "local.sqlite3"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        remote = patrol_json(str(small_mirror), "--cluster", cluster.scheduler_address,
                             "--db", str(tmp_path / "cluster.sqlite3"))
    assert remote["cluster"] and remote["counts"]["scanned"] == local["counts"]["scanned"]
    assert comparable(remote) == comparable(local)
    assert [p["code"] for p in remote["problems"]] == [p["code"] for p in local["problems"]]
    assert sum(len(i["findings"]) for i in local["items"]) >= 8


def test_an_unreachable_cluster_is_a_clear_message(small_mirror: Path, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "app", "patrol", str(small_mirror), "--cluster", "tcp://127.0.0.1:9",
                             "--db", str(tmp_path / "p.sqlite3")], capture_output=True, text=True, cwd=REPO,
                            timeout=120, env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 2 and "Dask" in result.stderr


def _spec_and_lexicons() -> tuple[Any, Any]:
    from app.paths import data_dir
    from app.patrol.service import EngineChoice, engine_spec

    return engine_spec(EngineChoice(data_dir()))


def test_files_that_vanish_or_change_mid_patrol_and_unreadable_files(tmp_path: Path) -> None:
    from app.patrol.model import PatrolProgress, PatrolRun
    from app.patrol.service import patrol

    mirror = build_mirror(tmp_path / "site", pages=10, bad_links=False)
    broken = mirror.root / "www.example.gov.cn" / "files" / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    spec, lexicons = _spec_and_lexicons()
    gone, altered = mirror.root / page_path(1), mirror.root / page_path(6)
    run = None
    for step in patrol([mirror.root], spec=spec, lexicons=lexicons, db_path=tmp_path / "p.sqlite3", workers=1):
        if isinstance(step, PatrolProgress) and step.phase == "walk" and step.total:
            gone.unlink()                                  # listed, then deleted before it is read
        if isinstance(step, PatrolProgress) and step.phase == "scan" and step.done == 0:
            altered.write_text(altered.read_text(encoding="utf-8") + "<p>篡改</p>", encoding="utf-8")
        if isinstance(step, PatrolRun):
            run = step
    assert run is not None
    items = {i.path: i for i in run.items}
    assert items[page_path(1)].error_code == "vanished" and "消失" in (items[page_path(1)].error or "")
    assert items["www.example.gov.cn/files/broken.docx"].error  # the reader's own message
    assert [p.path for p in run.problems if p.code == "changed_during_patrol"] == [page_path(6)]
    assert sum(1 for i in run.items if i.error) == 2
    assert len(run.items) == len(mirror.files) + 1


def test_stopping_a_patrol_writes_nothing_and_a_finished_one_writes_one_run(tmp_path: Path) -> None:
    from app.patrol.model import PatrolProgress, PatrolRun
    from app.patrol.service import patrol

    mirror = build_mirror(tmp_path / "site", pages=8, bad_links=False)
    spec, lexicons = _spec_and_lexicons()
    db = tmp_path / "p.sqlite3"
    steps = patrol([mirror.root], spec=spec, lexicons=lexicons, db_path=db, workers=1)
    for step in steps:
        if isinstance(step, PatrolProgress) and step.phase == "scan" and step.done == 3:
            break
    steps.close()  # cancelled mid-scan (the pool is shut down by the generator's cleanup)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM files").fetchone() == (0,)
    done = [s for s in patrol([mirror.root], spec=spec, lexicons=lexicons, db_path=db, workers=1)
            if isinstance(s, PatrolRun)]
    assert len(done) == 1 and done[0].counts.scanned == len(mirror.files)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM files").fetchone() == (len(mirror.files),)


def test_a_folder_of_many_files_is_listed_one_entry_at_a_time(tmp_path: Path) -> None:
    from app.patrol.model import PatrolProblem
    from app.patrol.sources import walk_source

    big = tmp_path / "big"
    big.mkdir()
    for k in range(10_000):
        (big / f"img_{k:05d}.gif").write_bytes(b"")
    for k in range(30):
        (big / f"p_{k:02d}.html").write_text(f"<p>{k}</p>", encoding="utf-8")
    problems: list[PatrolProblem] = []
    present: set[str] = set()
    files = list(walk_source(str(tmp_path), problems, present))
    assert [f.path for f in files] == [f"big/p_{k:02d}.html" for k in range(30)]
    assert len(present) == 10_030 and problems == []


def test_a_file_that_kills_cluster_workers_costs_only_that_file(small_mirror: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed")
    import dask

    victim = page_path(3).rsplit("/", 1)[1]
    monkeypatch.setenv("MISHEN_PATROL_TEST_HOOKS", "1")  # inherited by the cluster's worker processes
    monkeypatch.setenv("MISHEN_PATROL_TEST_KILL", victim)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                     silence_logs=40) as cluster:
        run = patrol_json(str(small_mirror), "--cluster", cluster.scheduler_address,
                          "--db", str(tmp_path / "cluster.sqlite3"))
    errors = [(i["path"], i["error_code"]) for i in run["items"] if i["error"]]
    assert errors == [(page_path(3), "worker_died")]
    assert sum(1 for i in run["items"] if i["findings"]) >= 7


def test_ctrl_c_stops_the_patrol_and_its_workers_and_writes_nothing(small_mirror: Path, tmp_path: Path) -> None:
    import signal
    import time

    import psutil

    db = tmp_path / "p.sqlite3"
    env = {**os.environ, "MISHEN_PATROL_TEST_HOOKS": "1", "MISHEN_PATROL_TEST_SLEEP": page_path(5).rsplit("/", 1)[1]}
    proc = subprocess.Popen([sys.executable, "-m", "app", "patrol", str(small_mirror), "--workers", "2", "--db", str(db)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(psutil.Process(proc.pid).children()) < 2:
        time.sleep(0.2)
    workers = psutil.Process(proc.pid).children()
    time.sleep(2)  # the workers are scanning; one sleeps on page 5
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "已取消" in err and "Traceback" not in err, err
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
    assert db.exists()  # opened before the scan started
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)


def test_without_the_cluster_extra_the_message_says_how_to_install_it(small_mirror: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocked" / "distributed"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('dask.distributed is not installed here')\n",
                                         encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker.parent), str(REPO)])}
    result = subprocess.run([sys.executable, "-m", "app", "patrol", str(small_mirror), "--cluster", "tcp://127.0.0.1:8786",
                             "--db", str(tmp_path / "p.sqlite3")], capture_output=True, text=True, cwd=REPO,
                            timeout=120, env=env)
    assert result.returncode == 2, result.stderr
    assert "未安装 dask.distributed" in result.stderr and "mishen[cluster]" in result.stderr
    assert "Traceback" not in result.stderr
    local = subprocess.run([sys.executable, "-m", "app", "patrol", str(small_mirror), "--workers", "1",
                            "--db", str(tmp_path / "p.sqlite3")], capture_output=True, text=True, cwd=REPO,
                           timeout=120, env=env)
    assert local.returncode == 0, local.stderr  # a local patrol never imports dask
