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


def cache_dir() -> Path:
    """Compiled lexicon automata and other rebuildable caches."""
    env = os.environ.get("MISHEN_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("MiShen", "MiShen"))
