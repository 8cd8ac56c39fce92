"""What a patrol looks at: the files of a folder or a saved website mirror, and the links of its
pages resolved inside the mirror (never the network).

Images (png, jpeg, tiff, bmp) are attachments too: a scanned notice put up as a picture is
published text, read by OCR (`--ocr`).

A mirror is what wget (`wget -m -k -E`) or HTTrack leave on disk: one folder per host
(`www.example.gov.cn/…`, HTTrack adds its own `index.html` and `hts-cache/` beside them), html pages
and the documents they link. Every page and document in the tree is patrolled — linked or not,
a published file is published — and each page's links are checked against the files present:
a link to a file that is not in the mirror is a "broken_link" line; a link that leaves the
mirror's folder is an "outside_link" line; absolute links to other hosts are counted, not
followed. Because the tree is walked (not the link graph), link loops and a page that links itself
thousands of times cost nothing; the latter gets one "repeated_link" line.

The walk uses `os.scandir` one folder at a time (a folder of 100,000 files is one sorted list of
names), does not follow symbolic links to folders, and reports a folder it cannot list.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.patrol.model import ItemKind, PatrolProblem
from app.readers.image import SUFFIXES as IMAGE_SUFFIXES

PAGE_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
ATTACHMENT_SUFFIXES = frozenset({".docx", ".pdf", ".txt", ".xlsx", ".doc", ".wps", ".et", ".rtf", ".odt",
                                 ".xls", ".ods", *IMAGE_SUFFIXES})
#: Folders of mirroring tools, not of the site.
SKIP_FOLDERS = frozenset({"hts-cache", "hts-tmp"})
_HOSTLIKE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?$")
_IGNORED_SCHEMES = frozenset({"mailto", "javascript", "tel", "data", "ftp", "sms", "about", "blob"})


@dataclass(frozen=True, slots=True)
class SourceFile:
    source: str         # the source root (absolute)
    path: str           # relative, "/"-separated
    local_path: str     # absolute
    size: int
    kind: ItemKind


def kind_of(name: str) -> ItemKind | None:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in PAGE_SUFFIXES:
        return ItemKind.PAGE
    if suffix in ATTACHMENT_SUFFIXES and not name.startswith("~$"):
        return ItemKind.ATTACHMENT
    return None


def walk_source(root: str, problems: list[PatrolProblem], present: set[str]) -> Iterator[SourceFile]:
    """The pages and documents under `root` in a stable order (folders depth-first, names sorted).
    Every file's relative path (documents or not: images, css) goes into `present` so links to
    them are not reported broken. Folders that cannot be listed become problems."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        folder = os.path.join(root, rel_dir) if rel_dir else root
        try:
            with os.scandir(folder) as it:
                entries = sorted(((e.name, e) for e in it), key=lambda t: t[0])
        except OSError as exc:
            problems.append(PatrolProblem(root, rel_dir or ".", "unlistable",
                                          f"无法列出文件夹内容（{exc.strerror or exc}），其中的文件未能巡查。"))
            continue
        subdirs: list[str] = []
        for name, entry in entries:
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name not in SKIP_FOLDERS:
                        subdirs.append(rel)
                    continue
                st = entry.stat(follow_symlinks=True)
            except OSError:
                kind = kind_of(name)
                if kind is not None:  # a dangling link or a file gone while listing: reported by the reader
                    yield SourceFile(root, rel, os.path.join(folder, name), 0, kind)
                continue
            present.add(rel)
            kind = kind_of(name)
            if kind is None or stat.S_ISDIR(st.st_mode):
                continue
            yield SourceFile(root, rel, os.path.join(folder, name), st.st_size, kind)
        stack.extend(reversed(subdirs))


def location_of(path: str) -> str:
    """The url-ish place of a file: a mirror's host folder reads as the site ("www.x.gov.cn/a.html"),
    which it already is; a plain folder's path is its place."""
    return path


def site_root(path: str) -> str:
    """The relative folder a root-relative link ("/a/b.html") starts from: the host folder."""
    first = path.split("/", 1)[0]
    return first if "/" in path and _HOSTLIKE.match(first) else ""


@dataclass(frozen=True, slots=True)
class Link:
    target: str | None      # the relative path in the mirror, or None
    outcome: str            # "ok", "broken", "outside", "external", "ignored"


def resolve_link(page: str, href: str, present: set[str], hosts: Mapping[str, str]) -> Link:
    """Where `href` on `page` (relative paths) points inside the mirror; `hosts` maps a host name
    to its folder in the mirror (`hosts_of`)."""
    href = href.strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return Link(None, "broken")
    scheme = parts.scheme.lower()
    if scheme in _IGNORED_SCHEMES or (scheme and scheme not in ("http", "https", "file")):
        return Link(None, "ignored")
    path = unquote(parts.path)
    if scheme in ("http", "https") or (not scheme and parts.netloc):
        host = parts.netloc.lower().rsplit("@", 1)[-1]
        if host not in hosts:
            return Link(None, "external")  # another site: not followed, not our concern
        base = hosts[host]
        path = path.lstrip("/")
        joined = (posixpath.join(base, path) if path else base + "/") if base else (path or "")
    elif scheme == "file":
        return Link(None, "outside")
    elif path.startswith("/"):
        base = site_root(page)
        joined = posixpath.join(base, path.lstrip("/")) if base else path.lstrip("/")
        if not path.lstrip("/"):
            joined = (base + "/") if base else ""
    elif not path:
        return Link(page, "ok")  # "?x=1" on the same page
    else:
        joined = posixpath.join(posixpath.dirname(page), path)
    trailing = joined.endswith("/") or joined == ""
    norm = posixpath.normpath(joined) if joined else "."
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        return Link(None, "outside")
    norm = "" if norm == "." else norm
    candidates = []
    if parts.query:
        candidates += [f"{norm}?{parts.query}", f"{norm}?{parts.query}.html"]
    if not trailing and norm:
        candidates += [norm, norm + ".html"]
    prefix = f"{norm}/" if norm else ""
    candidates += [prefix + "index.html", prefix + "index.htm"]
    for c in candidates:
        if c in present:
            return Link(c, "ok")
    return Link(norm or None, "broken")


def hosts_of(root: str) -> dict[str, str]:
    """Host name -> its folder: the host folders at the top of a mirror, and the root's own name
    (folder "") when the user pointed at a host folder itself."""
    out: dict[str, str] = {}
    own = Path(root).name
    if _HOSTLIKE.match(own):
        out[own.lower()] = ""
    try:
        with os.scandir(root) as it:
            for e in it:
                if _HOSTLIKE.match(e.name) and e.is_dir(follow_symlinks=False):
                    out[e.name.lower()] = e.name
    except OSError:
        pass
    return out
