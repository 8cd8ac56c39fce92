"""What the lexicon editor window (ui/lexicon) needs from the core, as public typed functions:
the draft to start from (the active pack, or the bundled lexicons as a first pack), filtering
entries, trying one term on a sentence (normalised forms and matches), the engine a draft would
run, and building + signing a new version as a generator that yields its steps (the window runs
it in the worker; the CLI equivalent is import → sign)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.model import Category, Finding, LexiconInfo, Severity
from app.packs.errors import PackCheckError, PackInputError
from app.packs.format import Manifest, Pack, PackEntry, Vector, check_manifest, parse_version

if TYPE_CHECKING:
    from app.lexicon.rule_params import RuleParams
    from app.scan import Engine

BUREAU = "bureau"     # layer of a pack entry in the editor
LOCAL = "local"       # layer of the unit's own entries (app.packs.local)


@dataclass(frozen=True, slots=True)
class EditorEntry:
    """One row of the editor: an entry and the layer it belongs to."""

    layer: str           # BUREAU or LOCAL
    entry: PackEntry


def entry_matches(row: EditorEntry, query: str = "", category: str = "", severity: str = "",
                  layer: str = "") -> bool:
    """The editor's filter: `query` in term, id, basis, suggestion, note or reason (case-folded);
    `category`, `severity` (values; "allow" as category selects allow entries), `layer` exact."""
    e = row.entry
    if layer and row.layer != layer:
        return False
    if category == "allow":
        if not e.allow:
            return False
    elif category and e.category != category:
        return False
    if severity and e.severity != severity:
        return False
    if query:
        q = query.casefold()
        return any(q in field.casefold() for field in (e.term, e.id, e.basis, e.suggestion, e.note, e.reason))
    return True


def filter_entries(rows: Sequence[EditorEntry], query: str = "", category: str = "", severity: str = "",
                   layer: str = "") -> list[EditorEntry]:
    return [r for r in rows if entry_matches(r, query, category, severity, layer)]


class EntryIndex:
    """The editor's rows prepared for filtering as the user types: one case-folded haystack per
    row (term, id, basis, suggestion, note, reason), so a search over 100,000 entries is a few
    milliseconds of `in`, not 100,000 calls of `entry_matches` (same results; a test compares)."""

    def __init__(self, rows: Sequence[EditorEntry]) -> None:
        self.rows = tuple(rows)
        self._hay = [f"{e.term}\0{e.id}\0{e.basis}\0{e.suggestion}\0{e.note}\0{e.reason}".casefold()
                     for e in (r.entry for r in self.rows)]

    def __len__(self) -> int:
        return len(self.rows)

    def select(self, query: str = "", category: str = "", severity: str = "", layer: str = "") -> list[int]:
        """Indices of the rows `entry_matches` accepts, in order."""
        q = query.casefold()
        picked: Sequence[int] = range(len(self.rows))
        if q:
            hay = self._hay
            picked = [i for i in picked if q in hay[i]]
        if category or severity or layer:
            rows = self.rows
            picked = [i for i in picked if entry_matches(rows[i], "", category, severity, layer)]
        return list(picked)


# --- where a draft starts ---------------------------------------------------------------------

def bundled_pack(manifest: Manifest) -> Pack:
    """The bundled lexicons (lexicons/*.csv) as a pack with `manifest`, carrying the bundled rule
    vocabularies too (`rules`), so that the bureau's first pack starts from everything MiShen ships."""
    from app.lexicon.loader import default_lexicon_paths
    from app.packs.importer import import_pack

    pack = import_pack(default_lexicon_paths(), manifest)
    return replace(pack, rules=bundled_rule_params())


def bundled_rule_params() -> RuleParams:
    """Every bundled rule vocabulary, spelled out (the values the rules use when no pack has any)."""
    from app.lexicon.rule_params import RuleParams, SpamMorpheme
    from app.rules import lexicon_rule, spam, stat_vocab

    path = spam.morphemes_path()
    morphemes = spam.parse_morphemes(path.read_text(encoding="utf-8-sig")) if path.is_file() else ()
    return RuleParams(tuple(stat_vocab.INDICATORS), tuple(stat_vocab.STRONG_CUES), tuple(stat_vocab.WEAK_CUES),
                      tuple(lexicon_rule.PROHIBITIVE_WORDS),
                      tuple(SpamMorpheme(m.term, m.group, m.weight) for m in morphemes))


def active_pack_file(data_dir: Path, pack_id: str | None = None) -> Path | None:
    """The installed file of the active pack `pack_id` (or of the only active pack)."""
    from app.packs.layers import pack_file, read_active

    state = read_active(data_dir)
    if pack_id is None:
        if len(state) != 1:
            return None
        pack_id = next(iter(state))
    rec = state.get(pack_id)
    return None if rec is None else pack_file(data_dir, pack_id, str(rec["version"]))


def starting_draft(data_dir: Path, issuer: str = "保密局") -> Pack:
    """What the editor opens with: the active pack (as installed, to edit into its next version),
    or — when none is installed — the bundled lexicons as the first pack."""
    from app.packs.format import read_pack

    path = active_pack_file(data_dir)
    if path is not None:
        return read_pack(path)
    return bundled_pack(Manifest(BUREAU, "1", issuer, changelog="由密审内置词库生成的第一个词库包"))


def next_version(version: str) -> str:
    """"2026.1" → "2026.2"; "3" → "4"."""
    parts = list(parse_version(version))
    parts[-1] += 1
    return ".".join(map(str, parts))


# --- trying a term ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TermMatch:
    start: int           # offsets in the sentence as typed
    end: int
    text: str            # the sentence's text there


@dataclass(frozen=True, slots=True)
class TermTrial:
    term_normalised: str                  # what the automaton looks for
    sentence_normalised: str              # what it looks in
    matches: tuple[TermMatch, ...]        # where this term alone matches (options applied)
    findings: tuple[Finding, ...]         # what the whole engine reports on the sentence (may be empty)
    problem: str = ""                     # why the term cannot match, in Chinese (empty: fine)


def try_term(entry: PackEntry, sentence: str, engine: Engine | None = None) -> TermTrial:
    """Normalise `entry.term` and `sentence` as the scan does, and show where the term matches
    (its options and, for an allow entry, nothing is suppressed); with `engine`, also what the
    whole engine reports on the sentence."""
    from app.lexicon.matcher import Matcher
    from app.lexicon.model import Lexicon, LexiconEntry
    from app.lexicon.terms import normalize_terms
    from app.normalize import normalize

    (norm_term,) = normalize_terms([entry.term])
    norm = normalize(sentence)
    problem = ""
    matches: list[TermMatch] = []
    if not norm_term.strip():
        problem = "词条规范化后为空（只有空白、标点或不可见字符），无法匹配。"
    else:
        lexicon_entry = LexiconEntry(entry.id or "trial", entry.term, Category(entry.category),
                                     Severity(entry.severity), entry.basis, entry.suggestion, entry.note,
                                     entry.allow, frozenset(entry.options))
        matcher = Matcher.build([Lexicon(LexiconInfo("trial", "0", "", 1), [lexicon_entry])])
        for hit in matcher.find(norm.text):
            start, end = norm.to_original(hit.start, hit.end)
            matches.append(TermMatch(start, end, sentence[start:end]))
    findings: tuple[Finding, ...] = ()
    if engine is not None and sentence.strip():
        from app.packs.vectors import scan_text

        findings = scan_text(engine, sentence).findings
    return TermTrial(norm_term, norm.text, tuple(matches), findings, problem)


# --- the engine a draft would run, and building a new version ---------------------------------

def draft_engine(pack: Pack, data_dir: Path | None = None, *, with_local: bool = True) -> Engine:
    """The engine with `pack` as the bureau's layer (its rule vocabularies too) and, with
    `with_local`, the unit's own layer of `data_dir` on top. Cached by content like any lexicon."""
    from app.packs.layers import lexicon_csv
    from app.packs.service import build_engine

    paths: list[Path] = []
    kinds = ["pack"]
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / f"{pack.manifest.version}.csv"   # the installed name: one cache entry
        staged.write_bytes(lexicon_csv(pack))
        paths.append(staged)
        if with_local and data_dir is not None:
            from app.packs.local import local_lexicon

            local = local_lexicon(data_dir)
            if local is not None:
                paths.append(local)
                kinds.append("local")
        return build_engine(paths, params=pack.rules, layers=kinds)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class BuildStep:
    """One step of `build_signed`: `message` for the status line; `path` and `pack` set on the last."""

    message: str
    path: Path | None = None
    pack: Pack | None = None


def draft_problems(pack: Pack) -> list[str]:
    """Manifest, entries and vectors of a draft, checked as import and install would."""
    from app.packs.local import entry_problems

    problems: list[str] = []
    try:
        check_manifest(pack.manifest)
    except ValueError as exc:
        problems.append(f"词库包信息：{exc}。")
    problems += entry_problems(pack.entries)
    categories = {c.value for c in Category}
    severities = {s.value for s in Severity}
    for kind, vectors in (("应检出", pack.must_flag), ("不应检出", pack.must_not_flag)):
        for i, v in enumerate(vectors, start=1):
            if not v.text.strip():
                problems.append(f"{kind}测试用例第 {i} 条：句子为空。")
            if v.category and v.category not in categories:
                problems.append(f"{kind}测试用例第 {i} 条：未知类别“{v.category}”。")
            if v.min_severity and v.min_severity not in severities:
                problems.append(f"{kind}测试用例第 {i} 条：未知级别“{v.min_severity}”。")
    return problems


def build_signed(pack: Pack, key_file: str | os.PathLike[str], password: str, output: str | os.PathLike[str],
                 data_dir: Path | None = None) -> Iterator[BuildStep]:
    """Check the draft, build its automaton (warming the cache install will use), run its test
    vectors, sign it and write it atomically to `output`. Raises PackInputError (the draft is
    malformed) or PackCheckError (vectors fail, wrong password) before anything is written."""
    from app.packs.format import parse_pack, write_pack
    from app.packs.signing import sign_pack
    from app.packs.vectors import summary, vector_failures

    yield BuildStep("检查词条与测试用例…")
    problems = draft_problems(pack)
    if problems:
        raise PackInputError("词库包有误，未生成：\n" + "\n".join(f"  {p}" for p in problems[:50]), code="draft_invalid")
    unsigned = replace(pack, signature=None, sha256="", raw_body=None)
    yield BuildStep(f"编译词库（{len(pack.entries)} 条）…")
    engine = draft_engine(unsigned, data_dir, with_local=False)
    yield BuildStep("运行测试用例…")
    failures = vector_failures(unsigned, engine)
    if failures:
        raise PackCheckError(f"测试用例未通过（{len(failures)} 条）：\n" + "\n".join(f"  {f}" for f in failures[:20]),
                             code="vectors_failed")
    yield BuildStep(f"签名（{summary(failures, unsigned)}）…")
    signed = sign_pack(unsigned, key_file, password)
    path = write_pack(signed, output)
    final = parse_pack(path.read_bytes(), path.name)   # as install will read it (sha256 of the file)
    yield BuildStep(f"已生成并签名 {final.label}：{path}", path, final)


def with_entries(pack: Pack, entries: Sequence[PackEntry], must_flag: Sequence[Vector] | None = None,
                 must_not_flag: Sequence[Vector] | None = None, manifest: Manifest | None = None) -> Pack:
    """A new unsigned draft with these entries (and vectors, manifest when given)."""
    return replace(pack, manifest=manifest or pack.manifest, entries=tuple(entries),
                   must_flag=tuple(pack.must_flag if must_flag is None else must_flag),
                   must_not_flag=tuple(pack.must_not_flag if must_not_flag is None else must_not_flag),
                   signature=None, sha256="", raw_body=None)


def new_entry_id(pack_id: str, entries: Sequence[PackEntry]) -> str:
    used = {e.id for e in entries}
    n = len(entries) + 1
    while f"{pack_id}-{n:05d}" in used:
        n += 1
    return f"{pack_id}-{n:05d}"


def candidate_entries(sources: Sequence[str | os.PathLike[str]], draft: Pack) -> list[PackEntry]:
    """Entries read from import tables — typically a false-alarm proposals file
    (app.packs.proposals: allow entries) — numbered after the draft's entries, for review in the
    editor before they go into a version. ImportFailed lists every malformed row."""
    from app.packs.importer import import_pack

    m = draft.manifest
    imported = import_pack(sources, Manifest(m.id, m.version, m.issuer))
    out: list[PackEntry] = []
    for e in imported.entries:
        out.append(replace(e, id=new_entry_id(m.id, [*draft.entries, *out])))
    return out


@dataclass(frozen=True, slots=True)
class DraftImport:
    """What an import table adds to a draft: new entries (numbered after the draft's) and vectors."""

    entries: tuple[PackEntry, ...]
    must_flag: tuple[Vector, ...] = ()
    must_not_flag: tuple[Vector, ...] = ()


def import_into_draft(sources: Sequence[str | os.PathLike[str]], draft: Pack) -> DraftImport:
    """The editor's 导入词表: bureau word lists (xlsx/csv/txt, Chinese or English headers, a table
    of test vectors too) read by the same importer as `mishen lexicon import`, with its defaults
    for absent columns (敏感事项, 高, “保密局下发词库”) and its all-or-nothing rule: ImportFailed
    lists every malformed row (file and row number) — also rows repeating an entry already in the
    draft — and then nothing is added; PackInputError when a file is unreadable. Rule and calendar
    sections (.json) belong to `lexicon import`, not here."""
    from app.packs.importer import import_pack

    for source in sources:
        if Path(source).suffix.lower() == ".json":
            raise PackInputError(f"{Path(source).name}：规则参数与工作日历请用 mishen lexicon import 导入。",
                                 code="usage")
    m = draft.manifest
    imported = import_pack(sources, Manifest(m.id, m.version, m.issuer), existing=draft.entries)
    out: list[PackEntry] = []
    used = {e.id for e in draft.entries}
    n = len(draft.entries)
    for e in imported.entries:
        n += 1
        while f"{m.id}-{n:05d}" in used:
            n += 1
        entry_id = f"{m.id}-{n:05d}"
        used.add(entry_id)
        out.append(replace(e, id=entry_id))
    return DraftImport(tuple(out), imported.must_flag, imported.must_not_flag)
