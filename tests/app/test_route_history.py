"""Built-in routes change between releases; reviews opened under an older one must still verify.
Every built-in route this version embeds is in the list of shipped routes, and a ledger whose
review was opened under a route only that list knows verifies (without it, it would not)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, policy, verify_ledger
from app.ledger.policy import SHIPPED_BUILTIN_ROUTES, builtin_routes, canonical_route, route_digest
from app.review import open_review, scanning
from tests.app.test_review_helpers import real_scanner, write_doc


def test_every_current_builtin_route_is_listed_as_shipped() -> None:
    missing = [json.loads(c)["name"] for c in builtin_routes() if route_digest(c) not in SHIPPED_BUILTIN_ROUTES]
    assert not missing, f"add the digests of the changed built-in routes {missing} to SHIPPED_BUILTIN_ROUTES"


def test_a_review_under_an_earlier_releases_route_still_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])
    home = tmp_path / "home"
    with Ledger.open(home) as ledger:
        rid = open_review(ledger, write_doc(tmp_path, "通知.txt", "关于做好信息公开工作的通知。\n"),
                          title="通知", unit="县营商办").id
    assert verify_ledger(ledger_path(home)).ok
    # this release's four-level route, as a later release would see it once it has changed it:
    # no longer current, only in the list of shipped routes
    with sqlite3.connect(ledger_path(home)) as conn:
        payload = json.loads(conn.execute("SELECT payload FROM events WHERE kind = 'review_opened'").fetchone()[0])
    canon = canonical_route(payload["route"])
    assert payload["review_id"] == rid and route_digest(canon) in SHIPPED_BUILTIN_ROUTES
    monkeypatch.setattr(policy, "builtin_routes", lambda: frozenset())
    assert verify_ledger(ledger_path(home)).ok
    monkeypatch.setattr(policy, "SHIPPED_BUILTIN_ROUTES", frozenset())
    result = verify_ledger(ledger_path(home))
    assert not result.ok and any("审核流程" in p.message for p in result.problems), result.problems
