"""`mishen scan` end to end, in a subprocess, on files the test writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def run_scan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "scan", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("drafts")
    marked = d / "marked.txt"
    marked.write_text("关于做好年度工作的通知\n绝密★长期\n各单位：现将有关事项通知如下。\n", encoding="gb18030")
    clean = d / "clean.txt"
    clean.write_text("关于开展全民健身活动的通知\n请各单位按时报名参加。\n", encoding="utf-8")
    broken = d / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a real zip")
    unsupported = d / "picture.bmp"
    unsupported.write_bytes(b"BM" + b"\0" * 64)
    return {"marked": marked, "clean": clean, "broken": broken, "unsupported": unsupported}


def test_json_report_shape_and_exit_status(drafts: dict[str, Path]) -> None:
    proc = run_scan("--format", "json", str(drafts["marked"]), str(drafts["clean"]))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["tool"]["name"] == "mishen"
    assert report["tool"]["lexicons"], "the bundled lexicons are reported with name, version and hash"
    for lx in report["tool"]["lexicons"]:
        assert set(lx) >= {"name", "version", "sha256"}
    marked, clean = report["documents"]
    assert marked["error"] is None and marked["format"] == "txt"
    marks = [f for f in marked["findings"] if f["category"] == "secret_mark"]
    assert marks and marks[0]["severity"] == "block"
    assert marks[0]["text"] == "绝密★长期"
    assert marks[0]["location"]["part"] == "body" and marks[0]["location"]["paragraph"] == 2
    assert "绝密★长期" in marks[0]["context"] and marks[0]["basis"]
    assert clean["findings"] == [] or all(f["severity"] in ("low", "medium") for f in clean["findings"])


def test_fail_on_threshold(drafts: dict[str, Path]) -> None:
    assert run_scan("--fail-on", "never", str(drafts["marked"])).returncode == 0
    assert run_scan("--fail-on", "block", str(drafts["clean"])).returncode == 0


def test_unreadable_documents_are_reported_and_the_batch_goes_on(drafts: dict[str, Path]) -> None:
    proc = run_scan("--format", "json", str(drafts["broken"]), str(drafts["unsupported"]), str(drafts["marked"]))
    assert proc.returncode == 2
    docs = json.loads(proc.stdout)["documents"]
    assert docs[0]["error"] and docs[1]["error"]
    assert docs[2]["error"] is None and docs[2]["findings"]


def test_text_report_is_readable_chinese(drafts: dict[str, Path]) -> None:
    proc = run_scan(str(drafts["marked"]))
    assert proc.returncode == 1
    assert "禁止发布" in proc.stdout and "绝密★长期" in proc.stdout and "依据" in proc.stdout


def test_extra_plain_lexicon(tmp_path: Path, drafts: dict[str, Path]) -> None:
    words = tmp_path / "extra.txt"
    words.write_text("全民健身\n", encoding="utf-8")
    proc = run_scan("--format", "json", "--lexicon", str(words), str(drafts["clean"]))
    findings = json.loads(proc.stdout)["documents"][0]["findings"]
    assert any(f["category"] == "sensitive_term" and f["severity"] == "high" and f["text"] == "全民健身"
               for f in findings)
    assert proc.returncode == 0  # high is below the default --fail-on block


def test_malformed_lexicon_is_a_clear_error(tmp_path: Path, drafts: dict[str, Path]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,term,category,severity\nx1,某词,no_such_category,high\n", encoding="utf-8")
    proc = run_scan("--lexicon", str(bad), str(drafts["clean"]))
    assert proc.returncode == 2
    assert "bad.csv" in proc.stderr and "2" in proc.stderr
    assert proc.stdout == ""


def test_missing_file_is_reported(tmp_path: Path) -> None:
    proc = run_scan("--format", "json", str(tmp_path / "nope.docx"))
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["documents"][0]["error"]
