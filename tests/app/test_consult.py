"""Consultation (征求意见) between two real units: the letter, the reply, 视为同意 after the due date
(on the working-day calendar), trust, and the sign-off that waits for open consultations."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import Decision, ReviewError, load_review, open_review, scanning, sign_review
from app.review.consult import (
    ConsultError,
    consultations_for,
    import_reply,
    read_letter,
    reply_consultation,
    send_consultation,
    settle_overdue,
)
from app.review.consult_model import ConsultDecision, ConsultStatus
from app.review.package import PackageError
from app.users import Role
from tests.app.test_package_trust import ADMIN, make_unit, register
from tests.app.test_review_helpers import PASSWORD, real_scanner, write_doc

CST = timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])


@pytest.fixture()
def units(tmp_path: Path) -> tuple[Path, Path, Path]:
    a = make_unit(tmp_path / "a", "市应急局", {"xiao_li": Role.OFFICER, "wang_fg": Role.DIVISION_LEADER})
    b = make_unit(tmp_path / "b", "市公安局", {})
    c = make_unit(tmp_path / "c", "市卫健委", {})
    register(a, b)
    register(b, a)
    register(c, a)       # c knows a, but a never registered c
    return a, b, c


def _open(home: Path, tmp_path: Path) -> str:
    doc = write_doc(tmp_path, "通报.txt", "关于联合执法检查的情况通报。\n")
    with Ledger.open(home) as ledger:
        return open_review(ledger, doc, title="联合执法通报", unit="市应急局").id


def _send(home: Path, rid: str, out: Path, when: datetime) -> str:
    with Ledger.open(home) as ledger:
        c = send_consultation(ledger, rid, to="市公安局", output=out, admin=ADMIN, password=PASSWORD, now=when)
    return c.id


def test_due_date_across_spring_festival_and_deemed_consent(units: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, _b, _c = units
    rid = _open(a, tmp_path)
    sent = datetime(2026, 2, 12, 10, 0, tzinfo=CST)   # Thursday before 春节; Sat 14 Feb is a 调休 working day
    cid = _send(a, rid, tmp_path / "letter.mishen", sent)
    with Ledger.open(a) as ledger:
        (c,) = consultations_for(ledger, rid)
        assert c.id == cid and c.status is ConsultStatus.OPEN
        assert c.due_date.isoformat() == "2026-02-26" and c.calendar_warning == ""
        # on the due date itself nothing is settled; the day after, 视为同意 is recorded
        assert settle_overdue(ledger, now=datetime(2026, 2, 26, 23, 0, tzinfo=CST)) == []
        (done,) = settle_overdue(ledger, now=datetime(2026, 2, 27, 8, 0, tzinfo=CST))
        assert done.status is ConsultStatus.DEEMED and done.deemed_date is not None
        assert done.deemed_date.isoformat() == "2026-02-27" and done.on_time is False
        assert settle_overdue(ledger, now=datetime(2026, 3, 2, tzinfo=CST)) == []   # recorded once
        deemed = ledger.events(kinds=("consultation_deemed_agreed",))
        assert len(deemed) == 1 and deemed[0].payload["due_date"] == "2026-02-26"
        assert deemed[0].actor == "@workstation"
    assert verify_ledger(ledger_path(a)).ok


def test_reply_from_registered_peer_recorded_and_others_refused(units: tuple[Path, Path, Path],
                                                               tmp_path: Path) -> None:
    a, b, c = units
    rid = _open(a, tmp_path)
    letter = tmp_path / "letter.mishen"
    cid = _send(a, rid, letter, datetime(2026, 9, 28, 9, 0, tzinfo=CST))   # National Day; Sat 10 Oct worked
    with Ledger.open(a) as ledger:
        assert consultations_for(ledger, rid)[0].due_date.isoformat() == "2026-10-10"
    # the wrong unit cannot even read it (addressed to 市公安局)
    with Ledger.open(c) as ledger, pytest.raises(PackageError, match="不是本单位"):
        read_letter(ledger, letter)
    # 市公安局 reads and answers
    with Ledger.open(b) as ledger:
        got, _body, data = read_letter(ledger, letter)
        assert got.consultation_id == cid and got.from_unit == "市应急局" and "联合执法".encode() in data
        with pytest.raises(ConsultError, match="须写明意见"):
            reply_consultation(ledger, letter, decision=ConsultDecision.DISAGREE, opinion="", output=tmp_path / "r0",
                               admin=ADMIN, password=PASSWORD)
        sent = reply_consultation(ledger, letter, decision=ConsultDecision.REVISE, opinion="删去第二段的案件编号",
                                  output=tmp_path / "reply.mishen", admin=ADMIN, password=PASSWORD,
                                  now=datetime(2026, 10, 9, 15, 0, tzinfo=CST))
        assert sent.consultation_id == cid
        with pytest.raises(ConsultError, match="已答复过"):
            reply_consultation(ledger, letter, decision=ConsultDecision.AGREE, opinion="", output=tmp_path / "r2",
                               admin=ADMIN, password=PASSWORD)
    # a reply signed by an unregistered unit (c answers a letter it forged from the real one)
    with Ledger.open(c) as ledger:
        forged = tmp_path / "forged.mishen"
        _forge_reply(tmp_path / "reply.mishen", forged, ledger)
    with Ledger.open(a) as ledger:
        before = ledger.head().seq
        with pytest.raises(PackageError, match="未登记"):
            import_reply(ledger, forged)
        altered = tmp_path / "altered.mishen"
        raw = json.loads((tmp_path / "reply.mishen").read_text(encoding="utf-8"))
        raw["body"]["decision"] = "agree"
        altered.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(PackageError, match="签名无效"):
            import_reply(ledger, altered)
        with pytest.raises(PackageError, match="不是密审答复意见"):
            import_reply(ledger, letter)
        assert ledger.head().seq == before
        done, new = import_reply(ledger, tmp_path / "reply.mishen")
        assert new and done.status is ConsultStatus.REPLIED and done.decision is ConsultDecision.REVISE
        assert done.on_time is True and done.opinion == "删去第二段的案件编号" and done.replied_by == ADMIN
        assert import_reply(ledger, tmp_path / "reply.mishen")[1] is False       # idempotent
        # answered: level 1 may approve now; a later overdue check changes nothing
        assert settle_overdue(ledger, now=datetime(2026, 11, 1, tzinfo=CST)) == []
        s = sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        assert s.level == 1
        assert load_review(ledger, rid).signoffs[-1].level == 1
    for home in (a, b, c):
        assert verify_ledger(ledger_path(home)).ok, home


def _clock(monkeypatch: pytest.MonkeyPatch, moment: datetime | None) -> None:
    """Set the workstation clock the ledger stamps entries with (None: the real clock again)."""
    from app.ledger import canonical, store

    monkeypatch.setattr(store, "now_iso", canonical.now_iso if moment is None
                        else (lambda: moment.astimezone().isoformat(timespec="milliseconds")))


def test_level_approval_waits_for_an_open_consultation(units: tuple[Path, Path, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    a, _b, _c = units
    rid = _open(a, tmp_path)
    with Ledger.open(a) as ledger:
        c = send_consultation(ledger, rid, to="市公安局", output=tmp_path / "l.mishen", admin=ADMIN, password=PASSWORD)
        with pytest.raises(ReviewError, match="正在征求市公安局") as err:
            sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        assert err.value.code == "consultation_pending"
        assert consultations_for(ledger, rid)[0].status is ConsultStatus.OPEN
        # past the due date the workstation records 视为同意 and the level may approve
        after = datetime.combine(c.due_date + timedelta(days=1), datetime.min.time()).astimezone()
        _clock(monkeypatch, after)                  # the workstation's clock is then that day too
        assert [x.status for x in settle_overdue(ledger, now=after)] == [ConsultStatus.DEEMED]
        assert sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE).level == 1
    result = verify_ledger(ledger_path(a))
    assert result.ok and not result.notes, result


def test_verify_flags_consent_recorded_on_a_clock_set_ahead(units: tuple[Path, Path, Path], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Setting the clock forward to let a consultation lapse, recording 视为同意, then setting the
    clock back: the entries after it are earlier than it, and verify says so."""
    a, _b, _c = units
    rid = _open(a, tmp_path)
    with Ledger.open(a) as ledger:
        c = send_consultation(ledger, rid, to="市公安局", output=tmp_path / "l.mishen", admin=ADMIN, password=PASSWORD)
        ahead = datetime.combine(c.due_date + timedelta(days=1), datetime.min.time()).astimezone()
        _clock(monkeypatch, ahead)
        (deemed,) = settle_overdue(ledger, now=ahead)   # the clock says the due date has passed
        assert deemed.status is ConsultStatus.DEEMED
        _clock(monkeypatch, None)                   # and back
        sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        (entry,) = ledger.events(kinds=("consultation_deemed_agreed",))
    result = verify_ledger(ledger_path(a))
    assert not result.ok
    assert [(p.code, p.seq) for p in result.problems] == [("clock", entry.seq)], result.problems
    assert "本机时钟超前" in result.problems[0].message
    assert any("时间曾倒退" in n for n in result.notes), result.notes


