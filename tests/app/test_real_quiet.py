"""Real published documents (../shared/eval/real: work reports, laws, bulletins, judgments) with
nothing planted: the scanner must be almost silent there (issue 8's targets)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, shared_path

MAX_LOUD_PER_10K = 0.05
MAX_MEDIUM_PER_10K = 0.15


def test_real_published_documents_are_quiet(tmp_path: Path) -> None:
    eval_dir = shared_path("eval")
    raw = tmp_path / "real.json"
    proc = subprocess.run(
        [sys.executable, str(eval_dir / "score.py"), str(eval_dir / "real"), "-v",
         "--max-decoy-violations", "0", "--max-noise-per-10k", str(MAX_LOUD_PER_10K), "--require-inputs-ok",
         "--report", str(raw), "--", sys.executable, "-m", "app", "scan", "--format", "json"],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    print(proc.stdout)
    assert proc.returncode == 0, f"real/ score above thresholds:\n{proc.stdout}\n{proc.stderr[-3000:]}"

    report = json.loads(raw.read_text(encoding="utf-8"))
    chars = sum(d.get("chars") or 0 for d in report["documents"])
    loud = [(Path(d["path"]).name, f["category"], f["text"]) for d in report["documents"]
            for f in d["findings"] if f["severity"] in ("high", "block")]
    medium = [(Path(d["path"]).name, f["category"], f["text"]) for d in report["documents"]
              for f in d["findings"] if f["severity"] == "medium"]
    assert chars > 100_000
    assert len(loud) <= max(1, int(MAX_LOUD_PER_10K * chars / 10_000)), loud
    assert len(medium) / chars * 10_000 <= MAX_MEDIUM_PER_10K, medium
    # every published document is recognised as what it is, not as a draft
    kinds = {Path(d["path"]).name: (d.get("kind") or {}).get("kind") for d in report["documents"]}
    drafts = [name for name, kind in kinds.items() if kind in (None, "draft")]
    assert len(drafts) <= 2, drafts
