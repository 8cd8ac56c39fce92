"""Review packages between units that registered each other, and the attacks that must fail:
an unregistered workstation, a registered one signing a home-unit level or waiving, a tampered
package, deeply nested JSON, and entries minted with any key found in a copied data directory.
Every unit is a real data directory with its own ledger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.exports.approval_ledger import export_approval_ledger
from app.ledger import Ledger, ledger_path, verify_ledger
from app.ledger.canonical import canonical_bytes
from app.ledger.crypto import KeySigner, new_private_key, public_key_hex
from app.ledger.trust import ROSTER_FORMAT
from app.peers import add_peer, export_identity, read_identity, unlock_unit
from app.review import load_review, open_review, scanning, sign_review, waive_finding
from app.review.model import Decision, InfoClass
from app.review.package import PackageError, export_package, import_package, read_package
from app.review.show import review_json
from app.users import Role, add_user, unlock
from tests.app.test_review_helpers import PASSWORD, cli, real_scanner, write_doc

ADMIN = "sec_admin"


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])


def make_unit(home: Path, unit: str, people: dict[str, Role]) -> Path:
    """A unit's workstation: its 保密管理员 first, then the people, added by the admin."""
    with Ledger.open(home) as ledger:
        add_user(ledger, ADMIN, Role.SECRECY_ADMIN, PASSWORD, unit=unit)
        admin = unlock(ledger, ADMIN, PASSWORD)
        for name, role in people.items():
            add_user(ledger, name, role, PASSWORD, unit=unit, added_by=admin)
        unlock_unit(ledger, ADMIN, PASSWORD)  # creates the unit identity
        export_identity(ledger, home.parent / f"{home.name}.identity")
    return home


def register(home: Path, other: Path) -> None:
    with Ledger.open(home) as ledger:
        add_peer(ledger, read_identity(other.parent / f"{other.name}.identity"), ADMIN, PASSWORD)


def export(home: Path, rid: str, out: Path) -> Path:
    with Ledger.open(home) as ledger:
        return export_package(ledger, rid, out, unlock_unit(ledger, ADMIN, PASSWORD))


def do_import(home: Path, pkg: Path) -> str:
    with Ledger.open(home) as ledger:
        return import_package(ledger, pkg).message


def sign(home: Path, rid: str, level: int, user: str, opinion: str = "同意") -> None:
    with Ledger.open(home) as ledger:
        sign_review(ledger, rid, level=level, user=user, password=PASSWORD, decision=Decision.APPROVE, opinion=opinion)


def open_doc(home: Path, tmp: Path, text: str, info_class: InfoClass) -> str:
    doc = write_doc(tmp, f"{home.name}-doc.txt", text)
    with Ledger.open(home) as ledger:
        return open_review(ledger, doc, title="情况通报", unit="市应急局", info_class=info_class).id


def snapshot(home: Path) -> tuple[int, list[str]]:
    """(ledger entries, every file under the data directory except the ledger's own)."""
    files = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file()
                   and not p.name.startswith("ledger.sqlite3"))
    return verify_ledger(ledger_path(home)).entries, files


@pytest.fixture
def units(tmp_path: Path) -> dict[str, Path]:
    a = make_unit(tmp_path / "unit", "市应急局", {"xiao_li": Role.OFFICER, "wang_fg": Role.DIVISION_LEADER,
                                                   "zhang_zy": Role.PRINCIPAL})
    b = make_unit(tmp_path / "office", "市政府办公室", {"city_zhao": Role.CITY_OFFICE, "zhang_zy": Role.PRINCIPAL})
    register(a, b)
    register(b, a)
    return {"a": a, "b": b}


