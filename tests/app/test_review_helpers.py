"""Shared helpers for the review/ledger tests (no tests here).

Review tests scan with the real engine: `real_scanner` is `engine_scanner(Engine.load())`, loaded
once per test session. `write_doc` replaces markers such as `[[block]]` or `[[high:pending_case]]`
with real content that the bundled rules flag exactly once at that severity (`PLANTED`;
test_review_flow.py::test_planted_content_is_flagged_once_by_the_real_engine proves each one).
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from app.ledger import Ledger
from app.review.scanning import Scanner, ScanResult, engine_scanner
from app.users import Role
from tests.people import add_people

PASSWORD = "correct-horse-1"
PEOPLE = {
    "xiao_li": Role.OFFICER, "wang_fg": Role.DIVISION_LEADER, "zhang_zy": Role.PRINCIPAL,
    "city_zhao": Role.CITY_OFFICE, "chen_ks": Role.SECTION_CHIEF, "audit_liu": Role.AUDITOR,
}


class Planted(NamedTuple):
    content: str     # what write_doc writes in place of the marker
    category: str    # the one finding the real engine reports for it
    severity: str
    text: str        # the finding's flagged text


PLANTED: dict[str, Planted] = {
    "block": Planted("本件属绝密★长期文件。", "secret_mark", "block", "绝密★长期"),
    "high": Planted("联系人身份证号11010519491231002X。", "personal_info", "high", "11010519491231002X"),
    "high:pending_case": Planted("此外，张某某涉嫌受贿一案尚未判决。", "pending_case", "high", "张某某涉嫌受贿一案尚未判决"),
    "medium": Planted("联系电话13912345678。", "personal_info", "medium", "13912345678"),
    "low": Planted("要再接再励。", "typo", "low", "再接再励"),
}
_MARK = re.compile(r"\[\[([a-z_:]+)\]\]")
_TEMPLATE: dict[str, Path] = {}
_SCANNER: list[Scanner] = []


def real_scanner(path: Path) -> ScanResult:
    """The bundled lexicons and rules through `engine_scanner`; the engine is loaded once per session."""
    if not _SCANNER:
        from app.scan import Engine

        _SCANNER.append(engine_scanner(Engine.load()))
    return _SCANNER[0](path)


def plant(text: str) -> str:
    """`text` with every `[[marker]]` replaced by its real planted content."""
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in PLANTED:
            raise KeyError(f"no planted content for [[{m.group(1)}]]; known: {sorted(PLANTED)}")
        return PLANTED[m.group(1)].content

    return _MARK.sub(sub, text)


def template_dir(factory: pytest.TempPathFactory) -> Path:
    """One empty migrated ledger with the standard people, built once per session."""
    if "people" not in _TEMPLATE:
        d = factory.mktemp("template")
        with Ledger.open(d) as ledger:
            add_people(ledger, {name: (role, "市统计局" if role is not Role.CITY_OFFICE else "市政府办公室")
                                for name, role in PEOPLE.items()}, PASSWORD, admin_unit="市统计局")
        _TEMPLATE["people"] = d
    return _TEMPLATE["people"]


def copy_template(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """A copy of the session template. Note: copies share the template's ledger id and workstation key;
    use a fresh `Ledger.open` for a second, independent workstation."""
    shutil.copytree(template_dir(factory), dest)
    return dest


def write_doc(folder: Path, name: str, text: str) -> Path:
    """Write `text` (markers replaced by real planted content, see `PLANTED`) as UTF-8."""
    path = folder / name
    path.write_text(plant(text), encoding="utf-8")
    return path


def cli(monkeypatch: pytest.MonkeyPatch, data_dir: Path, *argv: str, password: str | None = None) -> int:
    """Run `mishen --data-dir D …` in-process; the password is fed through stdin."""
    from app import cli_review

    monkeypatch.setattr(sys, "stdin", io.StringIO((password or "") + "\n"))
    args = ["--data-dir", str(data_dir), *argv]
    if password is not None:
        args.append("--password-stdin")
    return cli_review.main(args)


def agree_all(ledger: Ledger, review_id: str, reason: str = "经核实可以公开") -> list[tuple[str, object, str]]:
    """同意公开 for every high item of the review's current version (what a deciding level must
    give before it approves), for tests whose subject is something else."""
    from app.review import load_review
    from app.review.dispositions import needs_disposition
    from app.review.model import DispositionKind

    return [(f.id, DispositionKind.AGREE, reason) for f in needs_disposition(load_review(ledger, review_id))]
