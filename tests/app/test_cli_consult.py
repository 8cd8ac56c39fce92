"""The consultation session of docs/review-and-ledger.md (征求意见), command by command, on two real
data directories: identities exchanged, the letter, the refused sign-off while it is open, the
reply from the consulted unit, its import, and the sign-off that then goes through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ledger import ledger_path, verify_ledger
from app.review import scanning
from tests.app.test_review_helpers import PASSWORD, cli, copy_template, real_scanner, write_doc
from tests.app.test_stats import check_pdf_a4_embedded
from tests.people import ADMIN, ADMIN_PASSWORD


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])


def test_consultation_session(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    unit = copy_template(tmp_path_factory, tmp_path / "unit")
    police = tmp_path / "police"
    run = lambda home, *a, pw=None: cli(monkeypatch, home, *a, password=pw)  # noqa: E731

    # the consulted unit's workstation: its 保密管理员; both units exchange and register identities
    assert run(police, "users", "add", "bm_zhou", "--role", "secrecy_admin", "--unit", "市公安局", pw=PASSWORD) == 0
    assert run(police, "peers", "export", "-o", str(tmp_path / "police.id"), "--by", "bm_zhou", pw=PASSWORD) == 0
    assert run(unit, "peers", "export", "-o", str(tmp_path / "unit.id"), "--by", ADMIN, pw=ADMIN_PASSWORD) == 0
    assert run(unit, "peers", "add", str(tmp_path / "police.id"), "--by", ADMIN, pw=ADMIN_PASSWORD) == 0
    assert run(police, "peers", "add", str(tmp_path / "unit.id"), "--by", "bm_zhou", pw=PASSWORD) == 0
    capsys.readouterr()

    doc = write_doc(tmp_path, "联合检查通报.txt", "关于联合执法检查的情况通报。\n")
    assert run(unit, "review", "open", str(doc), "--title", "联合检查通报", "--unit", "市统计局") == 0
    rid = capsys.readouterr().out.strip().splitlines()[0]
    letter = tmp_path / "征求意见函.mishen"
    assert run(unit, "review", "consult", rid, "--to", "市卫健委", "-o", str(letter), pw=ADMIN_PASSWORD) == 1
    assert "不是已登记的外单位" in capsys.readouterr().err and not letter.exists()
    paper = tmp_path / "征求意见函.pdf"
    assert run(unit, "review", "consult", rid, "--to", "市公安局", "-o", str(letter), "--by", ADMIN,
               "--print", str(paper), pw=ADMIN_PASSWORD) == 0
    said = capsys.readouterr().out
    assert "答复期限" in said and "5 个工作日" in said and "纸面征求意见函" in said
    text = check_pdf_a4_embedded(paper).replace("\r", "").replace("\n", "")
    assert "征求意见的函" in text and "市公安局" in text and "视为同意公开" in text and "secret" not in text
    assert run(unit, "review", "sign", rid, "--level", "1", "--user", "xiao_li", "--decision", "approve",
               pw=PASSWORD) == 1
    assert "正在征求市公安局" in capsys.readouterr().err
    assert run(unit, "review", "consultations", rid, "--format", "json") == 0
    (item,) = json.loads(capsys.readouterr().out)["consultations"]
    assert item["status"] == "open" and item["to_unit"] == "市公安局"

    # 市公安局 reads the letter (signature and sender checked), keeps the document, and answers
    saved = tmp_path / "收到的文稿.txt"
    assert run(police, "review", "consult-read", str(letter), "--save-document", str(saved)) == 0
    text = capsys.readouterr().out
    assert "来自市统计局" in text and "联合检查通报" in text and "前答复" in text
    assert saved.read_bytes() == doc.read_bytes()
    reply = tmp_path / "答复意见.mishen"
    assert run(police, "review", "consult-reply", str(letter), "--decision", "同意公开", "--opinion", "同意公开",
               "-o", str(reply), "--by", "bm_zhou", pw=PASSWORD) == 0
    assert run(police, "review", "consult-reply", str(letter), "--decision", "agree", "-o", str(tmp_path / "again"),
               pw=PASSWORD) == 1
    assert "已答复过" in capsys.readouterr().err
    assert run(police, "review", "consultations") == 0
    assert "已答复市统计局的征求意见" in capsys.readouterr().out

    # back home: the reply is recorded, and level 1 signs
    assert run(unit, "review", "consult-import", str(letter)) == 1
    assert "不是密审答复意见" in capsys.readouterr().err
    assert run(unit, "review", "consult-import", str(reply)) == 0
    assert "已答复：同意公开" in capsys.readouterr().out
    assert run(unit, "review", "show", rid) == 0
    assert "征求意见" in capsys.readouterr().out
    assert run(unit, "review", "sign", rid, "--level", "1", "--user", "xiao_li", "--decision", "approve",
               pw=PASSWORD) == 0
    assert run(unit, "ledger", "verify") == 0
    assert run(police, "ledger", "verify") == 0
    assert verify_ledger(ledger_path(unit)).ok
