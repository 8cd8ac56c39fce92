"""On-disk cache of compiled automata, keyed by the lexicon contents and the normaliser.

Two kinds of file, both written atomically (temporary file, then rename); one that cannot be read
or does not carry the expected key is ignored and rebuilt. The cache directory belongs to the user
(app.paths.cache_dir), like any compiled-bytecode cache.

- `lexicon-*.ac` (`Matcher.build`, lexicons already parsed): one pickled `CompiledTable`, keyed by
  the lexicons' infos.
- `lexicons-*.bundle` (`Matcher.load`, lexicon files): keyed by each file's name and the sha256 of
  its bytes, it holds everything needed to match without reading the files again — the infos and
  validated rows (`Columns`, marshalled) and the compiled table (arrays, pickled automaton). A file
  that changes by one byte has another key, so a malformed edit is always parsed and reported.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import pickle
import struct
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from app.lexicon.model import CodedColumn, Column, Columns, JoinedColumn, check_columns
from app.lexicon.terms import normalizer_fingerprint
from app.model import LexiconInfo

#: Bump when the layout of CompiledTable or the key encoding changes.
FORMAT_VERSION = "mishen-lexicon-ac/1"
_PREFIX = "lexicon-"
_SUFFIX = ".ac"
BUNDLE_VERSION = "mishen-lexicon-bundle/2"  # /2: coded columns as one byte per row
_BUNDLE_PREFIX = "lexicons-"
_BUNDLE_SUFFIX = ".bundle"
_MAGIC = b"MSLXB01\n"
_HEAD = struct.Struct("<8s64sQ")  # magic, key, length of the marshalled part
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
    import tempfile

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


def _prune(cache_dir: Path, prefix: str = _PREFIX, suffix: str = _SUFFIX) -> None:
    try:
        files = sorted(cache_dir.glob(f"{prefix}*{suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[_KEEP:]:
            old.unlink()
    except OSError:
        pass


# --- bundles: lexicon files → everything needed to match -----------------------------------------

def files_key(files: Sequence[tuple[str, str]]) -> str:
    """Key of a list of lexicon files given as (file name, sha256 of the bytes). The name matters:
    it is the lexicon's default name and the prefix of generated entry ids."""
    import ahocorasick

    h = hashlib.sha256()
    for part in (BUNDLE_VERSION, normalizer_fingerprint(), str(getattr(ahocorasick, "__version__", "")),
                 *(f"{name}\0{sha}" for name, sha in files)):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0\0")
    return h.hexdigest()


def _bundle_file(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{_BUNDLE_PREFIX}{key[:32]}{_BUNDLE_SUFFIX}"


Bundle = tuple[list[LexiconInfo], list[Columns], CompiledTable]


def load_bundle(cache_dir: Path, key: str) -> Bundle | None:
    try:
        data = _bundle_file(cache_dir, key).read_bytes()
    except OSError:
        return None
    try:
        return _read_bundle(data, key)
    except Exception:  # a truncated, damaged or foreign file: rebuild
        return None


def _read_bundle(data: bytes, key: str) -> Bundle | None:
    import ahocorasick

    magic, stored_key, size = _HEAD.unpack_from(data)
    if magic != _MAGIC or stored_key != key.encode() or _HEAD.size + size > len(data):
        return None
    view = memoryview(data)
    meta = marshal.loads(view[_HEAD.size:_HEAD.size + size])
    meta_key, lexicons, lengths_b, first_b, ids_b = meta
    if meta_key != key:
        return None
    infos: list[LexiconInfo] = []
    columns: list[Columns] = []
    total = 0
    for name, version, sha, count, packed in lexicons:
        if not (isinstance(name, str) and isinstance(version, str) and isinstance(sha, str)
                and isinstance(count, int) and isinstance(packed, tuple)):
            return None
        cols = tuple(_unpack(c) for c in packed)
        if not check_columns(cols, count):
            return None
        infos.append(LexiconInfo(name, version, sha, count))
        columns.append(cols)
        total += count
    lengths, first, ids = array("i"), array("i"), array("i")
    lengths.frombytes(lengths_b)
    first.frombytes(first_b)
    ids.frombytes(ids_b)
    if len(first) != len(lengths) + 1 or first[0] != 0 or first[-1] != len(ids) \
            or (ids and (min(ids) < 0 or max(ids) >= total)):
        return None
    automaton = pickle.loads(view[_HEAD.size + size:])
    if not isinstance(automaton, ahocorasick.Automaton) or len(automaton) != len(lengths):
        return None
    return infos, columns, CompiledTable(key, automaton, lengths, first, ids)


def _pack(column: Column | bytes) -> object:
    """A column for marshal: ("j", values joined by "\\0", end offsets) or ("b", at most 256
    distinct values, one byte per row) — marshal then loads one string or a few, not 100,000 — or
    the tuple as it is."""
    if isinstance(column, bytes) or not column:
        return column
    values = tuple(column)
    pool: dict[str, int] = {}
    for v in values:
        pool.setdefault(v, len(pool))
        if len(pool) > 256:
            break
    else:
        return ("b", tuple(pool), bytes(map(pool.__getitem__, values)))
    joined = "\0".join(values)
    if joined.count("\0") != len(values) - 1:
        return values
    ends = array("i", accumulate(map(len, values)))
    return ("j", joined, array("i", (e + i for i, e in enumerate(ends))).tobytes())


def _unpack(packed: object) -> object:
    if isinstance(packed, tuple) and len(packed) == 3 and packed[0] in ("b", "j") and isinstance(packed[2], bytes):
        numbers = array("B" if packed[0] == "b" else "i")
        numbers.frombytes(packed[2])
        if packed[0] == "b" and isinstance(packed[1], tuple):
            return CodedColumn(packed[1], numbers)
        if packed[0] == "j" and isinstance(packed[1], str):
            return JoinedColumn(packed[1], numbers)
        return None
    return packed


def store_bundle(cache_dir: Path, infos: Sequence[LexiconInfo], columns: Sequence[Columns],
                 table: CompiledTable) -> bool:
    """Write atomically; False when the cache directory is not writable (the scan goes on)."""
    meta = marshal.dumps((table.key, [(i.name, i.version, i.sha256, i.entries, tuple(map(_pack, c)))
                                      for i, c in zip(infos, columns, strict=True)],
                          table.lengths.tobytes(), table.first.tobytes(), table.ids.tobytes()))
    import tempfile

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".lexicons-", suffix=".tmp", dir=cache_dir)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_HEAD.pack(_MAGIC, table.key.encode(), len(meta)))
            fh.write(meta)
            pickle.dump(table.automaton, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _bundle_file(cache_dir, table.key))
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    _prune(cache_dir, _BUNDLE_PREFIX, _BUNDLE_SUFFIX)
    return True
