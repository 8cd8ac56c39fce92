"""A ledger on a network share is opened with the rollback journal, not WAL."""

from __future__ import annotations

from pathlib import Path

from app.ledger import Ledger
from app.ledger.network_fs import is_unc, ledger_on_network, mount_fstype, on_network_fs

MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
fileserver:/export/mishen /srv/mishen nfs4 rw,vers=4.2 0 0
//nas/保密办 /mnt/保密\\040办 cifs rw,vers=3.0 0 0
/dev/sdb1 /srv/mishen/local ext4 rw 0 0
"""


def test_nfs_and_cifs_are_network() -> None:
    assert on_network_fs("/srv/mishen/data", MOUNTS)
    assert on_network_fs("/srv/mishen", MOUNTS)
    assert on_network_fs("/mnt/保密 办/台帐", MOUNTS)  # \040 in /proc/mounts is a space
    assert mount_fstype("/mnt/保密 办/台帐", MOUNTS) == "cifs"


def test_local_mounts_are_not_network() -> None:
    assert not on_network_fs("/home/li/.local/share/mishen", MOUNTS)
    assert not on_network_fs("/tmp/x", MOUNTS)
    assert not on_network_fs("/srv/mishen/local/data", MOUNTS)  # a local disk mounted inside the share
    assert not on_network_fs("/srv/mishenx", MOUNTS)            # a prefix of the name is not the mount
    assert not on_network_fs("/anything", "")


def test_windows_unc_paths() -> None:
    assert is_unc(r"\\nas\保密办\mishen")
    assert is_unc("//nas/share/mishen")
    assert is_unc(r"\\?\UNC\nas\share\mishen")
    assert not is_unc(r"C:\Users\li\AppData\Local\MiShen")
    assert not is_unc(r"\\?\C:\Users\li")


def test_local_ledger_keeps_wal(tmp_path: Path) -> None:
    assert not ledger_on_network(tmp_path)
    with Ledger.open(tmp_path / "home") as ledger:
        assert not ledger.network_drive
        assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
