"""`mishen gui` when Qt's system libraries cannot load: a Chinese message naming the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.gui_requirements import missing_library, package_for, qt_failure_message

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("error", "package"), [
    ("libEGL.so.1: cannot open shared object file: No such file or directory", "libegl1"),
    ("libGL.so.1: cannot open shared object file: No such file or directory", "libgl1"),
    ("libxkbcommon.so.0: cannot open shared object file", "libxkbcommon0"),
    ("libfontconfig.so.1: cannot open shared object file", "libfontconfig1"),
    ("libdbus-1.so.3: cannot open shared object file", "libdbus-1-3"),
    ("libxcb-cursor.so.0: cannot open shared object file", "libxcb-cursor0"),
])
def test_library_maps_to_debian_package(error: str, package: str) -> None:
    library = missing_library(error)
    assert library is not None and package_for(library) == package
    assert package in qt_failure_message(error)


def test_unknown_error_still_names_the_usual_packages() -> None:
    assert missing_library("No module named 'PySide6'") is None
    message = qt_failure_message("No module named 'PySide6'")
    assert "libegl1" in message and "bootstrap" in message


def _fake_pyside(tmp_path: Path, exc: str) -> dict[str, str]:
    pkg = tmp_path / "fake" / "PySide6"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(f"raise {exc}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=os.pathsep.join([str(tmp_path / "fake"), str(ROOT)]), MISHEN_HOME=str(tmp_path / "home"),
               QT_QPA_PLATFORM="offscreen")
    return env


@pytest.mark.parametrize(("exc", "package"), [
    ('ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")', "libegl1"),
    ('OSError("libxkbcommon.so.0: cannot open shared object file")', "libxkbcommon0"),
])
def test_mishen_gui_without_qt_library(tmp_path: Path, exc: str, package: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "app", "gui"], env=_fake_pyside(tmp_path, exc), cwd=tmp_path,
                          capture_output=True, timeout=60)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert "无法启动图形界面" in err and package in err
