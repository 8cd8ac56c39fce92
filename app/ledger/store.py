"""The ledger database: one writer serialises appends; the repository appends and queries, never
updates or deletes. WAL with synchronous=FULL; BEGIN IMMEDIATE with a busy timeout.

Every open ledger holds a shared lock (`app.ledger.lock`) so `ledger restore` cannot replace the file
under it, and checks before each append that the file it has open is still the ledger file. A data
directory that cannot be written (an auditor's copy, a read-only mount) is opened read-only."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from app import __version__
from app.ledger.canonical import canonical_json, now_iso
from app.ledger.crypto import KeySigner, new_private_key, private_key_from_raw, private_key_raw
from app.ledger.errors import LedgerError, LedgerLocked, LedgerTampered
from app.ledger.lock import LedgerLock
from app.ledger.model import GENESIS_HASH, WORKSTATION, Head, LedgerEvent, event_digest
from app.ledger.policy import POLICY_VERSION
from app.ledger.schema import REQUIRED_TRIGGERS, SCHEMA_VERSION, check_supported, migrate, schema_version
from app.ledger.sqlite_uri import sqlite_file_uri
from app.paths import PRIVATE_FILE, make_private, make_private_dir
from app.paths import data_dir as default_data_dir

LEDGER_FILE = "ledger.sqlite3"
LOCK_TIMEOUT_ENV = "MISHEN_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
_COLUMNS = "seq, time, actor, kind, payload, prev_hash, hash, signature"


class Signer(Protocol):
    actor: str
    public_key: str

    def sign(self, data: bytes) -> str: ...


def ledger_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    return default_data_dir(data_dir) / LEDGER_FILE


def _lock_timeout(value: float | None) -> float:
    if value is not None:
        return value
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def translate(exc: sqlite3.Error, timeout: float) -> LedgerError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return LedgerLocked(f"台帐数据库正被其他程序占用，已等待 {timeout:g} 秒仍未释放，请稍后再试。"
                            "（如另一窗口正在签署或导出，请等待其完成。）")
    if "full" in text:
        return LedgerError("磁盘空间不足，写入台帐失败；本次操作已整体撤销，台帐未改动。", code="disk_full")
    if "disk i/o error" in text:
        return LedgerError(f"写入台帐失败（磁盘已满、文件超过大小限制或磁盘出错：{exc}）；本次操作已整体撤销，"
                           "台帐未改动。", code="disk_full")
    if "malformed" in text or "not a database" in text:
        return LedgerError(f"台帐数据库文件已损坏：{exc}。请从备份恢复（mishen ledger backup/restore）。",
                           code="ledger_corrupt")
    return LedgerError(f"台帐数据库出错：{exc}", code="io_error")


def writable(path: Path) -> bool:
    """Whether this process may write the ledger file at `path` and its directory (for -wal/-shm)."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def connect_read_only(path: Path, timeout: float, *, immutable: bool | None = None) -> sqlite3.Connection:
    """Open the ledger without writing anything next to it. With a -wal file present (a writer has
    it open, or a copy was taken while one had) SQLite's `mode=ro` reads the WAL through the
    existing -shm. Without one the main file holds everything, and `immutable=1` reads it without
    creating -wal/-shm — used when the directory cannot be written (or `immutable=True`)."""
    wal = Path(str(path) + "-wal")
    if immutable is None:
        immutable = not os.access(path.parent, os.W_OK)
    query = "mode=ro&immutable=1" if immutable and not wal.exists() else "mode=ro"
    conn = sqlite3.connect(sqlite_file_uri(path, query), uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def row_to_event(row: tuple[Any, ...]) -> LedgerEvent:
    return LedgerEvent(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]),
                       str(row[6]), str(row[7]))


def chain_problem(conn: sqlite3.Connection, start: Head) -> tuple[int, str] | None:
    """Recompute hashes and links after `start` (no signatures: that is `verify`). Returns the
    first bad sequence number and a Chinese reason, or None."""
    prev = start
    for row in conn.execute(f"SELECT {_COLUMNS} FROM events WHERE seq > ? ORDER BY seq", (start.seq,)):
        ev = row_to_event(row)
        if ev.seq != prev.seq + 1:
            return prev.seq + 1, f"第 {prev.seq + 1} 条记录缺失（其后为第 {ev.seq} 条）"
        if ev.prev_hash != prev.hash:
            return ev.seq, f"第 {ev.seq} 条记录与前一条不衔接（被改动、插入或调换）"
        if ev.recompute_hash() != ev.hash:
            return ev.seq, f"第 {ev.seq} 条记录的内容与其哈希值不符（被改动）"
        prev = Head(ev.seq, ev.hash)
    return None


