"""Lexicon entries and the matches the automaton produces.

A loaded lexicon keeps its validated rows as columns (`Columns`: plain tuples of strings that
marshal stores and reloads quickly) and builds a `LexiconEntry` only when something asks for it
(`LazyEntries`, memoised): a 100,000-term lexicon is ready to match without 100,000 objects.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeGuard, overload

from app.model import Category, LexiconInfo, Severity


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    id: str                         # stable, e.g. "wording-0003"
    term: str                       # as written by the maintainer (matched after normalisation)
    category: Category
    severity: Severity
    basis: str                      # 法规依据
    suggestion: str = ""            # standard wording / correction / what to do
    note: str = ""                  # why (Chinese), shown as the finding's message
    allow: bool = False             # allow-list entry: suppresses matches it covers
    options: frozenset[str] = field(default_factory=frozenset)
    # options understood by the engine:
    #   "word"            the match must start and end on a jieba word boundary
    #   "context_lower"   prohibitive/reporting context (打击, 整治, 破除…) lowers it to medium
    #   "not_in_title"    quiet inside 《…》 (law and document titles)


@dataclass(frozen=True, slots=True)
class LexiconHit:
    start: int                      # normalised offsets [start, end)
    end: int
    entry: LexiconEntry


# ids, terms, category values, severity values, bases, suggestions, notes, allow flags (one byte
# per entry, 0/1), options (space-separated, lower case). A column is a tuple, or a packed form
# read from the cache (`JoinedColumn`, `CodedColumn`) that makes no per-entry object up front.
Column = Sequence[str]
Columns = tuple[Column, Column, Column, Column, Column, Column, Column, bytes, Column]


class JoinedColumn(Sequence[str]):
    """Values joined by "\\0" (none contains it); `ends[i]` is where value i ends."""

    __slots__ = ("ends", "joined")

    def __init__(self, joined: str, ends: array[int]) -> None:
        self.joined = joined
        self.ends = ends

    def __len__(self) -> int:
        return len(self.ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        end = self.ends[index]
        if index < 0:
            index += len(self.ends)
        return self.joined[self.ends[index - 1] + 1 if index else 0:end]

    def __iter__(self) -> Iterator[str]:
        return iter(self.joined.split("\0") if self.ends else ())


class CodedColumn(Sequence[str]):
    """Few distinct values: `values[codes[i]]`."""

    __slots__ = ("codes", "values")

    def __init__(self, values: tuple[str, ...], codes: array[int]) -> None:
        self.values = values
        self.codes = codes

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return tuple(self.values[c] for c in self.codes[index])
        return self.values[self.codes[index]]

    def __iter__(self) -> Iterator[str]:
        return map(self.values.__getitem__, self.codes)


def distinct(column: Column) -> set[str]:
    return set(column.values) if isinstance(column, CodedColumn) else set(column)

_CATEGORIES = {c.value: c for c in Category}
_SEVERITIES = {s.value: s for s in Severity}


def columns_of(entries: Sequence[LexiconEntry]) -> Columns:
    """The column form of ready-made entries."""
    return (tuple(e.id for e in entries), tuple(e.term for e in entries),
            tuple(e.category.value for e in entries), tuple(e.severity.value for e in entries),
            tuple(e.basis for e in entries), tuple(e.suggestion for e in entries),
            tuple(e.note for e in entries), bytes(1 if e.allow else 0 for e in entries),
            tuple(" ".join(sorted(e.options)) for e in entries))


def check_columns(columns: object, count: int) -> TypeGuard[Columns]:
    """True when `columns` has the shape of `Columns` with `count` rows (a cache sanity check)."""
    if not isinstance(columns, tuple) or len(columns) != 9:
        return False
    ok = all(isinstance(col, bytes) if k == 7 else _column_ok(col) for k, col in enumerate(columns))
    if not ok or any(len(col) != count for col in columns):
        return False
    return distinct(columns[2]) <= _CATEGORIES.keys() and distinct(columns[3]) <= _SEVERITIES.keys()


def _column_ok(col: object) -> bool:
    if isinstance(col, tuple):
        return all(isinstance(v, str) for v in col)
    if isinstance(col, CodedColumn):
        codes = col.codes
        if codes.typecode == "B" and len(col.values) <= 256:  # every byte a valid code: none left once deleted
            return not codes.tobytes().translate(None, bytes(range(len(col.values))))
        return not codes or 0 <= min(codes) <= max(codes) < len(col.values)
    if isinstance(col, JoinedColumn):
        return not col.ends or (col.ends[-1] == len(col.joined) and col.joined.count("\0") == len(col.ends) - 1)
    return False


class LazyEntries(Sequence[LexiconEntry]):
    """A read-only sequence of entries over `Columns`; each entry is built once, on first access."""

    __slots__ = ("_built", "_columns", "_options")

    def __init__(self, columns: Columns) -> None:
        self._columns = columns
        self._built: list[LexiconEntry | None] = [None] * len(columns[0])
        self._options: dict[str, frozenset[str]] = {}

    @property
    def columns(self) -> Columns:
        return self._columns

    @property
    def terms(self) -> Column:
        return self._columns[1]

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, index: int) -> LexiconEntry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[LexiconEntry]: ...

    def __getitem__(self, index: int | slice) -> LexiconEntry | Sequence[LexiconEntry]:
        if isinstance(index, slice):
            return tuple(self._entry(i) for i in range(*index.indices(len(self._built))))
        if index < 0:
            index += len(self._built)
        if not 0 <= index < len(self._built):
            raise IndexError("lexicon entry index out of range")
        return self._entry(index)

    def __iter__(self) -> Iterator[LexiconEntry]:
        for i in range(len(self._built)):
            yield self._entry(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyEntries({len(self)} entries)"

    def _entry(self, i: int) -> LexiconEntry:
        entry = self._built[i]
        if entry is None:
            ids, terms, cats, sevs, bases, suggestions, notes, allow, options = self._columns
            opt = options[i]
            frozen = self._options.get(opt)
            if frozen is None:
                frozen = self._options[opt] = frozenset(opt.split())
            entry = self._built[i] = LexiconEntry(ids[i], terms[i], _CATEGORIES[cats[i]], _SEVERITIES[sevs[i]],
                                                  bases[i], suggestions[i], notes[i], allow[i] == 1, frozen)
        return entry


@dataclass(frozen=True)
class Lexicon:
    info: LexiconInfo
    entries: Sequence[LexiconEntry]

    @property
    def terms(self) -> Sequence[str]:
        """Every entry's term, without building entries when they are lazy."""
        if isinstance(self.entries, LazyEntries):
            return self.entries.terms
        return [e.term for e in self.entries]
