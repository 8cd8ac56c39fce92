"""Findings to and from the JSON the patrol database keeps (the inverse of `Finding.to_json`)."""

from __future__ import annotations

import json
from typing import Any

from app.model import Category, Finding, Location, Notice, Occurrence, Part, Severity


def _location(d: dict[str, Any]) -> Location:
    return Location(Part(d["part"]), d.get("page"), d.get("paragraph"), d.get("table"), d.get("cell"),
                    d.get("sheet"), d.get("label"))


def finding_from_json(d: dict[str, Any]) -> Finding:
    return Finding(
        id=str(d["id"]), category=Category(d["category"]), severity=Severity(d["severity"]),
        text=str(d["text"]), context=str(d["context"]), start=int(d["start"]), end=int(d["end"]),
        segment=int(d["segment"]), location=_location(d["location"]), rule=str(d["rule"]),
        basis=str(d["basis"]), message=str(d.get("message", "")), suggestion=str(d.get("suggestion", "")),
        occurrences=tuple(Occurrence(int(o["start"]), int(o["end"]), int(o["segment"]), _location(o["location"]),
                                     str(o["context"])) for o in d.get("occurrences", ())))


def dump_findings(findings: tuple[Finding, ...]) -> str:
    return json.dumps([f.to_json() for f in findings], ensure_ascii=False, separators=(",", ":"))


def load_findings(text: str) -> tuple[Finding, ...]:
    return tuple(finding_from_json(d) for d in json.loads(text))


def dump_notices(notices: tuple[Notice, ...]) -> str:
    return json.dumps([n.to_json() for n in notices], ensure_ascii=False, separators=(",", ":"))


def load_notices(text: str) -> tuple[Notice, ...]:
    return tuple(Notice(str(d["code"]), str(d["message"]), d.get("page"), tuple(d.get("pages", ())))
                 for d in json.loads(text))
