"""Scan time against the number of hits: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_hits.py [--hits 1000,10000,100000]

Each document is a plain-text file of short lines, each line carrying findings of several rules
and categories (a secrecy mark, a mobile number, lexicon terms, an allow-listed term), so the
de-duplication (`scan._dedupe`) and the allow-list look-ups (`ScanContext.allowed`) work on as
many hits as the document has. Matching and de-duplication are near-linear: the time per hit
should stay about the same from 1k to 100k hits.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: One line, several hits: the mark (secret_mark), the mark's words as lexicon terms, a mobile
#: number (personal_info), and a sentence that names a case still under investigation.
LINES = (
    "机密★5年 关于做好第{n}项工作的通知，联系人手机 139{n:08d}。",
    "内部资料 注意保存，第{n}号文件请勿外传。",
    "该案件正在侦查中，犯罪嫌疑人王某{n}已被刑事拘留。",
)


def build(path: Path, hits_wanted: int, per_line: float) -> Path:
    lines = max(1, int(hits_wanted / per_line))
    with path.open("w", encoding="utf-8") as fh:
        for n in range(lines):
            fh.write(LINES[n % len(LINES)].format(n=n) + "\n")
    return path


def _count(report: object) -> int:
    """Findings, each grouped occurrence counted (identical findings are one row with occurrences)."""
    return sum(f.count for f in report.findings)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hits", default="1000,10000,100000")
    args = parser.parse_args()
    wanted = [int(x) for x in args.hits.split(",")]

    from app.readers import read_document
    from app.scan import Engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine.load(cache_dir=Path(tmp) / "cache")
        # calibrate hits per line on a small sample
        sample = read_document(build(Path(tmp) / "sample.txt", 300, 1.0))
        report = engine.scan_document(sample)
        per_line = max(_count(report) / 300, 0.1)
        print(f"{'findings':>16} {'lines':>8} {'read s':>8} {'scan s':>8} {'µs/hit':>8}")
        for n in wanted:
            for _ in range(3):  # findings per line drift a little with size: re-aim within 5 %
                path = build(Path(tmp) / f"hits-{n}.txt", n, per_line)
                t0 = time.perf_counter()
                document = read_document(path)
                t1 = time.perf_counter()
                report = engine.scan_document(document)
                t2 = time.perf_counter()
                found = _count(report)
                if abs(found - n) <= 0.05 * n:
                    break
                per_line *= found / n
            lines = len(document.segments)
            print(f"{found:>16,} {lines:>8,} {t1 - t0:>8.2f} {t2 - t1:>8.2f} {1e6 * (t2 - t1) / max(found, 1):>8.1f}")


if __name__ == "__main__":
    main()