def test_level_four_round_trip_and_reexport_elsewhere(units: dict[str, Path], tmp_path: Path) -> None:
    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "关于某地突发事件的情况通报 [[block]]\n", InfoClass.CRITICAL)
    with Ledger.open(a) as ledger:
        fid = load_review(ledger, rid).current.findings[0].id
        waive_finding(ledger, rid, finding_id=fid, user="zhang_zy", password=PASSWORD, reason="公开文件标题")
    for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
        sign(a, rid, level, user)
    to_office = export(a, rid, tmp_path / "to-office.mishen")
    assert "市应急局" in do_import(b, to_office)
    sign(b, rid, 4, "city_zhao", "同意发布")
    back = export(b, rid, tmp_path / "back.mishen")
    assert "1 条" in do_import(a, back)
    with Ledger.open(a) as ledger:
        data = review_json(ledger, rid)
    assert data["status"] == "approved"
    names = [(s["level"], s["signer_display"]) for s in data["signoffs"]]
    assert names == [(1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy"), (4, "city_zhao（市政府办公室，外单位）")]
    with Ledger.open(a) as ledger:
        csv_path, _rows = export_approval_ledger(ledger, tmp_path / "台帐.csv", fmt="csv", levels=(3, 4))
    table = Path(csv_path).read_text(encoding="utf-8-sig")
    assert "city_zhao（市政府办公室，外单位）" in table and "zhang_zy（" not in table

    # a legitimate re-export after the merge imports elsewhere: at the office and at a third unit
    again = export(a, rid, tmp_path / "again.mishen")
    assert "没有新的" in do_import(b, again)
    c = make_unit(tmp_path / "bureau", "市保密局", {"auditor_he": Role.AUDITOR})
    register(c, a)
    register(c, b)
    assert "已导入" in do_import(c, again)
    with Ledger.open(c) as ledger:
        shown = review_json(ledger, rid)
    assert [s["signer_display"] for s in shown["signoffs"]][2:] == ["zhang_zy（市应急局，外单位）",
                                                                   "city_zhao（市政府办公室，外单位）"]
    for home in (a, b, c):
        result = verify_ledger(ledger_path(home))
        assert result.ok, (home.name, result.problems)


def test_third_unit_that_registered_only_the_exporter_refuses_unvouched_signers(units: dict[str, Path],
                                                                             tmp_path: Path) -> None:
    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.CRITICAL)
    for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
        sign(a, rid, level, user)
    do_import(b, export(a, rid, tmp_path / "p1.mishen"))
    sign(b, rid, 4, "city_zhao")
    do_import(a, export(b, rid, tmp_path / "p2.mishen"))
    c = make_unit(tmp_path / "bureau", "市保密局", {})
    register(c, a)
    before = snapshot(c)
    with pytest.raises(PackageError, match="未登记的单位"):
        do_import(c, export(a, rid, tmp_path / "p3.mishen"))
    assert snapshot(c) == before


def test_unregistered_workstation_with_a_namesake_principal_is_refused(units: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    a = units["a"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.IMPORTANT)
    sign(a, rid, 1, "xiao_li")
    sign(a, rid, 2, "wang_fg")
    # a workstation the unit never registered; it registered the unit, so it can read the package
    rogue = make_unit(tmp_path / "rogue", "市应急局", {"zhang_zy": Role.PRINCIPAL})
    register(rogue, a)
    do_import(rogue, export(a, rid, tmp_path / "out.mishen"))
    sign(rogue, rid, 3, "zhang_zy", "审核通过，可以发布")
    forged = export(rogue, rid, tmp_path / "forged.mishen")
    before = snapshot(a)
    with pytest.raises(PackageError, match="未登记的工作站") as info:
        do_import(a, forged)
    assert "指纹" in info.value.message and "peers add" in info.value.message
    assert snapshot(a) == before
    with Ledger.open(a) as ledger:
        assert [s.level for s in load_review(ledger, rid).signoffs] == [1, 2]
    assert verify_ledger(ledger_path(a)).ok


def test_registered_peer_cannot_sign_a_home_level_or_waive(units: dict[str, Path], tmp_path: Path) -> None:
    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.IMPORTANT)
    sign(a, rid, 1, "xiao_li")
    sign(a, rid, 2, "wang_fg")
    do_import(b, export(a, rid, tmp_path / "out.mishen"))
    sign(b, rid, 3, "zhang_zy")  # the office's own 主要负责人, same name as the unit's
    back = export(b, rid, tmp_path / "back.mishen")
    before = snapshot(a)
    with pytest.raises(PackageError, match="属于本单位审核") as info:
        do_import(a, back)
    assert "zhang_zy（市政府办公室，外单位）" in info.value.message
    assert snapshot(a) == before

    rid2 = open_doc(a, tmp_path, "通报 [[block]]\n", InfoClass.IMPORTANT)
    do_import(b, export(a, rid2, tmp_path / "out2.mishen"))
    with Ledger.open(b) as ledger:
        fid = load_review(ledger, rid2).current.findings[0].id
        waive_finding(ledger, rid2, finding_id=fid, user="zhang_zy", password=PASSWORD, reason="外单位豁免")
    before = snapshot(a)
    with pytest.raises(PackageError, match="豁免“禁止发布”问题只能由本单位作出"):
        do_import(a, export(b, rid2, tmp_path / "back2.mishen"))
    assert snapshot(a) == before


def test_tampered_and_resigned_packages_are_refused(units: dict[str, Path], tmp_path: Path) -> None:
    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.CRITICAL)
    sign(a, rid, 1, "xiao_li")
    pkg = export(a, rid, tmp_path / "p.mishen")
    package = json.loads(pkg.read_text(encoding="utf-8"))
    # 1. content changed, signature kept
    package["body"]["rosters"][0]["roster"]["users"][0]["role"] = "principal"
    (tmp_path / "t1.mishen").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PackageError, match="审核包无效"):
        read_package(tmp_path / "t1.mishen")
    # 2. changed and re-signed with a key of the attacker's own: not a registered peer
    rogue = new_private_key()
    roster = {**package["body"]["rosters"][0]["roster"], "unit_key": public_key_hex(rogue)}
    package["body"]["rosters"][0] = {"roster": roster, "signature": rogue.sign(canonical_bytes(roster)).hex()}
    package["body"]["unit"]["public_key"] = public_key_hex(rogue)
    package["signature"] = rogue.sign(canonical_bytes(package["body"])).hex()
    (tmp_path / "t2.mishen").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    read_package(tmp_path / "t2.mishen")  # self-consistent …
    before = snapshot(b)
    with pytest.raises(PackageError, match="未登记的工作站"):  # … but from nobody the office registered
        do_import(b, tmp_path / "t2.mishen")
    assert snapshot(b) == before


