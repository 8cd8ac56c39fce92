"""The patrol database: a SQLite file of its own (not the ledger), `patrol.sqlite3` in the data
directory unless `--db PATH` names another.

- `results`: what scanning a content (sha256) with an engine (tool version + lexicon contents,
  `EngineSpec.key`) gave — findings, notices, a reader's error, the page's links. A re-run looks a
  file's hash up here and rescans only what is missing: new or changed files, and everything when
  the lexicons changed (another key). Transient failures (time limit, worker died, vanished) are
  not kept, so they are retried.
- `files`: the state of each (source, path) after the last run that patrolled it: hash, size,
  kind and the keys of its findings — what the next run compares with (new / changed / removed
  pages, new / resolved findings).
- `runs`: one row per patrol with its counts (the trend of the reports).
- `approvals`: what comparing a file with the ledger's approved versions gave
  (`app.patrol.approval.classify_items`' `known` mapping, `ApprovalCache`), keyed by the approved
  versions' fingerprint + the file's hash: a re-run of an unchanged mirror reads no page for the
  comparison; a new approval in the ledger changes the fingerprint, and every file is compared again.

A run is written in one transaction at its end (`save_run`): the database holds the previous run
or the new one, never half of one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import MishenError
from app.paths import make_private
from app.patrol.codec import dump_findings, dump_notices, load_findings, load_notices
from app.patrol.model import PatrolCounts, PatrolRun, PatrolSummary
from app.patrol.scanjob import ScanOutcome

SCHEMA_VERSION = 1
DB_NAME = "patrol.sqlite3"
#: Failures that depend on the moment, not on the content: retried on the next run.
TRANSIENT_ERRORS = frozenset({"timeout", "worker_died", "vanished", "too_large", "internal", "changed_during_patrol",
                              "unreadable", "not_found", "not_regular"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE, started TEXT NOT NULL,
    finished TEXT NOT NULL, sources TEXT NOT NULL, who TEXT, engine_key TEXT NOT NULL,
    lexicons TEXT NOT NULL, counts TEXT NOT NULL, previous_run_id TEXT);
CREATE TABLE IF NOT EXISTS results (
    sha256 TEXT NOT NULL, engine_key TEXT NOT NULL, format TEXT, findings TEXT NOT NULL,
    notices TEXT NOT NULL, error TEXT, error_code TEXT, links TEXT NOT NULL, repeated TEXT NOT NULL,
    links_dropped INTEGER NOT NULL, PRIMARY KEY (sha256, engine_key));
CREATE TABLE IF NOT EXISTS files (
    source TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT, size INTEGER NOT NULL, kind TEXT NOT NULL,
    finding_keys TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (source, path));
"""
#: Added after schema 1 shipped (created on open when missing; older versions ignore it).
_APPROVALS = """
CREATE TABLE IF NOT EXISTS approvals (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, sha256 TEXT NOT NULL, value TEXT NOT NULL);
"""


class PatrolDbError(MishenError):
    pass


@dataclass(frozen=True, slots=True)
class PreviousFile:
    sha256: str | None
    kind: str
    finding_keys: tuple[tuple[str, str, str], ...]  # (finding_key, category, severity)


@dataclass(frozen=True, slots=True)
class FileState:
    source: str
    path: str
    sha256: str | None
    size: int
    kind: str
    finding_keys: tuple[tuple[str, str, str], ...]  # (finding_key, category, severity)


def default_db_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


