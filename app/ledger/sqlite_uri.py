"""SQLite `file:` URIs for a path, written the way SQLite's URI parser accepts them on every
platform. `Path.resolve().as_uri()` is not that: on Windows `resolve()` turns a mapped network
drive (Z:\\台帐\\ledger.db) into its UNC target and `as_uri()` then writes `file://server/share/…`,
an authority SQLite rejects ("invalid uri authority"). Here the path is made absolute without
following drive mappings, and a UNC path is written with an empty authority (`file:////server/…`),
which SQLite's Windows VFS opens as \\\\server\\…. Pure functions of the path string, testable
anywhere."""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import quote

_DRIVE = re.compile(r"^[A-Za-z]:/")


def sqlite_file_uri(path: str | Path, query: str = "", *, windows: bool | None = None) -> str:
    """`file:` URI of `path` (made absolute) with `query` (without the leading `?`)."""
    if windows is None:
        windows = os.name == "nt"
    raw = os.fspath(path)
    if windows:
        text = ntpath.abspath(raw) if os.name == "nt" else ntpath.normpath(raw)
        text = text.replace("\\", "/")
        if text.startswith("//?/UNC/"):
            text = "//" + text[len("//?/UNC/"):]
        elif text.startswith("//?/"):
            text = text[len("//?/"):]
        if _DRIVE.match(text):
            text = "/" + text                      # file:///Z:/dir/ledger.db
        # a UNC path keeps its two leading slashes: file:// + //server/share/ledger.db
    else:
        text = posixpath.abspath(raw)
    uri = "file://" + quote(text, safe="/:")
    return f"{uri}?{query}" if query else uri