def test_deeply_nested_or_oversized_json_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / "deep.mishen"
    deep.write_text('{"format": "mishen-review-package", "body": ' + "[" * 200_000 + "]" * 200_000 + "}",
                    encoding="utf-8")
    with pytest.raises(PackageError, match="嵌套超过"):
        read_package(deep)
    # nesting hidden inside a string does not count
    quoted = tmp_path / "quoted.mishen"
    quoted.write_text(json.dumps({"format": "x", "s": "a\"\\" + "[" * 10_000}), encoding="utf-8")
    with pytest.raises(PackageError, match="不是密审审核包"):
        read_package(quoted)
    home = tmp_path / "h"
    assert cli(monkeypatch, home, "review", "import-package", str(deep)) == 1
    assert "嵌套超过" in capsys.readouterr().err
    monkeypatch.setattr("app.review.package.MAX_PACKAGE_BYTES", 1024)
    with pytest.raises(PackageError, match="文件过大"):
        read_package(deep)


def _mint(home: Path, kind: str, payload: dict, signer: KeySigner | None = None) -> int:  # type: ignore[type-arg]
    """What an attacker with the code and a copy of the data directory can do: append an entry
    signed with the workstation key stored in the directory (or any key he makes)."""
    with Ledger.open(home) as ledger, ledger.transaction() as tx:
        return tx.append(kind, payload, signer or ledger.workstation_signer()).seq


