"""`mishen scan … | head -1`: a reader that closes the pipe early ends the run quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"d{i:02}.txt").write_text("本文件标注机密★5年，请勿外传。\n" * 50, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "app", "scan", str(tmp_path)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like `head -1`
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=120)
    assert first.startswith("密审 MiShen".encode())
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 141
