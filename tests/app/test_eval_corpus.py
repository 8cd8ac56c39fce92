"""The shared labelled corpus, scored by its own scorer against the thresholds the issue sets."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO, shared_path


def test_scan_meets_the_corpus_thresholds() -> None:
    eval_dir = shared_path("eval")
    proc = subprocess.run(
        [sys.executable, str(eval_dir / "score.py"), str(eval_dir / "corpus"), "-v",
         "--min-recall", "0.95", "--min-severity-ok", "0.9", "--max-decoy-violations", "0",
         "--max-noise-per-10k", "0.5", "--require-inputs-ok",
         "--", sys.executable, "-m", "app", "scan", "--format", "json"],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    print(proc.stdout)
    assert proc.returncode == 0, f"corpus score below thresholds:\n{proc.stdout}\n{proc.stderr[-3000:]}"
