"""Shared helpers for the review/ledger tests (no tests here).

The scan engine's rules are being written in parallel, so review tests use `planted_scanner`: it
reads a .txt file and turns markers such as `[[block]]` or `[[high:pending_case]]` into real
`Finding` values (the review core depends only on the pinned report, not on which rule fired).
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import sys
from pathlib import Path

import pytest

from app.ledger import Ledger
from app.model import Category, DocumentReport, Finding, Location, Part, ScanReport, Severity
from app.review.scanning import ScanResult
from app.users import Role, add_user

PASSWORD = "correct-horse-1"
PEOPLE = {
    "xiao_li": Role.OFFICER, "wang_fg": Role.DIVISION_LEADER, "zhang_zy": Role.PRINCIPAL,
    "city_zhao": Role.CITY_OFFICE, "chen_ks": Role.SECTION_CHIEF, "audit_liu": Role.AUDITOR,
}
_MARK = re.compile(r"\[\[(block|high|medium|low)(?::([a-z_]+))?\]\]")
_TEMPLATE: dict[str, Path] = {}


def planted_scanner(path: Path) -> ScanResult:
    p = str(path)
    try:
        data = Path(path).read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report = DocumentReport(path=p, sha256=None, format="txt", error=f"无法读取：{exc}", error_code="not_found")
        return ScanResult(report, ScanReport("test", (), (report,)).to_json())
    sha = hashlib.sha256(data).hexdigest()
    findings = []
    for m in _MARK.finditer(text):
        sev = Severity(m.group(1))
        cat = Category(m.group(2) or "secret_mark")
        findings.append(Finding(
            id=f"{sha[:8]}-planted.{sev.value}-{m.start()}", category=cat, severity=sev, text=m.group(0),
            context=text[max(0, m.start() - 10):m.end() + 10], start=m.start(), end=m.end(), segment=0,
            location=Location(Part.BODY, paragraph=1), rule=f"planted.{sev.value}", basis="测试依据",
            message=f"测试问题（{sev.value}）"))
    report = DocumentReport(path=p, sha256=sha, format="txt", findings=tuple(findings))
    return ScanResult(report, ScanReport("test", (), (report,)).to_json())


def template_dir(factory: pytest.TempPathFactory) -> Path:
    """One empty migrated ledger with the standard people, built once per session."""
    if "people" not in _TEMPLATE:
        d = factory.mktemp("template")
        with Ledger.open(d) as ledger:
            for name, role in PEOPLE.items():
                add_user(ledger, name, role, PASSWORD, unit="市统计局" if role is not Role.CITY_OFFICE else "市政府办公室")
        _TEMPLATE["people"] = d
    return _TEMPLATE["people"]


def copy_template(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """A copy of the session template. Note: copies share the template's ledger id and workstation key;
    use a fresh `Ledger.open` for a second, independent workstation."""
    shutil.copytree(template_dir(factory), dest)
    return dest


def write_doc(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(monkeypatch: pytest.MonkeyPatch, data_dir: Path, *argv: str, password: str | None = None) -> int:
    """Run `mishen --data-dir D …` in-process; the password is fed through stdin."""
    from app import cli_review

    monkeypatch.setattr(sys, "stdin", io.StringIO((password or "") + "\n"))
    args = ["--data-dir", str(data_dir), *argv]
    if password is not None:
        args.append("--password-stdin")
    return cli_review.main(args)
