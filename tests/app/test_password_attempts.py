"""Password attempts: recorded in the ledger (who, when, what for; never the password), throttled
after 5 failures in a row, locked after 10 until a 保密管理员 unlocks; one message whether the
name is unknown or the password wrong. The throttle is a pure policy over the failure count and
the recorded times, so the tests pass a clock instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.errors import MishenError
from app.ledger import Ledger, ledger_path, verify_ledger
from app.users import lift_lockout, unlock
from app.users.attempts import (
    BAD_CREDENTIALS,
    FREE_ATTEMPTS,
    LOCKOUT_AT,
    MAX_DELAY,
    AttemptState,
    delay_after,
    is_locked,
)
from tests.app.test_review_helpers import PASSWORD, cli, copy_template
from tests.people import ADMIN, ADMIN_PASSWORD


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_template(tmp_path_factory, tmp_path / "home")


def later() -> datetime:
    """A clock far enough ahead that no delay is still running (the lockout is a count, not a time)."""
    return datetime.now().astimezone() + timedelta(days=1)


def fail(ledger: Ledger, name: str, password: str = "wrong-password", **kw: object) -> MishenError:
    with pytest.raises(MishenError) as info:
        unlock(ledger, name, password, clock=later, **kw)  # type: ignore[arg-type]
    return info.value


def test_delay_policy() -> None:
    assert [delay_after(n) for n in range(FREE_ATTEMPTS)] == [0.0] * FREE_ATTEMPTS
    grown = [delay_after(n) for n in range(FREE_ATTEMPTS, LOCKOUT_AT)]
    assert grown == sorted(grown) and grown[0] > 0 and len(set(grown)) == len(grown)   # grows with every failure
    assert delay_after(1000) == MAX_DELAY
    assert not is_locked(LOCKOUT_AT - 1) and is_locked(LOCKOUT_AT)
    now = datetime.now().astimezone()
    state = AttemptState("x", FREE_ATTEMPTS + 1, now)
    assert state.wait_seconds(now) == delay_after(FREE_ATTEMPTS + 1)
    assert state.wait_seconds(now + timedelta(seconds=delay_after(FREE_ATTEMPTS + 1))) == 0.0
    assert AttemptState("x", 3, now).wait_seconds(now) == 0.0


def test_unknown_user_and_wrong_password_give_the_same_message(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger.open(home) as ledger:
        unknown, wrong = fail(ledger, "no_such_person"), fail(ledger, "xiao_li")
    assert unknown.message == wrong.message == BAD_CREDENTIALS and unknown.code == wrong.code
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "sign", "x", "--level", "1", "--user", "nobody_at_all", "--decision",
               "approve", password=PASSWORD) == 1
    first = capsys.readouterr().err
    assert cli(monkeypatch, home, "review", "sign", "x", "--level", "1", "--user", "wang_fg", "--decision",
               "approve", password="wrong-password") == 1
    assert capsys.readouterr().err == first and "用户名或密码错误" in first


def test_eleven_wrong_passwords_lock_the_user_until_the_admin_unlocks(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger.open(home) as ledger:
        before = ledger.head().seq
        codes = [fail(ledger, "zhang_zy", attempt="签署审核单 R1 第 3 级").code for _ in range(LOCKOUT_AT)]
        assert codes == ["wrong_password"] * LOCKOUT_AT
        eleventh = fail(ledger, "zhang_zy")
        assert eleventh.code == "locked" and "保密管理员" in eleventh.message
        right = fail(ledger, "zhang_zy", PASSWORD)   # even the right password is refused while locked
        assert right.code == "locked"
        recorded = ledger.events(kinds=("login_failed",), after=before)
        assert len(recorded) == LOCKOUT_AT == ledger.head().seq - before   # locked attempts are not counted
        assert [e.payload["failures"] for e in recorded] == list(range(1, LOCKOUT_AT + 1))
        assert all(e.payload["name"] == "zhang_zy" and e.payload["attempt"] == "签署审核单 R1 第 3 级"
                   and e.time for e in recorded)
        assert not any(PASSWORD in e.payload_text or "wrong-password" in e.payload_text for e in recorded)
        # a non-admin cannot lift it
        with pytest.raises(MishenError) as not_admin:
            lift_lockout(ledger, "zhang_zy", unlock(ledger, "xiao_li", PASSWORD))
        assert not_admin.value.code == "not_allowed"
    capsys.readouterr()
    assert cli(monkeypatch, home, "users", "unlock", "zhang_zy", "--by", ADMIN, password=ADMIN_PASSWORD) == 0
    assert "已解锁用户 zhang_zy" in capsys.readouterr().out
    with Ledger.open(home) as ledger:
        unlocked = ledger.events(kinds=("user_unlocked",))[-1]
        assert unlocked.actor == ADMIN and unlocked.payload == {"name": "zhang_zy", "failures": LOCKOUT_AT}
        user, signer = unlock(ledger, "zhang_zy", PASSWORD)
        assert signer.public_key == user.public_key
    assert verify_ledger(ledger_path(home)).ok


def test_growing_delay_after_five_failures(home: Path) -> None:
    with Ledger.open(home) as ledger:
        for _ in range(FREE_ATTEMPTS):
            assert fail(ledger, "wang_fg").code == "wrong_password"
        now = lambda: datetime.now().astimezone()  # noqa: E731 - the real clock: the delay is running
        with pytest.raises(MishenError) as info:
            unlock(ledger, "wang_fg", PASSWORD, clock=now)
        assert info.value.code == "throttled" and "秒后再试" in info.value.message
        count = len(ledger.events(kinds=("login_failed",)))
        assert count == FREE_ATTEMPTS          # a throttled attempt is refused before the password is looked at
        # after the delay the right password works, and that success ends the run of failures
        user, _signer = unlock(ledger, "wang_fg", PASSWORD, clock=later)
        assert ledger.events(kinds=("login_succeeded",))[-1].payload["name"] == user.name
        assert fail(ledger, "wang_fg").code == "wrong_password"
        with pytest.raises(MishenError):
            unlock(ledger, "wang_fg", "wrong-again", clock=now)
        assert ledger.events(kinds=("login_failed",))[-1].payload["failures"] == 2


def test_the_throttle_is_shared_by_separate_processes(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Each CLI run is a new process: the count lives in the ledger, not in memory."""
    for _ in range(FREE_ATTEMPTS):
        assert cli(monkeypatch, home, "review", "dismiss", "x", "--finding", "F1", "--user", "xiao_li",
                   "--reason", "r", password="wrong-password") == 1
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "dismiss", "x", "--finding", "F1", "--user", "xiao_li",
               "--reason", "r", password=PASSWORD) == 1
    assert "秒后再试" in capsys.readouterr().err


def test_users_list_shows_locked_and_revoked(home: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from app.users import revoke_user

    with Ledger.open(home) as ledger:
        for _ in range(LOCKOUT_AT):
            fail(ledger, "zhang_zy")
        revoke_user(ledger, "wang_fg", unlock(ledger, ADMIN, ADMIN_PASSWORD))
    capsys.readouterr()
    assert cli(monkeypatch, home, "users", "list") == 0
    lines = {line.split("\t")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["zhang_zy"].endswith("已锁定") and lines["wang_fg"].endswith("已停用")
    assert not lines["xiao_li"].endswith(("已锁定", "已停用"))