def test_keys_in_a_copied_data_directory_cannot_mint_trusted_entries(units: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    a = units["a"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.IMPORTANT)
    sign(a, rid, 1, "xiao_li")
    sign(a, rid, 2, "wang_fg")
    with Ledger.open(a) as ledger:
        unit = unlock_unit(ledger, ADMIN, PASSWORD)
        unit_raw = unit.signer._key.private_bytes_raw()
    # the unit's private key is nowhere in the directory in plain form
    for path in a.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            assert unit_raw not in blob and unit_raw.hex().encode() not in blob, path

    fake = new_private_key()
    fake_pub = public_key_hex(fake)
    roster = {"format": ROSTER_FORMAT, "version": 1, "ledger_id": "x", "unit_key": fake_pub, "unit_name": "市应急局",
              "users": [{"name": "zhang_zy", "role": "principal", "unit": "市应急局", "public_key": fake_pub}]}
    rosters = [{"roster": roster, "signature": fake.sign(canonical_bytes(roster)).hex()}]
    with Ledger.open(a) as ledger:
        review = load_review(ledger, rid)
        head = ledger.head()
    statement = {"type": "signoff", "level": 3, "decision": "approve", "opinion": "审核通过，可以发布",
                 "review_id": rid, "version": 1, "signer": "zhang_zy", "signer_role": "principal",
                 "signer_unit": "市应急局", "signer_key": fake_pub, "document_sha256": review.current.sha256,
                 "scan_report_sha256": review.current.report_sha256, "prev_hash": head.hash, "time": "2026-01-01T00:00:00Z"}
    signed = {"review_id": rid, "statement": statement, "statement_signature": fake.sign(canonical_bytes(statement)).hex(),
              "imported_from": "x", "origin_event_hash": "0" * 64}
    attacks: list[tuple[str, dict, KeySigner | None]] = [  # type: ignore[type-arg]
        ("user_imported", {"review_id": rid, "origin_ledger": "x", "rosters": rosters,
                           "users": [dict(roster["users"][0], unit_key=fake_pub, unit_name="市应急局", ledger_id="x")]},
         None),
        ("signed", signed, None),
        ("peer_added", {"identity": {"format": "mishen-unit-identity", "version": 1, "ledger_id": "x",
                                     "unit_name": "市应急局", "public_key": fake_pub}, "proof": "00"}, None),
        ("unit_identity_created", {"identity": {}, "proof": ""}, None),
        ("package_imported", {"review_id": "other", "origin_ledger": "x", "rosters": rosters,
                              "events": [{"seq": 9, "time": "t", "actor": "zhang_zy", "kind": "signed",
                                          "payload": json.dumps(signed), "prev_hash": "0", "hash": "0",
                                          "signature": "0"}]}, None),
    ]
    for n, (kind, payload, signer) in enumerate(attacks):
        copy = tmp_path / f"copy{n}"
        shutil.copytree(a, copy)
        seq = _mint(copy, kind, payload, signer)
        result = verify_ledger(ledger_path(copy))
        assert not result.ok and result.first_bad == seq, (kind, result.problems)
    assert verify_ledger(ledger_path(a)).ok


def test_refused_foreign_level_three_cannot_be_minted_from_the_package(units: dict[str, Path],
                                                                        tmp_path: Path) -> None:
    """The package a registered peer sent with its own 主要负责人 signing level 3 was refused;
    an attacker with the data directory and that package mints the import himself with the
    workstation key — genuine roster, genuine statement — and verify still refuses it."""
    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.IMPORTANT)
    sign(a, rid, 1, "xiao_li")
    sign(a, rid, 2, "wang_fg")
    do_import(b, export(a, rid, tmp_path / "out.mishen"))
    sign(b, rid, 3, "zhang_zy")
    back = export(b, rid, tmp_path / "back.mishen")
    with pytest.raises(PackageError):
        do_import(a, back)
    body, _data, _sha = read_package(back)
    foreign_rosters = [r for r in body["rosters"] if r["roster"]["ledger_id"] == body["origin_ledger"]]
    users = [dict(u, unit_key=r["roster"]["unit_key"], unit_name=r["roster"]["unit_name"], ledger_id=r["roster"]["ledger_id"])
             for r in foreign_rosters for u in r["roster"]["users"]]
    level3 = next(json.loads(e["payload"]) for e in body["events"] if e["kind"] == "signed")
    copy = tmp_path / "copy"
    shutil.copytree(a, copy)
    first = _mint(copy, "user_imported", {"review_id": rid, "origin_ledger": body["origin_ledger"], "users": users,
                                          "rosters": foreign_rosters})
    seq = _mint(copy, "signed", {**level3, "imported_from": body["origin_ledger"], "origin_event_hash": "0" * 64})
    with Ledger.open(copy) as ledger:
        assert [s.level for s in load_review(ledger, rid).signoffs] == [1, 2, 3]  # what the attacker wanted
    result = verify_ledger(ledger_path(copy))
    assert not result.ok and result.first_bad == seq > first, result.problems
    assert "本单位的第 3 级" in result.problems[0].message


def test_any_single_byte_change_to_a_package_is_refused(units: dict[str, Path], tmp_path: Path) -> None:
    """Property: flip one random byte anywhere in a real package (40 seeded draws, plus the first
    and last byte); every variant is refused with a PackageError and the office's data directory
    is unchanged."""
    import random

    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "通报 [[high]]\n", InfoClass.CRITICAL)
    sign(a, rid, 1, "xiao_li")
    raw = export(a, rid, tmp_path / "p.mishen").read_bytes()
    rng = random.Random(7)
    positions = [0, len(raw) - 1, *(rng.randrange(len(raw)) for _ in range(40))]
    before = snapshot(b)
    bad = tmp_path / "bad.mishen"
    for at in positions:
        mutated = bytearray(raw)
        mutated[at] ^= 1 << rng.randrange(8)
        bad.write_bytes(bytes(mutated))
        with pytest.raises(PackageError):
            do_import(b, bad)
    assert snapshot(b) == before
    assert "已导入" in do_import(b, tmp_path / "p.mishen")


