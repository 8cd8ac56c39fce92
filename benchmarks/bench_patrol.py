"""Patrol benchmark (issue 13): prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_patrol.py [--files 2000] [--rss-files 20000] [--no-cluster]

On a generated mirror of about `--files` files (tests/patrol_mirror.py: html pages, every fourth
linking a docx/pdf/xlsx attachment, a few planted problems) it prints
- documents/s of one plain `mishen scan` process over the same files (the baseline);
- documents/s of `mishen patrol` with 1 and 2 local workers, the scaling and each worker's share of
  the baseline;
- an incremental re-run of the unchanged mirror, as a share of the full run;
- a Dask LocalCluster of 2 worker processes against the local pool of 2 on the same files;
- RSS of the main process and the largest worker sampled while patrolling `--rss-files` small
  pages (0 to skip): flat means the pool holds no per-file state;
- the comparison with the approved versions (a ledger with `--approvals` approved pages, half of
  them edited after approval): a full run against a re-run of the unchanged mirror, both with the
  comparison, and how many pages each read for it;
- the projected time for 10^6 pages per worker-core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.patrol_mirror import Mirror

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _cpu() -> tuple[float, float]:
    """(CPU seconds of this process, of its finished children)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


CPU: dict[str, tuple[float, float]] = {}


def _patrol(root: Path, db: Path, *, workers: int = 1, cluster: str | None = None,
            rss: list[tuple[int, float, float]] | None = None, label: str = "") -> tuple[float, object]:
    from app.patrol.model import PatrolProgress, PatrolRun
    from app.patrol.service import EngineChoice, engine_spec, patrol

    spec, lexicons = engine_spec(EngineChoice(None), for_cluster=cluster is not None)
    cpu0 = _cpu()
    started = time.perf_counter()
    run = None
    proc = None
    if rss is not None:
        import psutil

        proc = psutil.Process()
    for step in patrol([root], spec=spec, lexicons=lexicons, db_path=db, workers=workers, cluster=cluster):
        if isinstance(step, PatrolRun):
            run = step
        elif proc is not None and rss is not None and isinstance(step, PatrolProgress) and step.phase == "scan" \
                and step.done % max(1, step.total // 10) == 0 and step.done:
            workers_rss = [c.memory_info().rss for c in proc.children(recursive=True)]
            rss.append((step.done, proc.memory_info().rss / 2**20, max(workers_rss, default=0) / 2**20))
    elapsed = time.perf_counter() - started
    cpu1 = _cpu()
    CPU[label] = (cpu1[0] - cpu0[0], cpu1[1] - cpu0[1])
    return elapsed, run


def _baseline(root: Path) -> float:
    """Seconds for one `mishen scan --format json ROOT` process over the same files."""
    cpu0 = _cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app", "scan", "--format", "json", "--fail-on", "never", str(root)],
                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - started
    CPU["scan"] = (0.0, _cpu()[1] - cpu0[1])
    return elapsed


def _two_scans(root: Path, files: list[str]) -> float:
    """Seconds for two `mishen scan` processes side by side, each on half the files: the most any
    two processes gain on this machine (shared cores, caches, memory bandwidth)."""
    halves = [[str(root / f) for f in files[k::2]] for k in (0, 1)]
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "app", "scan", "--format", "json", "--fail-on", "never", *h],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for h in halves]
    for p in procs:
        p.wait()
    return time.perf_counter() - started


def _small_pages(root: Path, n: int) -> None:
    folder = root / "www.example.gov.cn" / "list"
    folder.mkdir(parents=True)
    for k in range(n):
        (folder / f"p{k:06d}.html").write_text(
            f"<html><head><title>第{k}号公告</title></head><body><p>根据工作安排，现将第{k}项有关事项公告如下。</p>"
            f"<p>联系电话：0851-{k:07d}。</p><a href='p{(k + 1) % n:06d}.html'>下一篇</a></body></html>",
            encoding="utf-8")


