"""`mishen redact` and `mishen sanitize` as a user runs them (real subprocesses, a real data
directory): the copy is written or not, recorded against its review (then `ledger verify`
passes), and without --review it is produced but not recorded."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ledger import Ledger
from app.users import Role
from tests.conftest import REPO
from tests.people import add_people
from tests.redact_docs import ID_NUMBER, PHONE, add_zip_member, build_redact_docx, build_redact_pdf

OFFICER, PASSWORD = "officer1", "officer-pass-1"


def _run(*args: str, data_dir: Path | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MISHEN_TEST_FAST_KDF": "1"}
    pre = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "app", *pre, *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, Path]:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    from app.review import open_review

    data = tmp_path / "data"
    doc = build_redact_pdf(tmp_path / "notice.pdf")
    with Ledger.open(data) as ledger:
        add_people(ledger, {OFFICER: Role.OFFICER}, PASSWORD)
        rid = open_review(ledger, doc, title="联系人通知").id
    return data, rid, doc


def test_redact_without_review_is_produced_but_not_recorded(tmp_path: Path) -> None:
    doc = build_redact_pdf(tmp_path / "notice.pdf")
    out = tmp_path / "public.pdf"
    proc = _run("redact", str(doc), "--category", "personal_info", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "未记入台帐" in proc.stdout and "已生成区分处理副本" in proc.stdout
    assert out.is_file()
    from app.readers import read_document

    text = read_document(out).text
    assert ID_NUMBER not in text and PHONE not in text and "关于加强信息公开工作的通知" in text


def test_redact_with_review_is_recorded_and_ledger_verifies(review: tuple[Path, str, Path], tmp_path: Path) -> None:
    data, rid, doc = review
    out = tmp_path / "public.pdf"
    proc = _run("redact", str(doc), "--review", rid, "--min-severity", "medium", "--by", OFFICER,
                "--password-stdin", "--format", "json", "-o", str(out), data_dir=data, stdin=PASSWORD + "\n")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    assert result["output_sha256"] == sha and "已记入台帐" in result["note"]
    with Ledger.open(data) as ledger:
        (event,) = ledger.events(kinds=("document_redacted",), review_id=rid)
    assert event.actor == OFFICER
    payload = event.payload
    assert payload["output_sha256"] == sha and payload["document_sha256"] == hashlib.sha256(doc.read_bytes()).hexdigest()
    withheld = {w["text"] for w in payload["withheld"]}
    assert {ID_NUMBER, PHONE} <= withheld
    assert all(w["finding_id"] and w["reason"] for w in payload["withheld"])
    verify = _run("ledger", "verify", data_dir=data)
    assert verify.returncode == 0, verify.stderr
    assert "台帐完好" in verify.stdout
    shown = _run("review", "show", rid, data_dir=data)
    assert "区分处理副本" in shown.stdout and f"SHA-256 {sha}" in shown.stdout and OFFICER in shown.stdout


def test_redact_with_review_refuses_wrong_password_and_other_document(review: tuple[Path, str, Path],
                                                                      tmp_path: Path) -> None:
    data, rid, doc = review
    out = tmp_path / "public.pdf"
    proc = _run("redact", str(doc), "--review", rid, "--by", OFFICER, "--password-stdin", "-o", str(out),
                data_dir=data, stdin="wrong\n")
    assert proc.returncode == 1 and "错误" in proc.stderr and not out.exists()
    other = build_redact_pdf(tmp_path / "other.pdf", extras=False)
    proc = _run("redact", str(other), "--review", rid, "--by", OFFICER, "--password-stdin", "-o", str(out),
                data_dir=data, stdin=PASSWORD + "\n")
    assert proc.returncode != 0 and "不一致" in proc.stderr and not out.exists()
    proc = _run("redact", str(doc), "--review", rid, "-o", str(out), data_dir=data)
    assert proc.returncode == 2 and "--by" in proc.stderr
    with Ledger.open(data) as ledger:
        assert ledger.events(kinds=("document_redacted",)) == []


def test_redact_gate_failure_gives_no_file_and_exit_1(tmp_path: Path) -> None:
    doc = add_zip_member(build_redact_docx(tmp_path / "n.docx"), "word/embeddings/oleObject1.bin",
                         ID_NUMBER.encode("utf-16-le"))
    out = tmp_path / "o.docx"
    proc = _run("redact", str(doc), "--category", "personal_info", "-o", str(out))
    assert proc.returncode == 1
    assert "未通过泄密检查，未生成文件" in proc.stderr and not out.exists()


def test_redact_unknown_finding_and_bad_region_are_usage_errors(tmp_path: Path) -> None:
    doc = build_redact_pdf(tmp_path / "n.pdf", extras=False)
    out = tmp_path / "o.pdf"
    proc = _run("redact", str(doc), "--finding", "nope-1", "-o", str(out))
    assert proc.returncode == 2 and "没有编号为 nope-1 的问题" in proc.stderr
    proc = _run("redact", str(doc), "--region", "1:10,10", "-o", str(out))
    assert proc.returncode == 2 and "格式不对" in proc.stderr
    assert not out.exists()


def test_sanitize_reports_item_by_item_and_rescans(tmp_path: Path) -> None:
    doc = build_redact_docx(tmp_path / "n.docx")
    out = tmp_path / "clean.docx"
    proc = _run("sanitize", str(doc), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    for line in ("已删除批注", "已拒绝全部修订", "已删除隐藏文字", "已清除文档属性", "已删除缩略图", "对清理后的文件重新扫描"):
        assert line in proc.stdout
    assert "身份证" in proc.stdout           # the rescan still reports the body's ID number
    assert out.is_file()
