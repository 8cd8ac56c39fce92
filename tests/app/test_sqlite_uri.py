"""SQLite URIs for ledger paths: Windows drive letters, mapped drives and UNC shares are written in the
form SQLite accepts (checked against SQLite's own URI parser where the platform allows), and odd
characters in a POSIX path (space, #, ?, %, Chinese) open the right file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.ledger.sqlite_uri import sqlite_file_uri


@pytest.mark.parametrize(("path", "uri"), [
    (r"Z:\台帐\ledger.db", "file:///Z:/%E5%8F%B0%E5%B8%90/ledger.db"),
    (r"C:\Users\张三\AppData\Local\mishen\ledger.db",
     "file:///C:/Users/%E5%BC%A0%E4%B8%89/AppData/Local/mishen/ledger.db"),
    (r"\\fileserver\保密\ledger.db", "file:////fileserver/%E4%BF%9D%E5%AF%86/ledger.db"),
    (r"\\?\UNC\fileserver\share\ledger.db", "file:////fileserver/share/ledger.db"),
    (r"\\?\D:\data\ledger.db", "file:///D:/data/ledger.db"),
    (r"D:\a b\#1?\ledger.db", "file:///D:/a%20b/%231%3F/ledger.db"),
])
def test_windows_paths(path: str, uri: str) -> None:
    assert sqlite_file_uri(path, windows=True) == uri
    # never an authority: SQLite refuses anything but "" or "localhost" there
    assert sqlite_file_uri(path, windows=True).startswith("file:///") or uri.startswith("file:////")


def test_query_is_appended() -> None:
    assert sqlite_file_uri(r"Z:\l.db", "mode=ro&immutable=1", windows=True) == "file:///Z:/l.db?mode=ro&immutable=1"


def test_posix_path_with_odd_characters_opens_that_file(tmp_path: Path) -> None:
    folder = tmp_path / "台帐 #1?%20"
    folder.mkdir()
    db = folder / "ledger.db"
    plain = sqlite3.connect(db)
    plain.execute("CREATE TABLE t (x)")
    plain.execute("INSERT INTO t VALUES ('here')")
    plain.commit()
    plain.close()
    conn = sqlite3.connect(sqlite_file_uri(db, "mode=ro", windows=False), uri=True)
    try:
        assert conn.execute("SELECT x FROM t").fetchone() == ("here",)
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("INSERT INTO t VALUES ('no')")   # mode=ro reached SQLite
    finally:
        conn.close()
    assert sorted(p.name for p in folder.iterdir()) == ["ledger.db"]


def test_relative_posix_path_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert sqlite_file_uri("ledger.db", windows=False) == "file://" + str(tmp_path / "ledger.db")
