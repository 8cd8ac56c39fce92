"""All lexicon terms in one Aho-Corasick automaton (pyahocorasick).

Terms are normalised like documents (app.normalize) before insertion. The automaton is built over
the UTF-8 bytes of each term read as latin-1, and documents are matched the same way: on Chinese
text a str automaton's root has thousands of children, while a byte automaton has at most 256 per
node, which makes iteration several times faster (see `benchmarks/bench_lexicon.py`). UTF-8 is
self-synchronising, so a byte match of a whole term always starts and ends on character
boundaries; byte offsets are turned into character offsets for the hits only, by decoding the
stretch between consecutive hits (hits arrive in order of their end).

`find` applies the entry options "not_in_title" and "word" and the allow-list: an allow entry
suppresses the non-allow hits of the same category inside its span and is itself returned, so
rules can ask `ScanContext.allowed()`.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from app.lexicon import cache as lexicon_cache
from app.lexicon.cache import CompiledTable
from app.lexicon.model import Columns, LazyEntries, Lexicon, LexiconEntry, LexiconHit, columns_of
from app.lexicon.terms import normalize_terms
from app.model import LexiconInfo


class Matcher:
    def __init__(self, lexicons: Sequence[Lexicon], table: CompiledTable, *, from_cache: bool = False) -> None:
        self.lexicons = tuple(lexicons)
        self.infos: tuple[LexiconInfo, ...] = tuple(lx.info for lx in self.lexicons)
        self.from_cache = from_cache
        self._table = table
        self._offsets: list[int] = []  # global index of each lexicon's first entry
        total = 0
        for lx in self.lexicons:
            self._offsets.append(total)
            total += lx.info.entries
        self._str_automaton: Any = None

    # --- building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, lexicons: Sequence[Lexicon], *, cache_dir: Path | None = None) -> Matcher:
        """Load the compiled automaton from `cache_dir` or build it (and store it there)."""
        infos = [lx.info for lx in lexicons]
        key = lexicon_cache.cache_key(infos)
        if cache_dir is not None:
            table = lexicon_cache.load(cache_dir, key)
            if table is not None:
                return cls(lexicons, table, from_cache=True)
        table = compile_table(lexicons, key)
        if cache_dir is not None:
            lexicon_cache.store(cache_dir, table)
        return cls(lexicons, table)

    @classmethod
    def load(cls, paths: Sequence[Path], *, cache_dir: Path | None = None,
             check: Callable[[Sequence[tuple[Path, str]]], None] | None = None) -> Matcher:
        """Read the lexicon files and make them ready to match. With a cache entry for exactly
        these file contents (sha256 of each file's bytes, its name, the normaliser…), neither
        parsing nor compiling happens; otherwise the files are parsed and validated (LexiconError
        on a bad one) and the result is stored for next time. `check` gets each (path, sha256 of
        the bytes read) before anything is used (installed packs are checked so, hashed once)."""
        # Loading makes several 100,000 small objects that all live on: without the cyclic GC
        # running over them again and again, a cold load takes a third less time.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._load(paths, cache_dir, check)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _load(cls, paths: Sequence[Path], cache_dir: Path | None,
              check: Callable[[Sequence[tuple[Path, str]]], None] | None) -> Matcher:
        from app.lexicon.loader import parse_lexicon, read_lexicon_bytes

        datas = [read_lexicon_bytes(p) for p in paths]
        shas = [hashlib.sha256(d).hexdigest() for d in datas]
        if check is not None:
            check(list(zip(paths, shas, strict=True)))
        key = lexicon_cache.files_key([(p.name, sha) for p, sha in zip(paths, shas, strict=True)])
        if cache_dir is not None:
            bundle = lexicon_cache.load_bundle(cache_dir, key)
            if bundle is not None:
                infos, columns, table = bundle
                lexicons = [Lexicon(i, LazyEntries(c)) for i, c in zip(infos, columns, strict=True)]
                return cls(lexicons, table, from_cache=True)
        lexicons = [parse_lexicon(p, d, sha) for p, d, sha in zip(paths, datas, shas, strict=True)]
        table = compile_table(lexicons, key)
        if cache_dir is not None:
            lexicon_cache.store_bundle(cache_dir, [lx.info for lx in lexicons],
                                       [_columns(lx) for lx in lexicons], table)
        return cls(lexicons, table)

    @property
    def entry_count(self) -> int:
        return sum(info.entries for info in self.infos)

    def entry(self, index: int) -> LexiconEntry:
        """The entry with a global index (lexicons in order, entries in file order)."""
        li = bisect.bisect_right(self._offsets, index) - 1
        return self.lexicons[li].entries[index - self._offsets[li]]

    # --- matching ------------------------------------------------------------------------------

    def raw_matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, key index) in character offsets, via the byte automaton."""
        automaton = self._table.automaton
        if len(automaton) == 0:
            return
        data = text.encode("utf-8")
        lengths = self._table.lengths
        if len(data) == len(text):  # pure ASCII: byte offsets are character offsets
            for last, k in automaton.iter(text):
                yield last + 1 - lengths[k], last + 1, k
            return
        byte_pos = 0
        char_pos = 0
        for last, k in automaton.iter(data.decode("latin-1")):
            end_byte = last + 1
            if end_byte != byte_pos:
                char_pos += len(data[byte_pos:end_byte].decode("utf-8"))
                byte_pos = end_byte
            yield char_pos - lengths[k], char_pos, k

    def raw_matches_str(self, text: str) -> Iterator[tuple[int, int, int]]:
        """The same as `raw_matches`, through a plain str automaton (built on first use; kept for
        comparison and tests)."""
        if self._str_automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for key, k in self._table.automaton.items():
                automaton.add_word(key.encode("latin-1").decode("utf-8"), k)
            if len(automaton):
                automaton.make_automaton()
            self._str_automaton = automaton
        if len(self._str_automaton) == 0:
            return
        lengths = self._table.lengths
        for last, k in self._str_automaton.iter(text):
            yield last + 1 - lengths[k], last + 1, k

    def find(self, text: str, *, use_bytes: bool = True) -> list[LexiconHit]:
        """Every hit in normalised `text` after options and allow-list, sorted by position."""
        table = self._table
        first, ids = table.first, table.ids
        source = self.raw_matches(text) if use_bytes else self.raw_matches_str(text)
        hits: list[LexiconHit] = []
        allows: list[LexiconHit] = []
        word_checked: dict[tuple[int, int], bool] = {}
        for start, end, k in source:
            for g in ids[first[k]:first[k + 1]]:
                entry = self.entry(g)
                if entry.options and not _options_pass(entry, text, start, end, word_checked):
                    continue
                hit = LexiconHit(start, end, entry)
                (allows if entry.allow else hits).append(hit)
        if allows:
            hits = [h for h in hits if not _allowed(h, allows)]
            hits.extend(allows)
        hits.sort(key=lambda h: (h.start, h.end, h.entry.id))
        return hits


def _columns(lexicon: Lexicon) -> Columns:
    entries = lexicon.entries
    return entries.columns if isinstance(entries, LazyEntries) else columns_of(entries)


def _options_pass(entry: LexiconEntry, text: str, start: int, end: int,
                  word_checked: dict[tuple[int, int], bool]) -> bool:
    from app.lexicon.filters import in_title, word_boundaries  # only when an entry has options

    options = entry.options
    if "not_in_title" in options and in_title(text, start, end):
        return False
    if "word" in options:
        ok = word_checked.get((start, end))
        if ok is None:
            ok = word_checked[(start, end)] = word_boundaries(text, start, end)
        if not ok:
            return False
    return True


def _allowed(hit: LexiconHit, allows: list[LexiconHit]) -> bool:
    category = hit.entry.category
    return any(a.entry.category is category and a.start <= hit.start and hit.end <= a.end for a in allows)


def compile_table(lexicons: Sequence[Lexicon], key: str) -> CompiledTable:
    """Normalise every term and build the byte automaton."""
    import ahocorasick

    terms: list[str] = []
    for lx in lexicons:
        terms.extend(lx.terms)
    normalised = normalize_terms(terms)
    first_of: dict[str, int] = {}   # normalised term → first entry with it
    more: dict[str, list[int]] = {}  # … and the others, in order (rare)
    for g, norm in enumerate(normalised):
        norm = norm.strip()
        if norm and first_of.setdefault(norm, g) != g:
            more.setdefault(norm, []).append(g)
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    add_word = automaton.add_word
    length_list: list[int] = []
    first_list = [0]
    id_list: list[int] = []
    # inserted in sorted order: building and pickling the automaton is then markedly faster
    for k, norm in enumerate(sorted(first_of)):
        add_word(norm.encode("utf-8").decode("latin-1"), k)
        length_list.append(len(norm))
        id_list.append(first_of[norm])
        if more and norm in more:
            id_list.extend(more[norm])
        first_list.append(len(id_list))
    if first_of:
        automaton.make_automaton()
    lengths, first, ids = array("i", length_list), array("i", first_list), array("i", id_list)
    return CompiledTable(key, automaton, lengths, first, ids)
