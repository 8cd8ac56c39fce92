"""onnxruntime sessions for the three OCR models, with the options rapidocr 3.10.0 uses on a CPU:
all graph optimisations, no CPU memory arena (memory is given back after each page), the
arena extended only as requested, onnxruntime's default thread counts, its logging silenced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray


class Session:
    """One model: `run(batch)` returns its first output."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 4
        options.enable_cpu_mem_arena = False
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session: Any = ort.InferenceSession(
            str(path), sess_options=options,
            providers=[("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})])
        self._input = str(self._session.get_inputs()[0].name)
        self._outputs = [str(o.name) for o in self._session.get_outputs()]

    def run(self, batch: NDArray[np.float32]) -> NDArray[np.float32]:
        result = self._session.run(self._outputs, {self._input: batch})[0]
        return np.asarray(result, dtype=np.float32)

    def metadata(self, key: str) -> str | None:
        """A custom metadata entry of the model (the recogniser's character list)."""
        value = self._session.get_modelmeta().custom_metadata_map.get(key)
        return None if value is None else str(value)
