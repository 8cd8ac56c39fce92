"""Who may add users, through the real ledger and the CLI."""

from __future__ import annotations

import pytest

from app.errors import MishenError
from app.ledger import Ledger, verify_ledger
from app.users import Role, add_user, get_user, may_add_user, unlock
from tests.app.test_review_helpers import PASSWORD, cli


def test_first_run_only_the_admin_can_be_added(tmp_path):
    with Ledger.open(tmp_path) as ledger:
        for role in Role:
            if role is not Role.SECRECY_ADMIN:
                with pytest.raises(MishenError) as refused:
                    add_user(ledger, "zhang_zy", role, PASSWORD)
                assert refused.value.code == "not_allowed" and "第一个用户必须是保密管理员" in refused.value.message
        assert ledger.head().seq == 1  # nothing written
        assert may_add_user([], None, Role.PRINCIPAL)[0] is False
        assert may_add_user([], None, Role.SECRECY_ADMIN) == (True, "")
        add_user(ledger, "bm_chen", Role.SECRECY_ADMIN, PASSWORD)
        assert may_add_user([get_user(ledger, "bm_chen")], None, Role.OFFICER)[0] is False


def test_once_an_admin_exists_only_an_admin_adds_users_and_co_signs(tmp_path, monkeypatch):
    with Ledger.open(tmp_path) as ledger:
        admin = add_user(ledger, "bm_chen", Role.SECRECY_ADMIN, PASSWORD)
        add_user(ledger, "xiao_li", Role.OFFICER, PASSWORD, added_by=unlock(ledger, "bm_chen", PASSWORD))
        with pytest.raises(MishenError) as nobody:
            add_user(ledger, "zhang_zy", Role.PRINCIPAL, PASSWORD)
        assert nobody.value.code == "not_allowed" and "保密管理员" in nobody.value.message
        officer = unlock(ledger, "xiao_li", PASSWORD)
        with pytest.raises(MishenError) as not_admin:
            add_user(ledger, "zhang_zy", Role.PRINCIPAL, PASSWORD, added_by=officer)
        assert not_admin.value.code == "not_allowed"
        assert get_user(ledger, "zhang_zy") is None  # nothing written
        add_user(ledger, "zhang_zy", Role.PRINCIPAL, PASSWORD, added_by=unlock(ledger, "bm_chen", PASSWORD))
        approved = ledger.events(kinds=("user_approved",))
        assert [(e.actor, e.payload["name"]) for e in approved] == [(admin.name, "xiao_li"), (admin.name, "zhang_zy")]
        added = ledger.events(kinds=("user_added",))[-1]
        assert added.actor == "zhang_zy" and added.payload["added_by"] == "bm_chen"
    assert verify_ledger(tmp_path / "ledger.sqlite3").ok
    # the CLI: the new user's password on the first line, the admin's on the second
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(f"{PASSWORD}\n{PASSWORD}\n"))
    from app import cli_review

    assert cli_review.main(["--data-dir", str(tmp_path), "users", "add", "li_sj", "--role", "审计员", "--by", "bm_chen",
                            "--password-stdin"]) == 0
    assert cli(monkeypatch, tmp_path, "users", "add", "zhao", "--role", "officer", password=PASSWORD) == 1
