"""Content-addressed copies of reviewed documents: `<data dir>/documents/<sha256>`."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from app.errors import MishenError
from app.paths import make_private_dir


class DocumentError(MishenError):
    """Codes: unreadable, copy_missing, copy_tampered."""

    code = "unreadable"


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def documents_dir(data_dir: Path) -> Path:
    return data_dir / "documents"


def stored_path(data_dir: Path, sha256: str) -> Path:
    return documents_dir(data_dir) / sha256


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Owner-only: the folder 0700, the copy 0600 (mkstemp's mode), like the ledger itself."""
    make_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_document(data_dir: Path, data: bytes) -> tuple[str, Path]:
    sha = hashlib.sha256(data).hexdigest()
    dest = stored_path(data_dir, sha)
    if dest.exists() and file_sha256(dest) == sha:
        return sha, dest
    try:
        atomic_write_bytes(dest, data)
    except OSError as exc:
        raise DocumentError(f"无法保存文稿副本到 {dest}：{exc}", code="io_error") from exc
    return sha, dest


def read_stored(data_dir: Path, sha256: str) -> bytes:
    path = stored_path(data_dir, sha256)
    try:
        data = path.read_bytes()
    except OSError:
        raise DocumentError(f"数据目录中缺少文稿副本 {path}。", code="copy_missing") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DocumentError(f"文稿副本 {path} 已被改动（哈希值不符）。", code="copy_tampered")
    return data


def read_document_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise DocumentError(f"无法读取文稿 {path}：{exc.strerror or exc}", code="unreadable") from exc