def test_verify_notes_a_clock_set_back_without_failing(units: tuple[Path, Path, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    a, _b, _c = units
    _clock(monkeypatch, datetime.now().astimezone() + timedelta(hours=3))
    rid = _open(a, tmp_path)
    _clock(monkeypatch, None)
    with Ledger.open(a) as ledger:
        sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.ESCALATE)
    result = verify_ledger(ledger_path(a))
    assert result.ok, result.problems
    (note,) = [n for n in result.notes if "时间曾倒退" in n]
    assert "请核对本机时钟" in note


def _forge_reply(real: Path, out: Path, ledger: Ledger) -> None:
    """The same reply body, re-signed with unit c's own identity key (c is no peer of a)."""
    from app.peers import unlock_unit
    from app.review.consult_package import REPLY_FORMAT, signed_file

    raw = json.loads(real.read_text(encoding="utf-8"))
    unit = unlock_unit(ledger, ADMIN, PASSWORD)
    body = {**raw["body"], "from": {"unit_name": "市公安局", "public_key": unit.public_key,
                                    "ledger_id": ledger.ledger_id}}
    out.write_bytes(signed_file(REPLY_FORMAT, body, unit.signer))


def test_consult_only_registered_units(units: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, _b, _c = units
    rid = _open(a, tmp_path)
    with Ledger.open(a) as ledger:
        with pytest.raises(ConsultError, match="不是已登记的外单位"):
            send_consultation(ledger, rid, to="市卫健委", output=tmp_path / "x.mishen", admin=ADMIN, password=PASSWORD)
        assert not (tmp_path / "x.mishen").exists()
        send_consultation(ledger, rid, to="市公安局", output=tmp_path / "y.mishen", admin=ADMIN, password=PASSWORD)
        with pytest.raises(ConsultError, match="尚未答复"):
            send_consultation(ledger, rid, to="市公安局", output=tmp_path / "z.mishen", admin=ADMIN,
                              password=PASSWORD)


def test_verify_catches_forged_consultation_entries(units: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """Entries minted with keys found in the data directory: a reply nobody at 市公安局 signed, a 视为同意
    with a shortened due date, a letter recorded by an officer."""
    import shutil

    from app.ledger.crypto import KeySigner, new_private_key

    a, _b, _c = units
    rid = _open(a, tmp_path)
    cid = _send(a, rid, tmp_path / "letter.mishen", datetime(2026, 2, 12, 10, 0, tzinfo=CST))
    assert verify_ledger(ledger_path(a)).ok
    cases = {
        "reply": ("consultation_replied", lambda sent: {
            "review_id": rid, "consultation_id": cid, "decision": "agree", "reply_signature": "00" * 64,
            "reply": {"consultation_id": cid, "from": {"public_key": KeySigner("x", new_private_key()).public_key},
                      "decision": "agree", "letter_sha256": sent["package_sha256"]}}, True),
        "deemed": ("consultation_deemed_agreed", lambda sent: {
            "review_id": rid, "consultation_id": cid, "due_date": "2026-02-13", "deemed_date": "2026-02-14"}, True),
        "officer": ("consultation_sent", lambda sent: {**sent, "consultation_id": "x"}, False),
    }
    for name, (kind, payload, system) in cases.items():
        copy = tmp_path / f"copy-{name}"
        shutil.copytree(a, copy)
        with Ledger.open(copy) as ledger:
            sent = ledger.events(kinds=("consultation_sent",))[0].payload
            signer = ledger.workstation_signer() if system else _officer_signer(ledger)
            with ledger.transaction() as tx:
                tx.append(kind, payload(sent), signer)
        result = verify_ledger(ledger_path(copy))
        assert not result.ok, name
        text = " ".join(p.message for p in result.problems)
        assert {"reply": "不是来自被征求意见的已登记单位", "deemed": "期限", "officer": "不是由保密管理员签署"}[name] in text


def _officer_signer(ledger: Ledger) -> object:
    from app.users import unlock

    return unlock(ledger, "xiao_li", PASSWORD)[1]
