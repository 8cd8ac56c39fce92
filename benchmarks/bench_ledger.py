"""Ledger append and verify rates (hash chain + Ed25519 signature per entry).

    .venv/bin/python benchmarks/bench_ledger.py              # 100k entries
    .venv/bin/python benchmarks/bench_ledger.py --entries 5000

Appends are measured two ways: one transaction per entry (what an interactive sign-off costs,
each commit fsynced: synchronous=FULL) on a sample, and batched (how fast the chain itself grows).
`verify` recomputes every hash, link and signature from the file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.ledger import Ledger, ledger_path, verify_ledger


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--single", type=int, default=1000, help="entries appended one transaction each")
    ap.add_argument("--batch", type=int, default=1000, help="entries per transaction in the batched run")
    args = ap.parse_args()
    payload = {"review_id": "20260101-bench", "opinion": "同意发布" * 8, "level": 3,
               "note": "基准测试" * 16}
    with tempfile.TemporaryDirectory() as tmp:
        with Ledger.open(tmp) as ledger:
            signer = ledger.workstation_signer()
            single = min(args.single, args.entries)
            t0 = time.perf_counter()
            for i in range(single):
                with ledger.transaction() as tx:
                    tx.append("bench", {**payload, "i": i}, signer)
            t_single = time.perf_counter() - t0
            rest = args.entries - single
            t0 = time.perf_counter()
            done = 0
            while done < rest:
                n = min(args.batch, rest - done)
                with ledger.transaction() as tx:
                    for i in range(n):
                        tx.append("bench", {**payload, "i": single + done + i}, signer)
                done += n
            t_batch = time.perf_counter() - t0
            t0 = time.perf_counter()
            ledger._checked = None
            ledger.check_chain()
            t_chain = time.perf_counter() - t0
        size = ledger_path(tmp).stat().st_size
        t0 = time.perf_counter()
        result = verify_ledger(ledger_path(tmp))
        t_verify = time.perf_counter() - t0
    assert result.ok, result.problems
    print(f"entries: {result.entries}  file: {size / 1e6:.1f} MB")
    print(f"append, one transaction per entry (fsync each): {single / t_single:,.0f} entries/s ({single} entries)")
    if rest:
        print(f"append, {args.batch} per transaction: {rest / t_batch:,.0f} entries/s ({rest} entries)")
    print(f"chain check on open (hashes + links, no signatures): {result.entries / t_chain:,.0f} entries/s "
          f"({t_chain:.2f} s)")
    print(f"verify (hashes + links + signatures): {result.entries / t_verify:,.0f} entries/s ({t_verify:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
