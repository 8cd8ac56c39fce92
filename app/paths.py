"""Where things live: bundled lexicons/resources (checkout, installed copy, PyInstaller build)
and the user's data directory (platformdirs default; `--data-dir` and MISHEN_HOME override)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def bundle_root() -> Path:
    """The directory holding `lexicons/` and `resources/`."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    here = Path(__file__).resolve().parent.parent  # checkout or editable install
    if (here / "lexicons").is_dir():
        return here
    installed = Path(sys.prefix) / "share" / "mishen"
    if (installed / "lexicons").is_dir():
        return installed
    return here


def lexicons_dir() -> Path:
    return bundle_root() / "lexicons"


def resources_dir() -> Path:
    return bundle_root() / "resources"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The user's data directory (ledger, stored document copies, keys, caches)."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("MISHEN_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("MiShen", "MiShen"))


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the owner only; an existing directory that others
    can read is tightened when we own it. (POSIX modes; on Windows the profile ACLs apply.)"""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    make_private(path, PRIVATE_DIR)
    return path


def make_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """chmod `path` to `mode` if it is ours and others can read or write it; never raises."""
    if os.name != "posix":
        return
    try:
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            path.chmod(mode)
    except OSError:
        pass


def cache_dir() -> Path:
    """Compiled lexicon automata and other rebuildable caches."""
    env = os.environ.get("MISHEN_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("MiShen", "MiShen"))
