"""Approved versus published at scale: index N approved pages, then classify N published pages
(a quarter each: as approved, in new chrome, tampered with spam, never reviewed). Prints the
index build time and pages per second (one core).

    .venv/bin/python benchmarks/bench_patrol_approval.py [--approved 1000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.patrol.approval import ApprovalIndex, ApprovalStatus, ApprovedVersion
from app.patrol.model import ItemKind
from app.patrol.report_chrome import page_text
from tests.app.test_patrol_report_helpers import page, tamper

WORDS = ["推进", "全面", "深化", "改革", "工作", "会议", "部署", "落实", "责任", "安全", "生产", "统计", "公报", "全市", "经济", "发展", "服务", "群众", "政务", "公开"]


def article(rng: random.Random, k: int) -> tuple[str, list[str]]:
    title = f"关于第{k}期{''.join(rng.sample(WORDS, 3))}的通知"
    paras = ["".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))) + f"，编号{k}-{j}。" for j in range(8)]
    return title, paras


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--approved", type=int, default=1000)
    n = ap.parse_args().approved
    rng = random.Random(13)
    tmp = Path(tempfile.mkdtemp(prefix="bench-approval-"))
    approved_dir, site = tmp / "approved", tmp / "site"
    approved_dir.mkdir()
    site.mkdir()
    entries, published, expected = [], [], []
    reading = 0.0
    for k in range(n):
        title, paras = article(rng, k)
        a = approved_dir / f"t20261101_{k}.html"
        a.write_text(page(title, paras), encoding="utf-8")
        data = a.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        r0 = time.perf_counter()
        text = page_text(a, "html", data)
        reading += time.perf_counter() - r0
        entries.append((ApprovedVersion(f"r{k}", title, 1, sha, a.name, "html", "2026-11-01T00:00:00Z"), text))
        kind = k % 4
        p = site / (f"t20261101_{k}.html" if kind < 3 else f"t20261201_{k}.html")
        if kind == 0:
            p.write_bytes(data)
            expected.append(ApprovalStatus.APPROVED)
        elif kind == 1:
            p.write_text(page(title, paras, nav="首页 专题 解读", site="某市政府网"), encoding="utf-8")
            expected.append(ApprovalStatus.APPROVED)
        elif kind == 2:
            p.write_bytes(data)
            tamper(p)
            expected.append(ApprovalStatus.CHANGED)
        else:
            t2, p2 = article(rng, n + k)
            p.write_text(page(t2, p2), encoding="utf-8")
            expected.append(ApprovalStatus.UNREVIEWED)
        published.append(p)
    t0 = time.perf_counter()
    index = ApprovalIndex(entries)
    t1 = time.perf_counter()
    wrong = 0
    for p, want in zip(published, expected, strict=True):
        data = p.read_bytes()
        got = index.classify(p, hashlib.sha256(data).hexdigest(), "html", ItemKind.PAGE, data)
        if got.status is not want:
            wrong += 1
            if wrong <= 3:
                print("wrong:", p.name, want.value, got.status.value, got.detail()[:200])
    t2 = time.perf_counter()
    print(f"approved versions: {n}; their texts read in {reading:.2f} s, indexed in {t1 - t0:.3f} s")
    print(f"published pages: {len(published)}; classified in {t2 - t1:.2f} s = {len(published) / (t2 - t1):.0f} pages/s "
          f"(a quarter by hash, the rest read, stripped of chrome and diffed); misclassified: {wrong}")


if __name__ == "__main__":
    main()