def test_foreign_signer_is_shown_with_the_registered_unit_not_the_claimed_one(units: dict[str, Path],
                                                                               tmp_path: Path) -> None:
    a, b = units["a"], units["b"]
    with Ledger.open(b) as ledger:  # the office registers a signer who claims to belong to the unit
        add_user(ledger, "city_sun", Role.CITY_OFFICE, PASSWORD, unit="市应急局", added_by=unlock(ledger, ADMIN, PASSWORD))
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.CRITICAL)
    for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
        sign(a, rid, level, user)
    do_import(b, export(a, rid, tmp_path / "p1.mishen"))
    sign(b, rid, 4, "city_sun")
    do_import(a, export(b, rid, tmp_path / "p2.mishen"))
    with Ledger.open(a) as ledger:
        data = review_json(ledger, rid)
    assert data["signoffs"][-1]["signer_display"] == "city_sun（市政府办公室，外单位）"
    with Ledger.open(b) as ledger:  # and at the office, the unit's signers carry the unit's registered name
        assert review_json(ledger, rid)["signoffs"][0]["signer_display"] == "xiao_li（市应急局，外单位）"
    assert verify_ledger(ledger_path(a)).ok


def test_minted_package_import_with_a_registered_peers_roster_but_forged_statement(units: dict[str, Path],
                                                                                    tmp_path: Path) -> None:
    """A genuine roster of a registered peer does not make a forged statement verify."""
    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.CRITICAL)
    for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
        sign(a, rid, level, user)
    do_import(b, export(a, rid, tmp_path / "p1.mishen"))
    sign(b, rid, 4, "city_zhao")
    body, _data, _sha = read_package(export(b, rid, tmp_path / "p2.mishen"))
    genuine = next(e for e in body["events"] if e["kind"] == "signed")
    payload = json.loads(genuine["payload"])
    forged = {**payload, "statement": {**payload["statement"], "review_id": "fake", "opinion": "同意发布（伪造）"}}
    relinked = payload  # genuine statement, carried into another review
    for n, fake in enumerate((forged, relinked)):
        copy = tmp_path / f"copy{n}"
        shutil.copytree(a, copy)
        event = {**genuine, "payload": json.dumps({**fake, "review_id": "fake"}, ensure_ascii=False)}
        seq = _mint(copy, "package_imported", {"review_id": "fake", "origin_ledger": body["origin_ledger"],
                                               "rosters": body["rosters"], "events": [event], "users": []})
        result = verify_ledger(ledger_path(copy))
        assert not result.ok and result.first_bad == seq, result.problems
        assert result.problems[0].code == ("bad_signature", "relinked")[n], result.problems


def test_well_signed_but_malformed_package_from_a_registered_peer_is_a_clear_refusal(units: dict[str, Path],
                                                                                     tmp_path: Path) -> None:
    """A registered peer (buggy or malicious) signs a roster naming an unknown role: refused with a
    PackageError, nothing written — never a traceback."""
    a, b = units["a"], units["b"]
    rid = open_doc(a, tmp_path, "一般工作信息\n", InfoClass.CRITICAL)
    for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
        sign(a, rid, level, user)
    do_import(b, export(a, rid, tmp_path / "p1.mishen"))
    sign(b, rid, 4, "city_zhao")
    package = json.loads(export(b, rid, tmp_path / "p2.mishen").read_text(encoding="utf-8"))
    with Ledger.open(b) as ledger:
        unit_key = unlock_unit(ledger, ADMIN, PASSWORD).key
    body = package["body"]
    roster = body["rosters"][0]["roster"]
    for user in roster["users"]:
        user["role"] = "emperor"
    body["rosters"][0]["signature"] = unit_key.sign(canonical_bytes(roster)).hex()
    package["signature"] = unit_key.sign(canonical_bytes(body)).hex()
    bad = tmp_path / "bad.mishen"
    bad.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    before = snapshot(a)
    with pytest.raises(PackageError, match="审核包无效"):
        do_import(a, bad)
    assert snapshot(a) == before
