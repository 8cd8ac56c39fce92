"""`--password-stdin` is read as UTF-8 whatever the console code page says (GBK on Chinese Windows)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ledger import Ledger
from app.users.service import unlock

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "保密审查口令2026甲"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_chinese_password_on_stdin_under_gbk_console(tmp_path: Path, bom: bytes) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUTF8", "PYTHONPATH")}
    env.update(PYTHONIOENCODING="gbk", PYTHONUTF8="0", MISHEN_HOME=str(home), MISHEN_TEST_FAST_KDF="1",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "app", "users", "add", "sec", "--role", "secrecy_admin",
                           "--unit", "甲局", "--password-stdin"],
                          input=bom + PASSWORD.encode("utf-8") + b"\r\n", env=env, cwd=tmp_path,
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    with Ledger.open(home) as ledger:
        user, _ = unlock(ledger, "sec", PASSWORD)  # the password as typed, not its GBK misreading
    assert user.name == "sec"
