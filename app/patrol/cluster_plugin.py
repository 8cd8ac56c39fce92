"""The Dask worker plugin that puts the patrol's engine on every worker of a cluster — also on a
worker started (or restarted by its nanny) while the patrol runs. Imported only with `--cluster`
(dask is an optional extra)."""

from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from app.patrol.scanjob import EngineSpec, engine_for, warm_up


class EnginePlugin(WorkerPlugin):
    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec
        self.name = f"mishen-engine-{spec.key[:16]}"

    def setup(self, worker: Any) -> None:
        engine_for(self.spec)
        warm_up()  # the readers' imports, before the first file
