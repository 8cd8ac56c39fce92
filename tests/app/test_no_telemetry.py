"""The OCR runtime sends and stores no telemetry: onnxruntime writes a device id and an event store
under ~/.cache/Microsoft (for upload to Microsoft) unless ORT_DISABLE_TELEMETRY is set before it
loads; importing the core sets it, whatever the environment says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SESSION = """
import sys
{first}
import onnxruntime as ort
from app.ocr.models import verify_models
models = verify_models()
ort.InferenceSession(str(models.cls), providers=["CPUExecutionProvider"])
print("ok")
"""


def _run(home: Path, first: str, env_extra: dict[str, str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "ORT_DISABLE_TELEMETRY")}
    env.update(HOME=str(home), **env_extra)
    done = subprocess.run([sys.executable, "-c", SESSION.format(first=first)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-2000:]


def _written(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())


def test_onnxruntime_would_write_telemetry_without_the_switch(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    # the switch is what makes the difference: the same session with it forced off writes the store
    _run(tmp_path, "import os; os.environ['ORT_DISABLE_TELEMETRY'] = '0'", {})
    if not any("Microsoft" in p for p in _written(tmp_path)):
        pytest.skip("this onnxruntime build writes no telemetry store; nothing to switch off")


def test_core_switches_onnxruntime_telemetry_off(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    _run(tmp_path, "import app", {"ORT_DISABLE_TELEMETRY": "0"})   # the environment cannot turn it on
    assert not [p for p in _written(tmp_path) if "Microsoft" in p]
