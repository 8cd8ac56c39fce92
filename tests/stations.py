"""A workstation's data directory that trusts a secrecy bureau's pack-signing key: where the
lexicon-pack tests (core and window) start."""

from __future__ import annotations

from pathlib import Path

from tests.people import ADMIN, ADMIN_PASSWORD

KEY_PASSWORD = "bureau-key-pass-1"


def bureau_station(tmp_path: Path) -> tuple[Path, Path]:
    """(data directory with its 保密管理员 trusting the key, the bureau's private key file); the key
    is generated here. Set MISHEN_TEST_FAST_KDF first."""
    from app.ledger import Ledger
    from app.packs.service import admin_signer, trust_key
    from app.packs.signing import keygen, read_public_key
    from tests.people import add_people

    home = tmp_path / "station"
    key, pub, _ = keygen(tmp_path / "bureau.key", KEY_PASSWORD)
    with Ledger.open(home) as ledger:
        add_people(ledger, {}, "")
        trust_key(ledger, read_public_key(pub)[0], "市保密局", admin_signer(ledger, ADMIN, ADMIN_PASSWORD, "信任"))
    return home, key
