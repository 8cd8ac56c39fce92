"""Each patrol run is recorded in the ledger (存档备查): an append-only `patrol_recorded` event with
the sources, the time, who, the counts and the hash of each report file written. Written through
the ledger's single writer (`Ledger.transaction().append`), signed by the user when one is named
(`--by`), else by the workstation's key."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.ledger.model import LedgerEvent
from app.ledger.store import Ledger, Signer
from app.patrol.model import PatrolRun

KIND = "patrol_recorded"


def record_patrol(ledger: Ledger, run: PatrolRun, reports: Sequence[tuple[Path, str]], signer: Signer,
                  *, db_path: Path) -> LedgerEvent:
    """`reports`: (path, sha256) of each report file written for this run."""
    c = run.counts
    payload = {
        "run_id": run.run_id, "sources": list(run.sources), "started": run.started, "finished": run.finished,
        "who": run.who, "tool_version": run.tool_version,
        "lexicons": [{"name": lx.name, "version": lx.version, "sha256": lx.sha256} for lx in run.lexicons],
        "previous_run_id": run.previous_run_id, "workers": run.workers, "cluster": run.cluster, "ocr": run.ocr,
        "counts": {"files": c.files, "pages": c.pages, "attachments": c.attachments, "scanned": c.scanned,
                   "new": c.new, "changed": c.changed, "removed": c.removed, "findings": c.findings,
                   "with_findings": c.with_findings, "new_findings": c.new_findings,
                   "resolved_findings": c.resolved_findings, "errors": c.errors, "problems": c.problems,
                   "ocr_pages": c.ocr_pages, "by_severity": dict(c.by_severity)},
        "reports": [{"file": str(p), "sha256": sha} for p, sha in reports],
        "database": str(db_path),
    }
    with ledger.transaction() as tx:
        return tx.append(KIND, payload, signer)


def patrol_events(ledger: Ledger) -> list[LedgerEvent]:
    return ledger.events(kinds=(KIND,))
