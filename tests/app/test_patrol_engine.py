"""`mishen patrol` end to end on generated mirrors: planted problems found with page and part,
links checked inside the mirror, incremental re-runs, the ledger record."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.patrol_mirror import HOST, SECRET_MARK, build_mirror, change_page, page_path


def patrol_cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "patrol", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=300, env={**os.environ, **(env or {})}, input=stdin)


def patrol_json(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = patrol_cli(*args, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_path(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["path"]: item for item in run["items"]}


@pytest.fixture(scope="module")
def mirror_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    root = tmp_path_factory.mktemp("mirror")
    mirror = build_mirror(root / "site", pages=24)
    db = root / "patrol.sqlite3"
    run = patrol_json(str(mirror.root), "--workers", "2", "--db", str(db))
    return mirror, run


def test_every_planted_problem_is_found_on_its_page_and_part(mirror_run: tuple[Any, dict[str, Any]]) -> None:
    mirror, run = mirror_run
    items = by_path(run)
    assert sorted(items) == sorted(mirror.files)  # every page and attachment, nothing from hts-cache
    assert len(mirror.planted) >= 8
    for planted in mirror.planted:
        findings = items[planted.path]["findings"]
        assert any(planted.text in f["text"] and f["part"] == planted.part and f["category"] == planted.category
                   for f in findings), (planted, [(f["text"], f["part"], f["category"]) for f in findings])
    for k in (0, 1, 7, 8, 9, 10, 11):  # clean pages stay clean
        assert items[page_path(k)]["findings"] == [], page_path(k)
    counts = run["counts"]
    assert counts["files"] == len(mirror.files) and counts["scanned"] == len(mirror.files)
    assert counts["errors"] == 0 and run["previous_run_id"] is None


def test_links_are_checked_inside_the_mirror(mirror_run: tuple[Any, dict[str, Any]]) -> None:
    mirror, run = mirror_run
    problems = [(p["path"], p["code"]) for p in run["problems"]]
    assert (page_path(7), "broken_link") in problems            # a deleted attachment
    assert (page_path(8), "repeated_link") in problems          # a page linking itself 2,000 times
    assert sum(1 for p in problems if p[0] == page_path(8)) == 1
    assert not [p for p in problems if p[0] in (page_path(9), page_path(10))]  # a link loop is no problem
    assert len(problems) == 2
    items = by_path(run)
    for attachment in mirror.attachments:  # each attachment knows the page that links it
        assert items[attachment]["linked_from"], attachment
    assert items[f"{HOST}/files/fj_00001.docx"]["linked_from"] == [page_path(1)]


def test_a_rerun_scans_exactly_the_new_and_changed_files(tmp_path: Path) -> None:
    mirror = build_mirror(tmp_path / "site", pages=16)
    db = tmp_path / "p.sqlite3"
    first = patrol_json(str(mirror.root), "--workers", "2", "--db", str(db))
    assert first["counts"]["scanned"] == len(mirror.files)

    unchanged = patrol_json(str(mirror.root), "--workers", "2", "--db", str(db))
    assert unchanged["counts"]["scanned"] == 0
    assert unchanged["counts"]["unchanged"] == len(mirror.files)
    assert unchanged["previous_run_id"] == first["run_id"]
    assert unchanged["new_findings"] == [] and unchanged["resolved_findings"] == []

    changed = [change_page(mirror, 12), change_page(mirror, 13, f"{SECRET_MARK} 新插入的内部内容。")]
    (mirror.root / page_path(2)).unlink()             # the page with a secrecy mark is taken down
    added = mirror.root / HOST / "xwdt" / "new_page.html"
    added.write_text("<html><head><title>新页面</title></head><body><p>新发布的通知。</p></body></html>",
                     encoding="utf-8")
    dup = mirror.root / HOST / "zwgk" / "copy_of_3.html"  # same bytes as a page already scanned
    dup.write_bytes((mirror.root / page_path(3)).read_bytes())
    third = patrol_json(str(mirror.root), "--workers", "2", "--db", str(db))
    c = third["counts"]
    assert c["scanned"] == 3                          # two changed pages and one new page, not the copy
    assert (c["changed"], c["new"], c["removed"]) == (2, 2, 1)
    items = by_path(third)
    assert {p for p, i in items.items() if i["scanned"]} == {*changed, f"{HOST}/xwdt/new_page.html"}
    assert items[page_path(2)]["status"] == "removed"
    assert items[f"{HOST}/zwgk/copy_of_3.html"]["scanned"] is False
    assert items[f"{HOST}/zwgk/copy_of_3.html"]["findings"] == items[page_path(3)]["findings"]
    new = [(f["path"], f["text"]) for f in third["new_findings"]]
    assert (page_path(13), SECRET_MARK) in new
    assert (f"{HOST}/zwgk/copy_of_3.html", "11010519491231002X") in new
    resolved = [(f["path"], f["text"], f["part"]) for f in third["resolved_findings"]]
    assert (page_path(2), SECRET_MARK, "body") in resolved

    # other lexicons: every file is scanned again
    extra = tmp_path / "extra.txt"
    extra.write_text("培训地点\n", encoding="utf-8")
    relexed = patrol_json(str(mirror.root), "--workers", "2", "--db", str(db), "--lexicon", str(extra))
    assert relexed["lexicons_changed"] is True
    assert relexed["counts"]["scanned"] == relexed["counts"]["files"] - relexed["counts"]["duplicates"]
    assert any(f["text"] == "培训地点" for f in items_findings(relexed, page_path(12)))


def items_findings(run: dict[str, Any], path: str) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = by_path(run)[path]["findings"]
    return findings


def test_each_run_is_recorded_in_the_ledger_and_it_verifies(tmp_path: Path) -> None:
    from app.ledger import Ledger
    from app.ledger.model import WORKSTATION
    from tests.people import ADMIN, ADMIN_PASSWORD, add_people

    home = tmp_path / "home"
    mirror = build_mirror(tmp_path / "site", pages=10, bad_links=False)
    result = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "patrol", str(mirror.root),
                             "--workers", "1", "--format", "json"], capture_output=True, text=True, cwd=REPO,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)
    assert (home / "patrol.sqlite3").is_file()        # the default database is in the data directory
    if os.name == "posix":
        assert (home / "patrol.sqlite3").stat().st_mode & 0o077 == 0
    with Ledger.open(home) as ledger:
        add_people(ledger, {}, "unused")
    report, sheet = tmp_path / "巡查报告.html", tmp_path / "巡查报表.xlsx"
    result = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "patrol", str(mirror.root),
                             "--by", ADMIN, "--password-stdin", "--report", str(report), "--xlsx", str(sheet)],
                            capture_output=True, text=True, cwd=REPO, timeout=300, input=ADMIN_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "已记入台帐" in result.stdout
    with Ledger.open(home) as ledger:
        events = ledger.events(kinds=("patrol_recorded",))
    assert [e.actor for e in events] == [WORKSTATION, ADMIN]
    assert events[0].payload["run_id"] == first["run_id"]
    assert events[0].payload["counts"]["files"] == len(mirror.files)
    assert events[0].payload["sources"] == [str(mirror.root.resolve())]
    assert events[0].payload["reports"] == []
    assert events[1].payload["reports"] == [
        {"file": str(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in (report, sheet)]
    assert "<svg" in report.read_text(encoding="utf-8")
    verify = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "ledger", "verify"],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    wrong = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "patrol", str(mirror.root),
                            "--by", ADMIN, "--password-stdin"], capture_output=True, text=True, cwd=REPO,
                           timeout=300, input="wrong\n")
    assert wrong.returncode == 2 and "错误" in wrong.stderr


def test_bad_usage_is_a_clear_message(tmp_path: Path) -> None:
    missing = patrol_cli(str(tmp_path / "nowhere"), "--db", str(tmp_path / "p.sqlite3"))
    assert missing.returncode == 2 and "巡查来源不存在" in missing.stderr
    not_db = tmp_path / "not.sqlite3"
    not_db.write_bytes(b"this is not a database" * 100)
    (tmp_path / "site").mkdir()
    bad = patrol_cli(str(tmp_path / "site"), "--db", str(not_db))
    assert bad.returncode == 2 and "巡查数据库" in bad.stderr
    assert not_db.read_bytes() == b"this is not a database" * 100
    zero = patrol_cli(str(tmp_path / "site"), "--workers", "0")
    assert zero.returncode == 2 and "--workers" in zero.stderr
