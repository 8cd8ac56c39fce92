"""Atomic writes (temp file in the same folder, fsync, os.replace) and spreadsheet-safe cells.

Exports are documents a user passes on, so the finished file gets the mode the user's umask gives
a new file (usually 0644) — or keeps the mode of the file it replaces — not the temp file's 0600."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from app.errors import MishenError
from app.plain_text import printable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportError(MishenError):
    code = "export_failed"


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; control
    characters (which openpyxl refuses) are shown as visible symbols."""
    if isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES):
            value = "'" + value
        return printable(value)
    return value


_umask_lock = threading.Lock()


def document_mode(path: Path) -> int:
    """The mode for a finished export: the replaced file's, else 0666 less the process umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        pass
    with _umask_lock:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def _failed(path: Path, exc: OSError, recorded: bool = False) -> ExportError:
    reason = exc.strerror or str(exc)
    kept = "，原有同名文件未改动" if path.exists() else ""
    ledger = "台帐中已记下本次导出，但文件未能放到位" if recorded else "也未记入台帐"
    return ExportError(f"无法写入 {path}：{reason}。未生成文件（已删除写了一半的临时文件{kept}），{ledger}。",
                       code="export_failed")


def atomic_write(path: Path, write: Callable[[Path], object],
                 before_replace: Callable[[Path], object] | None = None) -> Path:
    """Call `write(tmp)`, then `before_replace(tmp)` (e.g. record the export in the ledger), then
    move the result into place. On any failure the temp file is removed and the target untouched."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise _failed(path, exc) from exc
    tmp = Path(tmp_name)
    recorded = False
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if os.name == "posix":
            tmp.chmod(document_mode(path))
        if before_replace is not None:
            before_replace(tmp)
            recorded = True
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _failed(path, exc, recorded) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding=encoding))


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
