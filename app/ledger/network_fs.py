"""Is the ledger on a network file system? SQLite's WAL needs shared memory that SMB/NFS shares do
not provide reliably, so a ledger there is opened with the rollback journal (journal_mode=DELETE).
The decision is a pure function of the path and the mount table so it can be tested anywhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

#: Linux file-system types that live on another machine.
NETWORK_FSTYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ceph", "glusterfs", "lustre", "gpfs", "9p", "ncpfs",
    "coda", "davfs", "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2", "fuse.cephfs", "fuse.rclone",
})


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_fstype(path: str, mounts: str) -> str | None:
    """The file-system type of the mount holding absolute POSIX `path`, from /proc/mounts text."""
    target = PurePosixPath(path)
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = PurePosixPath(_unescape(fields[1]))
        if target == point or point in target.parents:
            depth = len(point.parts)
            if best is None or depth >= best[0]:
                best = (depth, fields[2])
    return best[1] if best else None


def on_network_fs(path: str, mounts: str) -> bool:
    """True when absolute POSIX `path` lies on a network mount listed in `mounts` (/proc/mounts)."""
    return mount_fstype(path, mounts) in NETWORK_FSTYPES


def is_unc(path: str) -> bool:
    """A Windows UNC path (\\\\server\\share\\…, also \\\\?\\UNC\\…) — always a network share."""
    win = PureWindowsPath(path)
    if str(win).upper().startswith("\\\\?\\UNC\\"):
        return True
    return win.drive.startswith("\\\\") and not win.drive.startswith("\\\\?\\")


def _windows_remote_drive(path: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes

    drive = PureWindowsPath(path).drive
    if not drive:
        return False
    drive_remote = 4
    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009  # windll exists only on Windows (mypy on Linux)
    return bool(kernel32.GetDriveTypeW(drive + "\\") == drive_remote)


def ledger_on_network(directory: Path) -> bool:
    """Whether the data directory of a ledger is on a network share, on this platform."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return is_unc(str(directory)) or _windows_remote_drive(directory)
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return on_network_fs(os.path.realpath(directory), mounts)