def _approval_runs(mirror: Mirror, tmp: Path, count: int) -> None:
    """A ledger with `count` approved pages (the real review flow), half edited after approval;
    patrol + comparison, then the same again on the unchanged mirror."""
    os.environ["MISHEN_TEST_FAST_KDF"] = "1"   # the signers' key derivation: not what is measured
    from app.ledger import Ledger
    from app.patrol.approval_cache import annotate_incrementally
    from app.users import Role
    from tests.app.test_patrol_report_helpers import approve
    from tests.app.test_review_helpers import PASSWORD, PEOPLE
    from tests.people import add_people

    home = tmp / "approvals-home"
    planted = {p.path for p in mirror.planted}
    pages = [p for p in mirror.pages if "/art_" in p and p not in planted][5:5 + count]  # clean pages only
    with Ledger.open(home) as ledger:
        add_people(ledger, {name: (role, "市统计局" if role is not Role.CITY_OFFICE else "市政府办公室")
                            for name, role in PEOPLE.items()}, PASSWORD, admin_unit="市统计局")
        for rel in pages:
            approve(ledger, mirror.root / rel, rel)
    for k, rel in enumerate(pages):
        if k % 2:
            page = mirror.root / rel
            page.write_text(page.read_text(encoding="utf-8").replace("</h1>", "</h1>\n<p>审核后补充的一段。</p>", 1),
                            encoding="utf-8")
    db = tmp / "approvals.sqlite3"
    timings = []
    for _ in range(2):
        scan, run = _patrol(mirror.root, db, workers=2)
        t = time.perf_counter()
        done = annotate_incrementally(run, home, db)  # type: ignore[arg-type]
        compare = time.perf_counter() - t
        statuses = {s: sum(1 for i in done.run.items if i.approval == s) for s in ("approved", "changed", "unreviewed")}
        timings.append((scan, compare, done.compared, done.reused, statuses))
    (s1, c1, n1, _, st), (s2, c2, n2, r2, _) = timings
    print(f"approved versus published ({count} approved pages, {count // 2} edited after): full run {s1:.2f} s scan + "
          f"{c1:.2f} s comparison ({n1} files read; {st}); unchanged re-run {s2:.2f} s + {c2:.2f} s "
          f"({n2} read, {r2} reused) = {(s2 + c2) / (s1 + c1):.1%} of the full run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rss-files", type=int, default=20000)
    parser.add_argument("--paragraphs", type=int, default=20, help="paragraphs per page (a news page: 10-40)")
    parser.add_argument("--no-cluster", action="store_true")
    parser.add_argument("--approvals", type=int, default=20, help="approved pages in the ledger (0 to skip)")
    args = parser.parse_args()

    from tests.patrol_mirror import build_mirror

    tmp = Path(tempfile.mkdtemp(prefix="mishen-bench-patrol-"))
    os.environ.setdefault("MISHEN_HOME", str(tmp / "home"))
    os.environ.setdefault("MISHEN_CACHE", str(tmp / "cache"))
    try:
        t = time.perf_counter()
        pages = max(10, int(args.files * 0.8))
        mirror = build_mirror(tmp / "site", pages=pages, paragraphs=args.paragraphs)
        n = len(mirror.files)
        size = sum((mirror.root / f).stat().st_size for f in mirror.files) / n
        print(f"mirror: {n} files ({len(mirror.pages)} pages of {args.paragraphs} paragraphs, "
              f"{len(mirror.attachments)} attachments; {size / 1024:.1f} KB a file), built in "
              f"{time.perf_counter() - t:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        _patrol(mirror.root, tmp / "warm.sqlite3", workers=1)  # lexicon cache warm, files in the page cache

        base = _baseline(mirror.root)
        print(f"mishen scan (1 process):      {base:7.1f} s  {n / base:6.1f} docs/s")
        pair = _two_scans(mirror.root, mirror.files)
        print(f"2 x mishen scan side by side: {pair:7.1f} s  {n / pair:6.1f} docs/s  (the machine's own 2-process "
              f"scaling: {base / pair:.2f}x)")
        one, _ = _patrol(mirror.root, tmp / "w1.sqlite3", workers=1, label="w1")
        print(f"mishen patrol --workers 1:    {one:7.1f} s  {n / one:6.1f} docs/s  ({base / one:.0%} of mishen scan)")
        two, run2 = _patrol(mirror.root, tmp / "w2.sqlite3", workers=2, label="w2")
        print(f"mishen patrol --workers 2:    {two:7.1f} s  {n / two:6.1f} docs/s  scaling {one / two:.2f}x, "
              f"per worker {n / two / 2 / (n / base):.0%} of mishen scan, {pair / two:.0%} of 2 x mishen scan")
        scan_cpu = CPU["scan"][1] / n * 1000
        for label in ("w1", "w2"):
            main_cpu, workers_cpu = CPU[label]
            print(f"  CPU per file, --workers {label[1]}: workers {workers_cpu / n * 1000:.2f} ms + main process "
                  f"{main_cpu / n * 1000:.2f} ms, against {scan_cpu:.2f} ms in mishen scan -> a worker on a free core "
                  f"does {scan_cpu / (workers_cpu / n * 1000):.0%} of mishen scan's work per second; "
                  f"scaling on {label[1]} free cores at most {int(label[1]) * scan_cpu / ((workers_cpu + main_cpu) / n * 1000) if label == 'w2' else 1:.2f}x")
        again, run_again = _patrol(mirror.root, tmp / "w2.sqlite3", workers=2)
        scanned = getattr(getattr(run_again, "counts", None), "scanned", -1)
        print(f"incremental re-run (unchanged): {again:5.2f} s  {again / two:.1%} of the full run  (scanned {scanned})")
        if not args.no_cluster:
            try:
                from distributed import LocalCluster
            except ImportError:
                print("dask.distributed not installed: cluster skipped")
            else:
                with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
                    cold, _ = _patrol(mirror.root, tmp / "cold.sqlite3", cluster=cluster.scheduler_address)
                    print(f"Dask LocalCluster, first run (workers import the readers): {cold:6.1f} s")
                    cl, run_cl = _patrol(mirror.root, tmp / "cl.sqlite3", cluster=cluster.scheduler_address)
                same = [(i.path, i.findings) for i in getattr(run_cl, "items", ())] == \
                    [(i.path, i.findings) for i in getattr(run2, "items", ())]
                print(f"Dask LocalCluster (2 warm workers): {cl:6.1f} s  {n / cl:6.1f} docs/s  overhead "
                      f"{cl / two - 1:+.0%} against the local pool of 2; identical results: {same}")
        if args.approvals:
            _approval_runs(mirror, tmp, args.approvals)
        per_core = n / two / 2
        print(f"projected 10^6 pages per worker-core at {per_core:.1f} docs/s: {1e6 / per_core / 3600:.1f} h "
              f"(first run; a daily re-run with 2 % changed pages: {0.02e6 / per_core / 3600 + 1e6 / n * again / 2 / 3600:.1f} h)")
        if args.rss_files:
            root = tmp / "rss"
            _small_pages(root, args.rss_files)
            samples: list[tuple[int, float, float]] = []
            secs, _ = _patrol(root, tmp / "rss.sqlite3", workers=2, rss=samples)
            print(f"RSS over {args.rss_files} pages ({args.rss_files / secs:.0f} docs/s): "
                  + "  ".join(f"{d}: main {m:.0f} MB / worker {w:.0f} MB" for d, m, w in samples))
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes on the machine share the cores)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
