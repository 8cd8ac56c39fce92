"""On-disk cache of compiled automata, keyed by the lexicon contents and the normaliser.

A cache file holds one pickled `CompiledTable`. It is written atomically (temporary file, then
rename); one that cannot be read or does not carry the expected key is ignored and rebuilt.
The cache directory belongs to the user (app.paths.cache_dir), like any compiled-bytecode cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.lexicon.terms import normalizer_fingerprint
from app.model import LexiconInfo

#: Bump when the layout of CompiledTable or the key encoding changes.
FORMAT_VERSION = "mishen-lexicon-ac/1"
_PREFIX = "lexicon-"
_SUFFIX = ".ac"
_KEEP = 4  # cache files kept (e.g. the GUI's set and a CLI run with extra lexicons)


@dataclass
class CompiledTable:
    """The automaton maps each normalised term (UTF-8 bytes read as latin-1) to a key index k;
    `lengths[k]` is the term's length in characters and `ids[first[k]:first[k + 1]]` the global
    indices of the entries sharing that term."""

    key: str
    automaton: Any  # ahocorasick.Automaton (untyped extension)
    lengths: array[int]
    first: array[int]
    ids: array[int]


def cache_key(infos: Sequence[LexiconInfo]) -> str:
    import ahocorasick

    h = hashlib.sha256()
    for part in (FORMAT_VERSION, normalizer_fingerprint(), str(getattr(ahocorasick, "__version__", "")),
                 *(f"{i.sha256}:{i.entries}" for i in infos)):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _file(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{_PREFIX}{key[:32]}{_SUFFIX}"


def load(cache_dir: Path, key: str) -> CompiledTable | None:
    path = _file(cache_dir, key)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        table = pickle.loads(data)
    except Exception:  # a truncated or foreign file: rebuild
        return None
    if not isinstance(table, CompiledTable) or table.key != key:
        return None
    return table


def store(cache_dir: Path, table: CompiledTable) -> bool:
    """Write atomically; False when the cache directory is not writable (the scan goes on)."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".lexicon-", suffix=".tmp", dir=cache_dir)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(table, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _file(cache_dir, table.key))
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    _prune(cache_dir)
    return True


def _prune(cache_dir: Path) -> None:
    try:
        files = sorted(cache_dir.glob(f"{_PREFIX}*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[_KEEP:]:
            old.unlink()
    except OSError:
        pass
