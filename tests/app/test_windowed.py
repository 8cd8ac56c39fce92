"""The console-less `mishen-gui`: with no stdout/stderr (as on Windows, console=False) a failed
start is written to the log file and shown in a message box instead of crashing on print()."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
sys.stdout = None
sys.stderr = None
from app.windowed import run_windowed
from app.cli import main
shown = []
status = run_windowed(lambda: main(sys.argv[1:]), directory=__import__('pathlib').Path(sys.argv[0]), show=shown.append)
open(sys.argv[0] + '/shown.txt', 'w', encoding='utf-8').write('\\n'.join(shown))
raise SystemExit(status)
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT.replace("sys.argv[0]", repr(str(tmp_path))), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_usage_error_goes_to_log_and_message_box(tmp_path: Path) -> None:
    done = _run(tmp_path, "--data-dir", str(tmp_path / "data"), "--no-such-option")
    assert done.returncode == 2
    assert done.stdout == "" and done.stderr == ""          # nothing reached the (missing) console
    log = (tmp_path / "mishen-gui.log").read_text(encoding="utf-8")
    assert "--no-such-option" in log
    assert "--no-such-option" in (tmp_path / "shown.txt").read_text(encoding="utf-8")


def test_successful_run_shows_nothing(tmp_path: Path) -> None:
    done = _run(tmp_path, "--version")
    assert done.returncode == 0
    assert (tmp_path / "shown.txt").read_text(encoding="utf-8") == ""
    assert "mishen" in (tmp_path / "mishen-gui.log").read_text(encoding="utf-8")


def test_uncaught_exception_is_shown(tmp_path: Path) -> None:
    script = SCRIPT.replace("lambda: main(sys.argv[1:])", "lambda: 1 / 0").replace("sys.argv[0]", repr(str(tmp_path)))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "ZeroDivisionError" in (tmp_path / "shown.txt").read_text(encoding="utf-8")


def test_streams_left_alone_with_a_console(tmp_path: Path) -> None:
    from app.windowed import attach_streams

    assert attach_streams(tmp_path) is None
    assert not (tmp_path / "mishen-gui.log").exists()
