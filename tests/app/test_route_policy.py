"""Issue 7: the workstation key lies in plain form in the data directory and signs `review_opened`,
which embeds the whole route. An insider could mint a review of a 特级 document under a one-level
route and approve it alone; `ledger verify` now accepts only built-in routes or custom routes a
保密管理员 registered earlier (`route_registered`), and `review open` refuses unregistered ones."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.errors import UsageError
from app.ledger import Ledger, ledger_path, verify_ledger
from app.ledger.crypto import KeySigner, private_key_from_raw
from app.ledger.model import WORKSTATION
from app.review import Decision, InfoClass, load_review, open_review, review_state, sign_review
from app.review import service as review_service
from app.review.model import Status
from app.review.route_registry import register_route
from app.review.routes import FOUR_LEVEL
from app.users import unlock
from tests.app.test_review_helpers import PASSWORD, copy_template, real_scanner, write_doc
from tests.people import ADMIN, ADMIN_PASSWORD

LAX = {"name": "lax", "title": "一级即可",
       "levels": [{"number": 1, "name": "一级审核", "roles": ["officer"], "required_when": ["always"]}]}


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def _home(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_template(tmp_path_factory, tmp_path / "home")


def _custom(home: Path, data: dict[str, object]) -> None:
    (home / "routes").mkdir(exist_ok=True)
    (home / "routes" / f"{data['name']}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_forged_lax_route_with_the_plain_workstation_key_fails_verify(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _home(tmp_path_factory, tmp_path)
    doc = write_doc(tmp_path, "secret.txt", "关于某重大项目的特级信息\n")
    # the insider reads the workstation key straight out of the data directory's SQLite file
    with sqlite3.connect(ledger_path(home)) as conn:
        raw = conn.execute("SELECT value FROM meta WHERE key = 'workstation_key'").fetchone()[0]
    stolen = KeySigner(WORKSTATION, private_key_from_raw(bytes.fromhex(raw)))
    _custom(home, LAX)
    # ... and runs a copy of the program without the open-time check, signing with the stolen key
    monkeypatch.setattr(review_service, "require_registered", lambda ledger, route: None)
    with Ledger.open(home) as ledger:
        r = open_review(ledger, doc, title="特级", info_class=InfoClass.CRITICAL, route="lax", scanner=real_scanner,
                        by=stolen)
        sign_review(ledger, r.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        assert review_state(load_review(ledger, r.id)).status is Status.APPROVED     # the hole: 特级 approved by one officer
        opened = ledger.events(kinds=("review_opened",), review_id=r.id)[0]
    result = verify_ledger(ledger_path(home))
    assert not result.ok
    problem = result.problems[0]
    assert problem.code == "unregistered_route"
    assert problem.seq == opened.seq
    assert f"第 {opened.seq} 条" in problem.message and "lax" in problem.message


def test_builtin_routes_pass(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    home = _home(tmp_path_factory, tmp_path)
    doc = write_doc(tmp_path, "a.txt", "关于召开全市经济工作会议的通知\n")
    with Ledger.open(home) as ledger:
        a = open_review(ledger, doc, scanner=real_scanner)
        open_review(ledger, doc, route="三审三校", scanner=real_scanner)
        sign_review(ledger, a.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
    result = verify_ledger(ledger_path(home))
    assert result.ok, result.problems


def test_registered_custom_route_passes_and_unregistered_is_refused_at_open(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    home = _home(tmp_path_factory, tmp_path)
    doc = write_doc(tmp_path, "a.txt", "关于召开全市经济工作会议的通知\n")
    own = dict(FOUR_LEVEL, name="本单位流程", title="本单位流程")
    _custom(home, own)
    with Ledger.open(home) as ledger:
        with pytest.raises(UsageError) as err:
            open_review(ledger, doc, route="本单位流程", scanner=real_scanner)
        assert err.value.code == "unregistered_route"
        assert "保密管理员" in str(err.value) and "route-register" in str(err.value)
        with pytest.raises(Exception, match="只有保密管理员"):
            register_route(ledger, "本单位流程", unlock(ledger, "xiao_li", PASSWORD))
        register_route(ledger, "本单位流程", unlock(ledger, ADMIN, ADMIN_PASSWORD))
        r = open_review(ledger, doc, route="本单位流程", scanner=real_scanner)
        sign_review(ledger, r.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
    assert verify_ledger(ledger_path(home)).ok
    # the file changed after registration: refused again until re-registered
    _custom(home, dict(LAX, name="本单位流程"))
    with Ledger.open(home) as ledger, pytest.raises(UsageError) as err:
        open_review(ledger, doc, route="本单位流程", scanner=real_scanner)
    assert err.value.code == "unregistered_route"


def test_ledgers_from_before_the_route_rule_get_a_note() -> None:
    """The pure rule: a policy-2 ledger's review under an unregistered route is a note; policy 3 a failure."""
    from app.ledger.model import LedgerEvent
    from app.ledger.policy import PolicyState, check_policy

    def opened(state: PolicyState) -> object:
        created = LedgerEvent(1, "2026-01-01T00:00:00+08:00", WORKSTATION, "ledger_created",
                              json.dumps({"policy": state.version}), "0" * 64, "0" * 64, "")
        assert check_policy(created, state) is None
        ev = LedgerEvent(2, "2026-01-01T00:00:00+08:00", WORKSTATION, "review_opened",
                         json.dumps({"review_id": "R1", "route": LAX}), "0" * 64, "0" * 64, "")
        return check_policy(ev, state)

    old = PolicyState(version=2)
    assert opened(old) is None and old.notes and "未经保密管理员登记" in old.notes[0]
    issue = opened(PolicyState(version=3))
    assert issue is not None and getattr(issue, "code", "") == "unregistered_route"
