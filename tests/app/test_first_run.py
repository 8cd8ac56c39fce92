"""First run on the command line: with no users the only user that can be added is the
保密管理员; every other user afterwards is added `--by` a 保密管理员, co-signed in the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from tests.app.test_review_helpers import cli

PW = "first-run-pass"
ADMIN_PW = "admin-run-pass"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def test_first_user_must_be_the_admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "new-unit"
    for role in ("principal", "主要负责人", "officer", "auditor", "city_office"):
        assert cli(monkeypatch, home, "users", "add", "赵主要", "--role", role, password=PW) == 1
        assert "第一个用户必须是保密管理员" in capsys.readouterr().err
    with Ledger.open(home) as ledger:
        assert ledger.head().seq == 1 and not ledger.conn.execute("SELECT * FROM users").fetchall()

    assert cli(monkeypatch, home, "users", "add", "孙保密", "--role", "保密管理员", password=ADMIN_PW) == 0
    # afterwards: not without --by, not by a wrong password, not by a non-admin
    assert cli(monkeypatch, home, "users", "add", "赵主要", "--role", "principal", password=PW) == 1
    assert "须由保密管理员办理" in capsys.readouterr().err
    assert cli(monkeypatch, home, "users", "add", "赵主要", "--role", "principal", "--by", "孙保密",
               password=f"{PW}\nnot-the-admin-pass") == 1
    assert "用户名或密码错误" in capsys.readouterr().err
    assert cli(monkeypatch, home, "users", "add", "李信息", "--role", "officer", "--by", "孙保密",
               password=f"{PW}\n{ADMIN_PW}") == 0
    assert cli(monkeypatch, home, "users", "add", "赵主要", "--role", "principal", "--by", "李信息",
               password=f"{PW}\n{PW}") == 1
    assert "只有保密管理员可以添加用户" in capsys.readouterr().err
    # a second 保密管理员 is added like everybody else: by the first one
    assert cli(monkeypatch, home, "users", "add", "钱保密", "--role", "secrecy_admin", password=PW) == 1
    assert cli(monkeypatch, home, "users", "add", "钱保密", "--role", "secrecy_admin", "--by", "孙保密",
               password=f"{PW}\n{ADMIN_PW}") == 0
    assert cli(monkeypatch, home, "users", "add", "赵主要", "--role", "principal", "--by", "钱保密",
               password=f"{PW}\n{PW}") == 0
    with Ledger.open(home) as ledger:
        approved = [(e.actor, e.payload["name"]) for e in ledger.events(kinds=("user_approved",))]
    assert approved == [("孙保密", "李信息"), ("孙保密", "钱保密"), ("钱保密", "赵主要")]
    result = verify_ledger(ledger_path(home))
    assert result.ok and not result.notes