class PatrolDb:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            created = not path.exists()
            self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            if created:  # it holds what was found (ID numbers on a page…): the user's only
                make_private(path)
            self.conn.execute("PRAGMA foreign_keys = ON")
            version = self._version()
            if version is not None and version > SCHEMA_VERSION:
                self.conn.close()
                raise PatrolDbError(f"巡查数据库 {path} 由更新版本的密审创建（结构版本 {version}），请升级后再用。",
                                    code="patrol_db_newer")
            if version is None:
                self.conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}INSERT OR REPLACE INTO meta VALUES "
                                        f"('schema_version', '{SCHEMA_VERSION}');COMMIT;")
            if self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='approvals'").fetchone() is None:
                self.conn.executescript(f"BEGIN IMMEDIATE;{_APPROVALS}COMMIT;")
        except sqlite3.DatabaseError as exc:
            raise PatrolDbError(f"无法打开巡查数据库 {path}：{exc}（不是巡查数据库或已损坏？可用 --db 指定另一个文件）。",
                                code="patrol_db_unreadable") from exc
        except OSError as exc:
            raise PatrolDbError(f"无法创建巡查数据库 {path}：{exc.strerror or exc}", code="patrol_db_unreadable") from exc

    def _version(self) -> int | None:
        row = self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if row is None:
            return None
        value = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(value[0]) if value else None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PatrolDb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------

    def previous_files(self, sources: Sequence[str]) -> dict[tuple[str, str], PreviousFile]:
        out: dict[tuple[str, str], PreviousFile] = {}
        for source in sources:
            for path, sha, kind, keys in self.conn.execute(
                    "SELECT path, sha256, kind, finding_keys FROM files WHERE source = ?", (source,)):
                out[(source, path)] = PreviousFile(sha, kind, tuple((str(k), str(c), str(v)) for k, c, v in json.loads(keys)))
        return out

    def previous_run(self, sources: Sequence[str]) -> tuple[str, str] | None:
        """(run_id, engine_key) of the latest run that patrolled any of `sources`."""
        marks = ",".join("?" * len(sources))
        row = self.conn.execute(
            f"SELECT r.run_id, r.engine_key FROM runs r WHERE r.run_id IN "
            f"(SELECT DISTINCT run_id FROM files WHERE source IN ({marks})) ORDER BY r.seq DESC LIMIT 1",
            tuple(sources)).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def run_lexicon_hashes(self, run_id: str) -> tuple[str, ...]:
        """The sha256 of each lexicon file a run used, in order."""
        row = self.conn.execute("SELECT lexicons FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return tuple(str(lx.get("sha256", "")) for lx in json.loads(row[0])) if row else ()

    def result(self, sha256: str, engine_key: str) -> ScanOutcome | None:
        row = self.conn.execute(
            "SELECT format, findings, notices, error, error_code, links, repeated, links_dropped FROM results "
            "WHERE sha256 = ? AND engine_key = ?", (sha256, engine_key)).fetchone()
        if row is None:
            return None
        fmt, findings, notices, error, code, links, repeated, dropped = row
        return ScanOutcome(-1, sha256, fmt, load_findings(findings), load_notices(notices), error, code,
                           tuple(json.loads(links)), tuple((str(h), int(n)) for h, n in json.loads(repeated)),
                           int(dropped))

    def history(self, sources: Sequence[str], *, before: str | None = None, limit: int = 30) -> tuple[PatrolSummary, ...]:
        """Summaries of the earlier runs of exactly these sources, oldest first."""
        key = json.dumps(sorted(sources), ensure_ascii=False)
        rows = self.conn.execute(
            "SELECT run_id, started, finished, sources, counts FROM runs WHERE sources = ? "
            "AND (? IS NULL OR seq < (SELECT seq FROM runs WHERE run_id = ?)) ORDER BY seq DESC LIMIT ?",
            (key, before, before, limit)).fetchall()
        return tuple(PatrolSummary(r[0], r[1], r[2], tuple(json.loads(r[3])), counts_from_json(json.loads(r[4])))
                     for r in reversed(rows))

    def approval(self, key: str) -> str | None:
        """The stored comparison result under `key` (`app.patrol.approval.result_key`)."""
        row = self.conn.execute("SELECT value FROM approvals WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def approval_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM approvals").fetchone()[0])

    def run_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM runs").fetchone()[0])

    # --- writing ---------------------------------------------------------------------------

    def save_approvals(self, fingerprint: str, values: Iterable[tuple[str, str, str]]) -> None:
        """(key, sha256, value) comparison results under the ledger's current `fingerprint`, in
        one transaction; results under another fingerprint (an approval landed since) are dropped."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM approvals WHERE fingerprint != ?", (fingerprint,))
            conn.executemany("INSERT OR REPLACE INTO approvals VALUES (?, ?, ?, ?)",
                             ((key, fingerprint, sha, value) for key, sha, value in values))
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise PatrolDbError(f"比对结果未能写入巡查数据库 {self.path}：{exc}", code="patrol_db_write") from exc
            raise

    def save_results(self, engine_key: str, results: Iterable[ScanOutcome]) -> None:
        """Only the scan results (no run, no file state): what a patrol that could not be
        recorded keeps, so that the next run need not scan the same contents again. They are
        dropped by the next `save_run` unless a file still has their content."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            self._insert_results(engine_key, results)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise PatrolDbError(f"审查结果未能写入巡查数据库 {self.path}：{exc}", code="patrol_db_write") from exc
            raise

    def _insert_results(self, engine_key: str, results: Iterable[ScanOutcome]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((o.sha256, engine_key, o.format, dump_findings(o.findings), dump_notices(o.notices), o.error,
              o.error_code, json.dumps(list(o.links), ensure_ascii=False),
              json.dumps([list(r) for r in o.repeated], ensure_ascii=False), o.links_dropped)
             for o in results if o.sha256 and o.error_code not in TRANSIENT_ERRORS))

    def save_run(self, run: PatrolRun, engine_key: str, results: Iterable[ScanOutcome],
                 files: Iterable[FileState]) -> None:
        """The run, the new results and the sources' file state, in one transaction."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO runs (run_id, started, finished, sources, who, engine_key, lexicons, counts, "
                "previous_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.run_id, run.started, run.finished, json.dumps(sorted(run.sources), ensure_ascii=False),
                 run.who, engine_key, json.dumps([lx.to_json() for lx in run.lexicons], ensure_ascii=False),
                 json.dumps(run.counts.to_json(), ensure_ascii=False), run.previous_run_id))
            self._insert_results(engine_key, results)
            for source in run.sources:
                conn.execute("DELETE FROM files WHERE source = ?", (source,))
            conn.executemany(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((f.source, f.path, f.sha256, f.size, f.kind, json.dumps([list(k) for k in f.finding_keys], ensure_ascii=False),
                  run.run_id) for f in files))
            # results nobody refers to any more (old lexicons, content gone) are dropped
            conn.execute("DELETE FROM results WHERE sha256 NOT IN (SELECT sha256 FROM files WHERE sha256 IS NOT NULL)")
            conn.execute("DELETE FROM approvals WHERE sha256 NOT IN (SELECT sha256 FROM files WHERE sha256 IS NOT NULL)")
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise PatrolDbError(f"巡查结果未能写入巡查数据库 {self.path}：{exc}（数据库保持上次巡查的内容；"
                                    "请检查磁盘空间和写权限，或是否有另一次巡查正在写入）。", code="patrol_db_write") from exc
            raise


def counts_from_json(d: dict[str, object]) -> PatrolCounts:
    def num(key: str) -> int:
        value = d.get(key, 0)
        return int(value) if isinstance(value, (int, float, str)) else 0

    def pairs(key: str) -> tuple[tuple[str, int], ...]:
        value = d.get(key) or {}
        return tuple((str(k), int(v)) for k, v in value.items()) if isinstance(value, dict) else ()

    return PatrolCounts(**{k: num(k) for k in ("files", "pages", "attachments", "scanned", "reused", "duplicates",
                                               "new", "changed", "unchanged", "removed", "with_findings",
                                               "findings", "new_findings", "resolved_findings", "errors",
                                               "problems", "ocr_pages")},
                        by_severity=pairs("by_severity"), by_category=pairs("by_category"))
