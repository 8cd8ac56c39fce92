"""The lexicon pack: one JSON document.

Layout (see docs/lexicon-packs.md): `format`, `format_version`, `manifest` (id, version, issuer,
effective, expires, min_mishen, changelog), `entries` (one object per term or allow entry),
`vectors` (`must_flag`, `must_not_flag`) and, once signed, `signature`. The file is written in one
fixed layout — sorted keys, one entry per line — and `read_pack` refuses a file whose bytes are not
exactly that layout, so a change of any byte is either a change of content (the signature fails)
or a change of layout (refused as altered). The signature covers `canonical_bytes` of the document
without its `signature` member.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from app.ledger.canonical import canonical_bytes, canonical_json
from app.lexicon.rule_params import RuleParams
from app.model import Category, Severity
from app.packs.errors import PackCheckError, PackInputError

FORMAT = "mishen-lexicon-pack"
FORMAT_VERSION = 1
MAX_PACK_BYTES = 256 * 1024 * 1024
MAX_CALENDAR_BYTES = 4 * 1024 * 1024
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def parse_version(text: str) -> tuple[int, ...]:
    """"2026.3" → (2026, 3). Raises ValueError when not dotted numbers."""
    if not _VERSION.match(text.strip()):
        raise ValueError(text)
    return tuple(int(p) for p in text.strip().split("."))


def version_key(text: str) -> tuple[int, ...]:
    parts = parse_version(text)
    return parts + (0,) * (4 - len(parts))


@dataclass(frozen=True, slots=True)
class Manifest:
    id: str
    version: str
    issuer: str
    effective: str = ""            # YYYY-MM-DD; empty: at once
    expires: str = ""              # YYYY-MM-DD; empty: never
    min_mishen: str = "0.1.0"
    changelog: str = ""

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "issuer": self.issuer, "effective": self.effective,
                "expires": self.expires, "min_mishen": self.min_mishen, "changelog": self.changelog}


@dataclass(frozen=True, slots=True)
class PackEntry:
    id: str
    term: str
    category: str                  # Category value
    severity: str                  # Severity value
    basis: str = ""
    suggestion: str = ""
    note: str = ""
    allow: bool = False
    options: tuple[str, ...] = ()
    scope: str = ""                # allow entries: where the exception applies
    reason: str = ""               # allow entries: why (e.g. a confirmed false alarm)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "term": self.term, "category": self.category, "severity": self.severity,
                "basis": self.basis, "suggestion": self.suggestion, "note": self.note, "allow": self.allow,
                "options": list(self.options), "scope": self.scope, "reason": self.reason}

    @property
    def key(self) -> tuple[str, str, bool]:
        """What identifies an entry across versions (for diff)."""
        return (self.term, self.category, self.allow)


@dataclass(frozen=True, slots=True)
class Vector:
    text: str
    category: str = ""             # must_flag: the category expected
    min_severity: str = ""         # must_flag: at least this severity

    def to_json(self) -> dict[str, str]:
        return {"text": self.text, "category": self.category, "min_severity": self.min_severity}


@dataclass(frozen=True, slots=True)
class Signature:
    public_key: str                # Ed25519, hex
    value: str                     # hex

    def to_json(self) -> dict[str, str]:
        return {"algorithm": "ed25519", "public_key": self.public_key, "value": self.value}


@dataclass(frozen=True)
class Pack:
    manifest: Manifest
    entries: tuple[PackEntry, ...]
    must_flag: tuple[Vector, ...] = ()
    must_not_flag: tuple[Vector, ...] = ()
    signature: Signature | None = None
    sha256: str = ""               # of the file it was read from (empty when built in memory)
    raw_body: dict[str, Any] | None = field(default=None, compare=False, repr=False)  # as read (== body())
    rules: RuleParams | None = None            # optional `rules` section: the rules' vocabularies
    calendar: dict[str, Any] | None = None     # optional `calendar` section (app/calendar reads it)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION,
                               "manifest": self.manifest.to_json(), "entries": [e.to_json() for e in self.entries],
                               "vectors": {"must_flag": [v.to_json() for v in self.must_flag],
                                           "must_not_flag": [v.to_json() for v in self.must_not_flag]}}
        if self.rules is not None:
            out["rules"] = self.rules.to_json()
        if self.calendar is not None:
            out["calendar"] = self.calendar
        return out

    def signed_bytes(self) -> bytes:
        """What the signature covers."""
        return canonical_bytes(self.raw_body if self.raw_body is not None else self.body())

    def to_bytes(self) -> bytes:
        return layout(self.raw_body if self.raw_body is not None else self.body(), self.signature)

    @property
    def label(self) -> str:
        return f"{self.manifest.id} {self.manifest.version}"


def layout(body: dict[str, Any], signature: Signature | None) -> bytes:
    """The one file layout: sorted keys, one entry or vector per line, UTF-8, final newline."""
    out = ["{"]
    if "calendar" in body:
        out.append(f'"calendar":{canonical_json(body["calendar"])},')
    out.append(f'"entries":[\n{_lines(body["entries"])}\n],' if body["entries"] else '"entries":[],')
    out.append(f'"format":{canonical_json(body["format"])},')
    out.append(f'"format_version":{canonical_json(body["format_version"])},')
    out.append(f'"manifest":{canonical_json(body["manifest"])},')
    if "rules" in body:  # one vocabulary per line
        rules = body["rules"]
        inner = ",\n".join(f"{canonical_json(k)}:{canonical_json(rules[k])}" for k in sorted(rules))
        out.append(f'"rules":{{\n{inner}\n}},' if rules else '"rules":{},')
    if signature is not None:
        out.append(f'"signature":{canonical_json(signature.to_json())},')
    vectors = body["vectors"]
    out.append('"vectors":{')
    for name, comma in (("must_flag", ","), ("must_not_flag", "")):
        items = vectors[name]
        out.append(f'"{name}":[\n{_lines(items)}\n]{comma}' if items else f'"{name}":[]{comma}')
    out.append("}")
    out.append("}")
    return ("\n".join(out) + "\n").encode("utf-8")


#: canonical_json's settings, one encoder for every line (json.dumps would build one per call)
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def _lines(items: list[Any]) -> str:
    return ",\n".join(map(_ENCODE, items))


def write_pack(pack: Pack, path: str | os.PathLike[str]) -> Path:
    from app.exports.atomic import atomic_write_bytes

    return atomic_write_bytes(Path(path), pack.to_bytes())


def read_pack(path: str | os.PathLike[str]) -> Pack:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_PACK_BYTES:
            raise PackInputError(f"词库包 {p.name} 过大（{size // (1024 * 1024)} MB，上限 "
                                 f"{MAX_PACK_BYTES // (1024 * 1024)} MB）。")
        data = p.read_bytes()
    except OSError as exc:
        raise PackInputError(f"无法读取词库包 {p}：{exc.strerror or exc}") from exc
    return parse_pack(data, p.name)


def parse_pack(data: bytes, name: str = "词库包") -> Pack:
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("format")
        if doc.get("format_version") != FORMAT_VERSION:
            raise PackInputError(f"词库包 {name}：格式版本 {doc.get('format_version')!r} 不受支持（本程序支持 {FORMAT_VERSION}）。")
        pack = _from_json(doc)
    except ReservedPackIdError as exc:
        raise PackInputError(f"词库包 {name}：{exc.message}。", code=exc.code) from None
    except PackInputError:
        raise
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        raise PackInputError(f"{name} 不是有效的密审词库包（{type(exc).__name__}：{exc}），文件可能不完整或被截断。") from None
    # _from_json checked every member's name and type exactly, so the document as read *is* the
    # pack's body: its layout must be the file's bytes, and it is what the signature covers
    body = {k: v for k, v in doc.items() if k != "signature"}
    if layout(body, pack.signature) != data:
        raise PackCheckError(f"词库包 {name} 的内容与规范格式不一致：文件在生成后被改动过。", code="pack_altered")
    return Pack(pack.manifest, pack.entries, pack.must_flag, pack.must_not_flag, pack.signature,
                hashlib.sha256(data).hexdigest(), body, pack.rules, pack.calendar)


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"{key} 应为文字")
    return value


_TOP = frozenset({"format", "format_version", "manifest", "entries", "vectors"})
_OPTIONAL = frozenset({"rules", "calendar"})
_MANIFEST = ("id", "version", "issuer", "effective", "expires", "min_mishen", "changelog")
_ENTRY = frozenset({"id", "term", "category", "severity", "basis", "suggestion", "note", "allow", "options",
                    "scope", "reason"})
_ENTRY_TEXT = ("id", "term", "category", "severity", "basis", "suggestion", "note", "scope", "reason")
_VECTOR = frozenset({"text", "category", "min_severity"})


def _exact(obj: object, keys: frozenset[str], what: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or obj.keys() != keys:
        raise ValueError(f"{what}的字段不符")
    return obj


def _from_json(doc: dict[str, Any]) -> Pack:
    if not _TOP <= doc.keys() - {"signature"} <= _TOP | _OPTIONAL:
        raise ValueError("顶层字段不符")
    m = _exact(doc["manifest"], frozenset(_MANIFEST), "manifest")
    manifest = Manifest(*(_str(m, k) for k in _MANIFEST))
    check_manifest(manifest)
    categories = {c.value for c in Category}
    severities = {s.value for s in Severity}
    entries = []
    texts = itemgetter(*_ENTRY_TEXT)   # id, term, category, severity, basis, suggestion, note, scope, reason
    only_str = {str}
    raw_entries = doc["entries"]
    if not isinstance(raw_entries, list):
        raise ValueError("entries 应为列表")
    for i, e in enumerate(raw_entries, start=1):
        if type(e) is not dict or e.keys() != _ENTRY:
            raise ValueError(f"第 {i} 个词条的字段不符")
        values = texts(e)
        options = e["options"]
        if set(map(type, values)) != only_str or type(e["allow"]) is not bool or type(options) is not list \
                or (options and set(map(type, options)) != only_str):
            raise ValueError(f"第 {i} 个词条的字段类型不符")
        entry_id, term, category, severity, basis, suggestion, note, scope, reason = values
        if category not in categories or severity not in severities or not term.strip():
            raise ValueError(f"第 {i} 个词条的类别、级别或词条无效")
        entries.append(PackEntry(entry_id, term, category, severity, basis, suggestion, note, e["allow"],
                                 tuple(options), scope, reason))
    vectors = _exact(doc["vectors"], frozenset({"must_flag", "must_not_flag"}), "vectors")
    flag = tuple(Vector(*(_str(_exact(v, _VECTOR, "测试用例"), k) for k in ("text", "category", "min_severity")))
                 for v in vectors["must_flag"])
    quiet = tuple(Vector(*(_str(_exact(v, _VECTOR, "测试用例"), k) for k in ("text", "category", "min_severity")))
                  for v in vectors["must_not_flag"])
    sig = doc.get("signature")
    signature = None
    if sig is not None:
        _exact(sig, frozenset({"algorithm", "public_key", "value"}), "signature")
        signature = Signature(_str(sig, "public_key"), _str(sig, "value"))
    rules = RuleParams.from_json(doc["rules"], f"{manifest.id} {manifest.version}") if "rules" in doc else None
    calendar = doc.get("calendar")
    if calendar is not None:
        if not isinstance(calendar, dict):
            raise ValueError("工作日历（calendar）应为对象")
        if len(canonical_bytes(calendar)) > MAX_CALENDAR_BYTES:
            raise ValueError("工作日历（calendar）过大")
    return Pack(manifest, tuple(entries), flag, quiet, signature, rules=rules, calendar=calendar)


class ReservedPackIdError(PackInputError, ValueError):
    """A pack id that names one of the engine's layers (app.packs.layers.RESERVED_PACK_IDS).
    Classified like a malformed id: usage or unreadable input (exit 2). A ValueError too, so that
    whoever checks a manifest (import, the editor's draft check) lists it with the other fields."""

    code = "reserved_pack_id"


def reserved_pack_id(pack_id: str) -> None:
    """Raises ReservedPackIdError when `pack_id` is reserved (case-insensitively)."""
    from app.packs.layers import RESERVED_PACK_IDS

    if pack_id.casefold() in RESERVED_PACK_IDS:
        raise ReservedPackIdError(
            f"词库包编号“{pack_id}”是保留名（{'、'.join(sorted(RESERVED_PACK_IDS))} 用于区分词库层次："
            "本单位词库、本次附加词库、内置词库等），保密局词库包不能使用，请换一个编号")


def check_manifest(m: Manifest) -> None:
    """ValueError naming the first malformed field."""
    if not _ID.match(m.id):
        raise ValueError(f"词库包编号“{m.id}”无效（字母、数字、点、横线，最长 64）")
    reserved_pack_id(m.id)
    parse_version(m.version)
    parse_version(m.min_mishen)
    if not m.issuer.strip():
        raise ValueError("缺少发布单位（issuer）")
    for name, value in (("effective", m.effective), ("expires", m.expires)):
        if value and not _DATE.match(value):
            raise ValueError(f"{name} 日期应为 YYYY-MM-DD，而不是“{value}”")
