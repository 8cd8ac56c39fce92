"""The scripted session through the command line: level 1 → 4 across two data directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import scanning
from tests.app.test_review_helpers import PASSWORD, cli, copy_template, real_scanner, write_doc
from tests.people import ADMIN, ADMIN_PASSWORD


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])  # the real engine, shared with the other tests


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def show(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path, rid: str) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "show", rid, "--format", "json") == 0
    return json.loads(out(capsys))  # type: ignore[no-any-return]


def test_level_one_to_four_across_two_workstations(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    unit = copy_template(tmp_path_factory, tmp_path / "unit")
    office = tmp_path / "office"
    doc = write_doc(tmp_path, "通报.txt", "关于某地突发事件的情况通报 [[block]]\n")
    run = lambda home, *a, pw=None: cli(monkeypatch, home, *a, password=pw)  # noqa: E731

    assert run(unit, "review", "open", str(doc), "--title", "情况通报", "--unit", "市应急局", "--class", "特级") == 0
    rid = out(capsys).strip().splitlines()[0]
    data = show(monkeypatch, capsys, unit, rid)
    assert data["version"]["info_class"] == "critical" and data["version"]["class_overridden"]
    assert [(f["category"], f["severity"]) for f in data["findings"]] == [("secret_mark", "block")]
    assert data["version"]["lexicons"]  # pinned by the real engine
    fid = data["findings"][0]["id"]
    assert run(unit, "review", "sign", rid, "--level", "1", "--user", "xiao_li", "--decision", "同意", pw=PASSWORD) == 1
    assert "尚有 1 处禁止发布的内容未处理" in capsys.readouterr().err
    assert run(unit, "review", "waive", rid, "--finding", fid, "--user", "zhang_zy", pw=PASSWORD) == 1
    assert "理由" in capsys.readouterr().err
    assert run(unit, "review", "waive", rid, "--finding", fid, "--user", "zhang_zy", "--reason", "公开文件标题",
               pw=PASSWORD) == 0
    assert run(unit, "review", "sign", rid, "--level", "1", "--user", "xiao_li", "--decision", "approve",
               pw="wrong-password") == 1
    assert "密码错误" in capsys.readouterr().err
    assert run(unit, "review", "sign", rid, "--level", "2", "--user", "wang_fg", "--decision", "approve", pw=PASSWORD) == 1
    assert run(unit, "review", "sign", rid, "--level", "1", "--user", "xiao_li", "--decision", "approve", pw=PASSWORD) == 0
    assert run(unit, "review", "sign", rid, "--level", "2", "--user", "wang_fg", "--decision", "approve", pw=PASSWORD) == 0
    assert run(unit, "review", "sign", rid, "--level", "3", "--user", "zhang_zy", "--decision", "approve",
               "--opinion", "同意，请市政府办公室审核", pw=PASSWORD) == 0
    # both units' 保密管理员 exchange public identities first (fingerprints compared by phone)
    assert run(office, "users", "add", "sec_qian", "--role", "保密管理员", "--unit", "市政府办公室", pw=PASSWORD) == 0
    assert run(office, "users", "add", "city_zhao", "--role", "市政府办公室", "--unit", "市政府办公室", "--by", "sec_qian",
               pw=PASSWORD + "\n" + PASSWORD) == 0
    assert run(unit, "peers", "export", "-o", str(tmp_path / "unit.id"), "--by", ADMIN, pw=ADMIN_PASSWORD) == 0
    assert run(office, "peers", "export", "-o", str(tmp_path / "office.id"), "--by", "sec_qian", pw=PASSWORD) == 0
    assert run(unit, "peers", "add", str(tmp_path / "office.id"), "--by", ADMIN, pw=ADMIN_PASSWORD) == 0
    assert "市政府办公室" in out(capsys)
    assert run(office, "peers", "add", str(tmp_path / "unit.id"), "--by", "sec_qian", pw=PASSWORD) == 0
    pkg = tmp_path / "to-office.mishen"
    assert run(unit, "review", "export-package", rid, "-o", str(pkg), pw=ADMIN_PASSWORD) == 0

    # the city office, on its own workstation
    altered = tmp_path / "altered.mishen"
    raw = bytearray(pkg.read_bytes())
    at = raw.index(b"\xe6\x83\x85")  # a byte inside "情况通报"
    raw[at + 2] ^= 0x01
    altered.write_bytes(bytes(raw))
    before = verify_ledger(ledger_path(office)).entries
    assert run(office, "review", "import-package", str(altered)) == 1
    assert "审核包无效" in capsys.readouterr().err
    assert verify_ledger(ledger_path(office)).entries == before
    assert run(office, "review", "import-package", str(pkg)) == 0
    assert show(monkeypatch, capsys, office, rid)["next_level"] == 4
    assert run(office, "review", "sign", rid, "--level", "4", "--user", "city_zhao", "--decision", "approve",
               "--opinion", "同意发布", pw=PASSWORD) == 0
    back = tmp_path / "back.mishen"
    assert run(office, "review", "export-package", rid, "-o", str(back), pw=PASSWORD) == 0

    # back home
    assert run(unit, "review", "import-package", str(back)) == 0
    assert "1 条" in out(capsys)
    data = show(monkeypatch, capsys, unit, rid)
    assert data["status"] == "approved" and [s["level"] for s in data["signoffs"]] == [1, 2, 3, 4]
    assert data["signoffs"][-1]["signer"] == "city_zhao"
    assert data["signoffs"][-1]["signer_display"] == "city_zhao（市政府办公室，外单位）"
    assert run(unit, "review", "import-package", str(back)) == 0  # idempotent
    assert "没有新的" in out(capsys)

    sheet = tmp_path / "审查单.pdf"
    assert run(unit, "review", "sheet", rid, "-o", str(sheet)) == 0
    assert run(unit, "review", "sheet", rid, "-o", str(tmp_path / "审查单.docx")) == 0
    for fmt in ("xlsx", "csv", "pdf", "docx"):
        assert run(unit, "ledger", "export", "--format", fmt, "--levels", "3,4", "-o", str(tmp_path / f"台帐.{fmt}")) == 0
    assert "2 条" in out(capsys)
    cp = tmp_path / "checkpoint.json"
    assert run(unit, "ledger", "checkpoint", "-o", str(cp)) == 0
    assert run(unit, "ledger", "verify", "--checkpoint", str(cp)) == 0
    assert run(office, "ledger", "verify") == 0
    assert run(unit, "ledger", "backup", str(tmp_path / "backup.sqlite3")) == 0
    assert verify_ledger(tmp_path / "backup.sqlite3").ok


def test_package_from_unknown_signer_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from app.review.package import read_package

    home = tmp_path / "a"
    assert cli(monkeypatch, home, "users", "add", "sec", "--role", "secrecy_admin", "--unit", "甲局", password=PASSWORD) == 0
    assert cli(monkeypatch, home, "users", "add", "li", "--role", "officer", "--by", "sec",
               password=PASSWORD + "\n" + PASSWORD) == 0
    doc = write_doc(tmp_path, "x.txt", "一般信息\n")
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "open", str(doc)) == 0
    rid = capsys.readouterr().out.strip().splitlines()[0]
    assert cli(monkeypatch, home, "review", "sign", rid, "--level", "1", "--user", "li", "--decision", "approve",
               password=PASSWORD) == 0
    pkg = tmp_path / "p.mishen"
    assert cli(monkeypatch, home, "review", "export-package", rid, "-o", str(pkg), password=PASSWORD) == 0
    package = json.loads(pkg.read_text(encoding="utf-8"))
    package["body"]["user_events"] = []
    pkg.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception, match="审核包无效"):
        read_package(pkg)
    with Ledger.open(home) as ledger:
        assert ledger.head().seq > 1


def test_cli_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "h"
    assert cli(monkeypatch, home, "users", "add", "li", "--role", "officer", password="short") == 1
    assert cli(monkeypatch, home, "users", "add", "li", "--role", "nobody", password=PASSWORD) == 1
    assert cli(monkeypatch, home, "review", "open", str(tmp_path / "missing.docx")) == 1
    assert cli(monkeypatch, home, "review", "open", str(write_doc(tmp_path, "y.txt", "x\n")), "--disclosure",
               "不予公开") == 1
    err = capsys.readouterr().err
    assert "密码至少" in err and "未知角色" in err and "无法读取文稿" in err and "理由" in err
    assert verify_ledger(ledger_path(home)).entries == 1


def test_main_entry_point_registers_review_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    assert main(["--data-dir", str(tmp_path), "ledger", "verify"]) == 2
    Ledger.open(tmp_path).close()
    assert main(["--data-dir", str(tmp_path), "ledger", "verify"]) == 0
    assert "台帐完好" in capsys.readouterr().out
