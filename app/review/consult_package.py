"""The files that travel between units for a consultation: the letter (征求意见函, with the document)
and the reply (函复意见). Same shape and bounds as review packages: `{"format", "version", "body",
"signature"}`, the body signed by the sending unit's identity key, at most 256 MiB, JSON nesting
checked before parsing. Reading checks the file only; whether the sender is trusted is the
caller's (a registered peer, `app.peers.find_peer`)."""

from __future__ import annotations

import json
import os
from typing import Any

from app.ledger.canonical import canonical_bytes, canonical_json, sha256_hex
from app.ledger.crypto import verify_signature
from app.review.package import MAX_PACKAGE_BYTES, PackageError, check_depth

LETTER_FORMAT = "mishen-consultation"
REPLY_FORMAT = "mishen-consultation-reply"
VERSION = 1


def _bad(what: str, message: str) -> PackageError:
    return PackageError(f"{what}无效，已拒绝：{message}", code="consultation_invalid")


def signed_file(fmt: str, body: dict[str, Any], signer: Any) -> bytes:
    package = {"format": fmt, "version": VERSION, "body": body, "signature": signer.sign(canonical_bytes(body))}
    return canonical_json(package).encode("utf-8")


def read_signed(path: str | os.PathLike[str], fmt: str) -> tuple[dict[str, Any], str, str]:
    """(body, signature, file sha256) of a letter or reply whose signature by `body.from.public_key`
    is valid. Raises PackageError with a Chinese reason."""
    what = "征求意见函" if fmt == LETTER_FORMAT else "答复意见"
    try:
        size = os.stat(path).st_size
        if size > MAX_PACKAGE_BYTES:
            raise _bad(what, f"文件过大（{size // (1024 * 1024)} MiB）")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_PACKAGE_BYTES + 1)
    except OSError as exc:
        raise PackageError(f"无法读取{what} {path}：{exc.strerror or exc}", code="unreadable") from exc
    check_depth(raw)
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != fmt:
            other = "答复意见" if fmt == LETTER_FORMAT else "征求意见函"
            hint = f"（这是{other}文件）" if isinstance(data, dict) and data.get("format") in (LETTER_FORMAT,
                                                                                       REPLY_FORMAT) else ""
            raise _bad(what, f"不是密审{what}文件{hint}")
        if data.get("version") != VERSION:
            raise _bad(what, f"不支持的版本 {data.get('version')!r}")
        body, signature = data["body"], str(data["signature"])
        key = str(body["from"]["public_key"])
        if not isinstance(body, dict) or not verify_signature(key, signature, canonical_bytes(body)):
            raise _bad(what, "签名无效（文件被改动）")
    except PackageError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError) as exc:
        raise _bad(what, f"文件格式错误（{type(exc).__name__}）") from exc
    return body, signature, sha256_hex(raw)