class Ledger:
    """An open ledger. Use `Ledger.open(data_dir)`; `transaction()` is the only way to append."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_timeout: float, *, read_only: bool = False,
                 file_lock: LedgerLock | None = None) -> None:
        self.path = path
        self.data_dir = path.parent
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.lock_timeout = lock_timeout
        self.read_only = read_only
        self.network_drive = False  # set by open(): the rollback journal instead of WAL
        self._file_lock = file_lock
        self._file_id = _file_id(path)  # the file this connection has open (checked before appends)
        self._lock = threading.RLock()
        self._checked: Head | None = None  # chain verified (hashes and links) up to here

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None, *, lock_timeout: float | None = None,
             create: bool = True, schema_target: int = SCHEMA_VERSION, read_only: bool | None = None) -> Ledger:
        """`read_only=None` opens read-only exactly when the existing ledger or its directory cannot
        be written; such a ledger can be read, verified and exported but refuses every append."""
        timeout = _lock_timeout(lock_timeout)
        path = ledger_path(data_dir)
        if read_only is None:
            read_only = path.exists() and not writable(path)
        if read_only:
            return cls._open_read_only(path, timeout)
        if not path.exists() and not create:
            raise LedgerError(f"数据目录中没有台帐：{path}", code="no_ledger")
        try:
            make_private_dir(path.parent)
            if not path.exists():  # created owner-only; SQLite gives -wal/-shm the same mode
                os.close(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE))
            for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                make_private(file)
            file_lock = LedgerLock.shared(path, timeout)
        except OSError as exc:
            raise LedgerError(f"无法创建数据目录 {path.parent}：{exc}", code="io_error") from exc
        if file_lock is None:
            raise LedgerLocked(f"台帐正在从备份恢复，已等待 {timeout:g} 秒；请待恢复完成后再试。")
        try:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            file_lock.release()
            raise translate(exc, timeout) from exc
        ledger = cls(path, conn, timeout, file_lock=file_lock)
        try:
            # WAL needs shared memory a network share does not give reliably (docs/review-and-ledger.md)
            from app.ledger.network_fs import ledger_on_network

            ledger.network_drive = ledger_on_network(path.parent)
            conn.execute("PRAGMA journal_mode=DELETE" if ledger.network_drive else "PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            check_supported(schema_version(conn), path)
            if schema_version(conn) < schema_target:
                migrate(conn, path, schema_target)
            ledger._ensure_genesis()
        except sqlite3.Error as exc:
            ledger.close()
            raise translate(exc, timeout) from exc
        except BaseException:
            ledger.close()
            raise
        return ledger

    @classmethod
    def _open_read_only(cls, path: Path, timeout: float) -> Ledger:
        if not path.exists():
            raise LedgerError(f"数据目录中没有台帐：{path}", code="no_ledger")
        file_lock = LedgerLock.shared(path, timeout, read_only=True)
        if file_lock is None:
            raise LedgerLocked(f"台帐正在从备份恢复，已等待 {timeout:g} 秒；请待恢复完成后再试。")
        try:
            conn = connect_read_only(path, timeout, immutable=True)
        except sqlite3.Error as exc:
            file_lock.release()
            raise translate(exc, timeout) from exc
        ledger = cls(path, conn, timeout, read_only=True, file_lock=file_lock)
        try:
            check_supported(schema_version(conn), path)
        except sqlite3.Error as exc:
            ledger.close()
            raise translate(exc, timeout) from exc
        except BaseException:
            ledger.close()
            raise
        return ledger

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self._file_lock is not None:
                self._file_lock.release()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_genesis(self) -> None:
        if self.conn.execute("SELECT 1 FROM events LIMIT 1").fetchone():
            return
        with self._begin():
            if self.conn.execute("SELECT 1 FROM events LIMIT 1").fetchone():
                return
            key = new_private_key()
            ledger_id = str(uuid.uuid4())
            self._set_meta("ledger_id", ledger_id)
            self._set_meta("workstation_key", private_key_raw(key).hex())
            signer = KeySigner(WORKSTATION, key)
            self._append(Head(0, GENESIS_HASH), "ledger_created",
                         {"ledger_id": ledger_id, "public_key": signer.public_key, "app_version": __version__,
                          "schema": schema_version(self.conn), "policy": POLICY_VERSION}, signer)

    # --- transactions -----------------------------------------------------------------------

    def _check_same_file(self) -> None:
        """Refuse to append when the ledger file was replaced under this connection (restored from
        a backup by a process that did not respect the lock, moved, deleted): the append would land
        in a file nobody sees any more."""
        if _file_id(self.path) != self._file_id:
            raise LedgerError("台帐文件已被替换或移走（可能刚从备份恢复）；本次操作未保存。"
                              "请关闭本程序（或窗口）后重新打开台帐，再重做本次操作。", code="ledger_replaced")

    @contextmanager
    def _begin(self) -> Iterator[None]:
        if self.read_only:
            raise LedgerError(f"台帐以只读方式打开（数据目录 {self.data_dir} 不可写或按只读打开）：可以查看、核验和导出，"
                              "不能签署或追加记录。", code="read_only")
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise translate(exc, self.lock_timeout) from exc
            try:
                self._check_same_file()
                yield
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise translate(exc, self.lock_timeout) from exc
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """BEGIN IMMEDIATE; the chain is checked first and a broken chain refuses every append."""
        with self._begin():
            self.check_chain()
            yield Transaction(self)

    def check_chain(self) -> None:
        """Raise LedgerTampered if hashes, links, the recorded head or the triggers are wrong."""
        start = self._checked or Head(0, GENESIS_HASH)
        problem = chain_problem(self.conn, start)
        if problem is not None:
            self._checked = None
            raise LedgerTampered(f"台帐已被篡改：{problem[1]}。为保全证据，本程序拒绝在损坏的链上追加记录；"
                                 "请运行 mishen ledger verify 并从备份恢复。")
        head = self.head()
        recorded_seq = int(self.meta("head_seq") or 0)
        if recorded_seq != head.seq or (self.meta("head_hash") or GENESIS_HASH) != head.hash:
            raise LedgerTampered(f"台帐已被篡改：记录的末条为第 {recorded_seq} 条，实际末条为第 {head.seq} 条"
                                 "（末尾记录被删除或改动）。拒绝追加；请运行 mishen ledger verify 并从备份恢复。")
        missing = self.missing_triggers()
        if missing:
            raise LedgerTampered(f"台帐的防改动触发器被删除（{', '.join(missing)}）。拒绝追加；请从备份恢复。")
        self._checked = head

    def missing_triggers(self) -> list[str]:
        present = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        return [t for t in REQUIRED_TRIGGERS if t not in present]

    def _append(self, head: Head, kind: str, payload: Mapping[str, Any], signer: Signer) -> LedgerEvent:
        seq = head.seq + 1
        time = now_iso()
        text = canonical_json(dict(payload))
        digest = event_digest(seq, time, signer.actor, kind, text, head.hash)
        signature = signer.sign(bytes.fromhex(digest))
        self.conn.execute(f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (seq, time, signer.actor, kind, text, head.hash, digest, signature))
        self._set_meta("head_seq", str(seq))
        self._set_meta("head_hash", digest)
        event = LedgerEvent(seq, time, signer.actor, kind, text, head.hash, digest, signature)
        self._checked = Head(seq, digest)
        return event

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    # --- queries ----------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def ledger_id(self) -> str:
        return self.meta("ledger_id") or ""

    def head(self) -> Head:
        row = self.conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return Head(0, GENESIS_HASH) if row is None else Head(int(row[0]), str(row[1]))

    def workstation_signer(self) -> KeySigner:
        raw = self.meta("workstation_key")
        if not raw:
            raise LedgerError("台帐缺少工作站密钥记录，无法签署系统记录。", code="ledger_corrupt")
        return KeySigner(WORKSTATION, private_key_from_raw(bytes.fromhex(raw)))

    def event(self, seq: int) -> LedgerEvent | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM events WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else row_to_event(row)

    def events(self, *, kinds: tuple[str, ...] = (), review_id: str | None = None,
               after: int = 0) -> list[LedgerEvent]:
        sql = f"SELECT {_COLUMNS} FROM events WHERE seq > ?"
        params: list[Any] = [after]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        if review_id is not None:
            column = "review_id" if schema_version(self.conn) >= 2 else "json_extract(payload, '$.review_id')"
            sql += f" AND {column} = ?"
            params.append(review_id)
        return [row_to_event(r) for r in self.conn.execute(sql + " ORDER BY seq", params)]

    def iter_events(self) -> Iterator[LedgerEvent]:
        for row in self.conn.execute(f"SELECT {_COLUMNS} FROM events ORDER BY seq"):
            yield row_to_event(row)


class Transaction:
    """Appends inside one BEGIN IMMEDIATE transaction; all or nothing."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.head = ledger.head()
        self.appended: list[LedgerEvent] = []

    def append(self, kind: str, payload: Mapping[str, Any], signer: Signer) -> LedgerEvent:
        if not kind or not kind.replace("_", "").isalnum():
            raise LedgerError(f"无效的记录类型：{kind!r}", code="bad_kind")
        event = self.ledger._append(self.head, kind, payload, signer)
        self.head = Head(event.seq, event.hash)
        self.appended.append(event)
        return event
