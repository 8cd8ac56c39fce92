"""Statistics over a ledger of many reviews: compute_stats and the three report formats.

    .venv/bin/python benchmarks/bench_stats.py                # 300 reviews
    .venv/bin/python benchmarks/bench_stats.py --reviews 1000

Each review is a real small draft scanned by the real engine, opened and signed at level 1 and 2
(every fifth returned, every tenth consulted with a registered peer and left to 视为同意), so the
ledger has the entries statistics read in the proportions a unit would produce.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("MISHEN_TEST_FAST_KDF", "1")   # user keys are not what is measured here

from app.ledger import Ledger
from app.peers import add_peer, export_identity, read_identity, unlock_unit
from app.review import Decision, open_review, sign_review
from app.review.consult import send_consultation
from app.review.scanning import engine_scanner
from app.scan import Engine
from app.stats import compute_stats
from app.stats.report import export_stats
from app.users import Role, add_user, unlock

PW = "bench-password-1"


def build(root: Path, n: int) -> Path:
    home, peer = root / "unit", root / "peer"
    with Ledger.open(peer) as ledger:
        add_user(ledger, "admin", Role.SECRECY_ADMIN, PW, unit="市公安局")
        unlock_unit(ledger, "admin", PW)
        export_identity(ledger, root / "peer.id")
    with Ledger.open(home) as ledger:
        add_user(ledger, "admin", Role.SECRECY_ADMIN, PW, unit="市应急局")
        by = unlock(ledger, "admin", PW)
        add_user(ledger, "li", Role.OFFICER, PW, unit="市应急局", added_by=by)
        add_user(ledger, "wang", Role.DIVISION_LEADER, PW, unit="市应急局", added_by=by)
        add_peer(ledger, read_identity(root / "peer.id"), "admin", PW)
        scanner = engine_scanner(Engine.load())
        long_ago = datetime.now().astimezone() - timedelta(days=30)
        for i in range(n):
            doc = root / f"d{i}.txt"
            doc.write_text(f"关于第{i}次安全检查的通知。联系电话139{i:08d}。要再接再励。\n", encoding="utf-8")
            r = open_review(ledger, doc, title=f"通知{i}", unit=("市应急局", "市卫健委", "市交通局")[i % 3],
                            scanner=scanner)
            if i % 10 == 0:
                send_consultation(ledger, r.id, to="市公安局", output=root / f"l{i}.mishen", admin="admin",
                                  password=PW, now=long_ago)
            if i % 5 == 0:
                sign_review(ledger, r.id, level=1, user="li", password=PW, decision=Decision.RETURN, opinion="请修改")
                continue
            sign_review(ledger, r.id, level=1, user="li", password=PW, decision=Decision.APPROVE)
            sign_review(ledger, r.id, level=2, user="wang", password=PW, decision=Decision.APPROVE)
    return home


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reviews", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        home = build(root, args.reviews)
        print(f"built {args.reviews} reviews in {time.perf_counter() - t0:.1f} s")
        with Ledger.open(home) as ledger:
            entries = ledger.head().seq
            t = time.perf_counter()
            stats = compute_stats(ledger)
            print(f"compute_stats over {entries} entries: {time.perf_counter() - t:.2f} s "
                  f"({stats.reviews} reviews, {stats.findings} findings, {stats.consult_deemed} 视为同意)")
            for fmt in ("xlsx", "docx", "pdf"):
                t = time.perf_counter()
                out = export_stats(ledger, stats, root / f"stats.{fmt}")
                print(f"export {fmt}: {time.perf_counter() - t:.2f} s, {out.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
