"""`mishen peers export/add/list` through the command line, on real data directories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.ledger.schema import SCHEMA_VERSION
from app.peers import list_peers
from tests.app.test_review_helpers import PASSWORD, cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def unit(monkeypatch: pytest.MonkeyPatch, home: Path, name: str) -> Path:
    assert cli(monkeypatch, home, "users", "add", "admin", "--role", "保密管理员", "--unit", name, password=PASSWORD) == 0
    return home


def test_export_add_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    a = unit(monkeypatch, tmp_path / "a", "市应急局")
    b = unit(monkeypatch, tmp_path / "b", "市政府办公室")
    assert cli(monkeypatch, a, "users", "add", "li", "--role", "officer", "--unit", "市应急局", "--by", "admin",
               password=PASSWORD + "\n" + PASSWORD) == 0
    capsys.readouterr()
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "a.id"), "--by", "li", password=PASSWORD) == 1
    assert "只有保密管理员" in capsys.readouterr().err
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "a.id"), password="wrong-password") == 1
    assert not (tmp_path / "a.id").exists()
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "a.id"), password=PASSWORD) == 0
    printed = capsys.readouterr().out
    ident = json.loads((tmp_path / "a.id").read_text(encoding="utf-8"))
    fp = ident["fingerprint"]
    assert fp in printed and len(fp.split()) == 8 and ident["identity"]["unit_name"] == "市应急局"
    # later exports need no password: the public identity is in the ledger
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "a2.id")) == 0
    assert json.loads((tmp_path / "a2.id").read_text(encoding="utf-8")) == ident

    # registering at b: fingerprint shown; a wrong one (as read out by phone) refuses
    capsys.readouterr()
    assert cli(monkeypatch, b, "peers", "add", str(tmp_path / "a.id"), "--fingerprint", "0000 1111",
               password=PASSWORD) == 1
    captured = capsys.readouterr()
    assert fp in captured.out and "指纹与核对结果不符" in captured.err
    assert cli(monkeypatch, b, "peers", "add", str(tmp_path / "a.id"), "--fingerprint", fp.lower().replace(" ", ""),
               password=PASSWORD) == 0
    assert "已登记外单位“市应急局”" in capsys.readouterr().out
    assert cli(monkeypatch, b, "peers", "add", str(tmp_path / "a.id"), password=PASSWORD) == 1
    assert "已于第" in capsys.readouterr().err
    assert cli(monkeypatch, b, "peers", "list", "--format", "json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["unit_name"], p["fingerprint"], p["added_by"]) for p in listed["peers"]] == [("市应急局", fp, "admin")]
    assert listed["unit"] is None  # b never exported its own identity
    assert cli(monkeypatch, b, "peers", "list") == 0
    assert fp in capsys.readouterr().out
    # a cannot register itself
    assert cli(monkeypatch, a, "peers", "add", str(tmp_path / "a.id"), password=PASSWORD) == 1
    assert "本机自己的单位身份" in capsys.readouterr().err
    for home in (a, b):
        assert verify_ledger(ledger_path(home)).ok


def test_tampered_identity_file_and_non_admin_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    a = unit(monkeypatch, tmp_path / "a", "市应急局")
    b = unit(monkeypatch, tmp_path / "b", "市政府办公室")
    assert cli(monkeypatch, b, "users", "add", "clerk", "--role", "officer", "--by", "admin",
               password=PASSWORD + "\n" + PASSWORD) == 0
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "a.id"), password=PASSWORD) == 0
    ident = json.loads((tmp_path / "a.id").read_text(encoding="utf-8"))
    ident["identity"]["unit_name"] = "市委办公室"
    (tmp_path / "bad.id").write_text(json.dumps(ident, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert cli(monkeypatch, b, "peers", "add", str(tmp_path / "bad.id"), "--by", "admin", password=PASSWORD) == 1
    assert "签名无效" in capsys.readouterr().err
    (tmp_path / "deep.id").write_text("[" * 30_000, encoding="utf-8")
    assert cli(monkeypatch, b, "peers", "add", str(tmp_path / "deep.id"), password=PASSWORD) == 1
    assert "格式错误" in capsys.readouterr().err
    assert cli(monkeypatch, b, "peers", "add", str(tmp_path / "a.id"), "--by", "clerk", password=PASSWORD) == 1
    assert "只有保密管理员" in capsys.readouterr().err
    with Ledger.open(b) as ledger:
        assert list_peers(ledger) == []


def test_migrated_v1_ledger_gets_a_unit_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = REPO / "tests" / "data" / "ledgers" / "ledger-v1.sqlite3"
    if not src.exists():
        pytest.skip("committed v1 ledger absent")
    home = tmp_path / "old"
    home.mkdir()
    shutil.copy(src, home / "ledger.sqlite3")
    with Ledger.open(home) as ledger:
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert ledger.conn.execute("SELECT count(*) FROM unit_keys").fetchone()[0] == 0
    assert list(home.glob("ledger.sqlite3.v1-*.bak"))
    unit(monkeypatch, home, "市应急局")
    assert cli(monkeypatch, home, "peers", "export", "-o", str(tmp_path / "old.id"), password=PASSWORD) == 0
    assert verify_ledger(ledger_path(home)).ok


def test_second_admin_uses_the_unit_key_only_after_it_is_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    a = unit(monkeypatch, tmp_path / "a", "市应急局")
    assert cli(monkeypatch, a, "users", "add", "admin2", "--role", "secrecy_admin", "--unit", "市应急局", "--by", "admin",
               password=PASSWORD + "\n" + PASSWORD) == 0
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "a.id"), "--by", "admin", password=PASSWORD) == 0
    capsys.readouterr()
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "b.id"), "--by", "admin2", password=PASSWORD) == 1
    assert "由保密管理员admin保管" in capsys.readouterr().err
    assert cli(monkeypatch, a, "peers", "share", "admin2", "--by", "admin", password=PASSWORD + "\n" + PASSWORD) == 0
    assert cli(monkeypatch, a, "peers", "export", "-o", str(tmp_path / "b.id"), "--by", "admin2", password=PASSWORD) == 0
    assert (tmp_path / "a.id").read_bytes() == (tmp_path / "b.id").read_bytes()
    assert verify_ledger(ledger_path(a)).ok
    # the record of sharing is the holder's: one minted with the workstation key does not verify
    with Ledger.open(a) as ledger, ledger.transaction() as tx:
        seq = tx.append("unit_key_shared", {"admin": "admin2", "public_key": "00"}, ledger.workstation_signer()).seq
    result = verify_ledger(ledger_path(a))
    assert not result.ok and result.first_bad == seq
