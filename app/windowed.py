"""The windowed executable (`mishen-gui`, built with console=False) has no console: on Windows
`sys.stdout` and `sys.stderr` are None there, so the first `print(..., file=sys.stderr)` — a missing
Qt library, a usage error, a traceback — would itself crash, and the user would see nothing. Here
both streams go to a log file (`mishen-gui.log` in the platform's log directory) and keep what was
written, so that a start that fails can show its message in a message box instead (Windows
`MessageBoxW`; elsewhere the window system has a terminal or a journal for stderr)."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def log_dir() -> Path:
    env = os.environ.get("MISHEN_LOG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir("MiShen", "MiShen"))


class _Tee(io.TextIOBase):
    """Writes to the log file (when it could be opened) and remembers the text."""

    def __init__(self, log: TextIO | None) -> None:
        self._log = log
        self.text = io.StringIO()

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.text.write(s)
        if self._log is not None:
            try:
                self._log.write(s)
                self._log.flush()
            except OSError:
                self._log = None
        return len(s)


def attach_streams(directory: Path | None = None) -> _Tee | None:
    """Give a console-less process a stdout/stderr; None when both already exist."""
    if sys.stdout is not None and sys.stderr is not None:
        return None
    log: TextIO | None
    try:
        where = directory or log_dir()
        where.mkdir(parents=True, exist_ok=True)
        log = (where / "mishen-gui.log").open("a", encoding="utf-8")
    except OSError:
        log = None
    tee = _Tee(log)
    if sys.stdout is None:
        sys.stdout = tee
    if sys.stderr is None:
        sys.stderr = tee
    return tee


def windows_message_box(text: str) -> None:  # pragma: no cover - Windows only
    import ctypes

    ctypes.windll.user32.MessageBoxW(None, text, "密审 MiShen", 0x10)  # type: ignore[attr-defined]


def run_windowed(main: Callable[[], int], *, directory: Path | None = None,
                 show: Callable[[str], None] | None = None) -> int:
    """Run `main` with streams attached; a failed start (non-zero status or an uncaught exception)
    that wrote something shows it through `show` (a message box on Windows)."""
    tee = attach_streams(directory)
    if show is None and sys.platform == "win32":
        show = windows_message_box
    try:
        status = main()
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    except BaseException:
        import traceback

        traceback.print_exc()
        status = 1
    if status and tee is not None and show is not None:
        message = tee.text.getvalue().strip()
        if message:
            show(message[-4000:])
    return status
