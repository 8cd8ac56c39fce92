"""Reviews through the real service functions on real ledger files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import MishenError
from app.ledger import AuthError, Ledger, ledger_path, verify_ledger
from app.review import (
    Decision,
    Disclosure,
    InfoClass,
    ReviewError,
    Status,
    load_review,
    open_review,
    resubmit,
    review_state,
    sign_review,
    waive_finding,
)
from tests.app.test_review_helpers import (
    PASSWORD,
    PLANTED,
    agree_all,
    cli,
    copy_template,
    real_scanner,
    write_doc,
)


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def ledger(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Ledger:
    home = copy_template(tmp_path_factory, tmp_path / "home")
    with Ledger.open(home) as led:
        yield led  # type: ignore[misc]


def sign(ledger: Ledger, rid: str, level: int, user: str, decision: Decision = Decision.APPROVE,
         opinion: str = "", password: str = PASSWORD, decisions: object = ()) -> None:
    sign_review(ledger, rid, level=level, user=user, password=password, decision=decision, opinion=opinion,
                decisions=decisions)  # type: ignore[arg-type]


def test_full_four_level_flow_with_waiver(ledger: Ledger, tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "特级.txt", "关于某地突发事件处置情况的通报 [[block]] [[high]]\n")
    r = open_review(ledger, doc, title="处置情况通报", unit="市应急局", info_class=InfoClass.CRITICAL,
                    scanner=real_scanner)
    assert r.current.info_class is InfoClass.CRITICAL and r.current.suggested_class is InfoClass.IMPORTANT
    assert r.current.class_overridden
    assert sorted((f.category, f.severity.value) for f in r.current.findings) == [
        ("personal_info", "high"), ("secret_mark", "block")]
    block = next(f for f in r.current.findings if f.severity.value == "block")
    with pytest.raises(ReviewError) as info:
        sign(ledger, r.id, 1, "xiao_li")
    assert info.value.code == "blocked" and "尚有 1 处禁止发布的内容未处理" in info.value.message
    waive_finding(ledger, r.id, finding_id=block.id, user="zhang_zy", password=PASSWORD, reason="经核实系公开文件标题")
    sign(ledger, r.id, 1, "xiao_li")
    sign(ledger, r.id, 2, "wang_fg")
    with pytest.raises(ReviewError, match="须填写批示意见"):
        sign(ledger, r.id, 3, "zhang_zy")
    with pytest.raises(ReviewError) as undecided:   # the high item (the ID number) needs a disposition
        sign(ledger, r.id, 3, "zhang_zy", opinion="同意，报市政府办公室审核")
    assert undecided.value.code == "undecided"
    sign(ledger, r.id, 3, "zhang_zy", opinion="同意，报市政府办公室审核", decisions=agree_all(ledger, r.id))
    assert review_state(load_review(ledger, r.id)).next_level == 4
    sign(ledger, r.id, 4, "city_zhao", opinion="同意发布", decisions=agree_all(ledger, r.id))
    done = load_review(ledger, r.id)
    assert review_state(done).status is Status.APPROVED
    assert [s.level for s in done.signoffs] == [1, 2, 3, 4]
    assert done.waivers[0].signer == "zhang_zy" and done.waivers[0].reason == "经核实系公开文件标题"
    assert verify_ledger(ledger_path(ledger.data_dir)).ok


def test_three_reviews_flow(ledger: Ledger, tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "稿件.txt", "全民健身活动报名通知\n")
    r = open_review(ledger, doc, route="三审三校", scanner=real_scanner)
    assert r.route.name == "three_reviews"
    with pytest.raises(ReviewError, match="该级审核需由科室负责人签署"):
        sign(ledger, r.id, 1, "xiao_li")
    sign(ledger, r.id, 1, "chen_ks")
    sign(ledger, r.id, 2, "wang_fg")
    sign(ledger, r.id, 3, "zhang_zy", opinion="同意")
    assert review_state(load_review(ledger, r.id)).status is Status.APPROVED


def _count(ledger: Ledger) -> int:
    return ledger.head().seq


def test_bad_input_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "a.txt", "一般信息 [[block]]\n")
    r = open_review(ledger, doc, scanner=real_scanner)
    assert [(f.category, f.severity.value) for f in r.current.findings] == [("secret_mark", "block")]
    before = _count(ledger)
    with pytest.raises(AuthError) as info:
        sign(ledger, r.id, 1, "xiao_li", Decision.ESCALATE, password="wrong-password")
    assert info.value.code == "wrong_password"
    with pytest.raises(ReviewError) as info2:
        sign(ledger, r.id, 1, "wang_fg", Decision.ESCALATE)
    assert info2.value.code == "wrong_role"
    with pytest.raises(ReviewError) as info2:
        sign(ledger, r.id, 2, "wang_fg", Decision.ESCALATE)
    assert info2.value.code == "out_of_order"
    with pytest.raises(ReviewError, match="理由"):
        waive_finding(ledger, r.id, finding_id=r.current.findings[0].id, user="zhang_zy", password=PASSWORD,
                      reason="  ")
    with pytest.raises(MishenError) as info3:
        open_review(ledger, tmp_path / "missing.txt", scanner=real_scanner)
    assert info3.value.code == "unreadable"
    with pytest.raises(MishenError, match="理由"):
        open_review(ledger, doc, disclosure=Disclosure.WITHHELD, scanner=real_scanner)
    with pytest.raises(AuthError):
        sign(ledger, r.id, 1, "nobody")
    # only the two failed password attempts are recorded (who, what; never the password)
    failed = ledger.events(kinds=("login_failed",), after=before)
    assert _count(ledger) == before + 2 and [e.payload["name"] for e in failed] == ["xiao_li", "nobody"]
    assert "wrong-password" not in "".join(e.payload_text for e in failed)
    doc.write_text("一般信息（已改）\n", encoding="utf-8")
    with pytest.raises(ReviewError) as info4:
        sign(ledger, r.id, 1, "xiao_li", Decision.ESCALATE)
    assert info4.value.code == "document_changed"
    # the password was right after a failure: that success ends the run of failures (recorded too)
    assert [e.kind for e in ledger.events(after=before)] == ["login_failed", "login_failed", "login_succeeded"]


def test_revise_makes_a_new_version_that_goes_through_again(ledger: Ledger, tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "b.txt", "重要会议信息 [[high]]\n")
    r = open_review(ledger, doc, scanner=real_scanner)
    assert r.current.info_class is InfoClass.IMPORTANT
    assert [(f.category, f.severity.value) for f in r.current.findings] == [("personal_info", "high")]
    sign(ledger, r.id, 1, "xiao_li")
    sign(ledger, r.id, 2, "wang_fg")
    sign(ledger, r.id, 3, "zhang_zy", Decision.REVISE, opinion="删去第二段后发布")
    assert review_state(load_review(ledger, r.id)).status is Status.AWAITING_REVISION
    with pytest.raises(ReviewError, match="待提交修改后的新版本"):
        sign(ledger, r.id, 1, "xiao_li")
    doc.write_text("重要会议信息（已删改）\n", encoding="utf-8")
    r2 = resubmit(ledger, r.id, doc, scanner=real_scanner)
    assert r2.current.number == 2 and r2.current_signoffs == () and r2.current.findings == ()
    assert review_state(r2).next_level == 1
    sign(ledger, r.id, 1, "xiao_li")
    sign(ledger, r.id, 2, "wang_fg")
    assert review_state(load_review(ledger, r.id)).status is Status.APPROVED  # no high finding any more


def test_reject_is_final(ledger: Ledger, tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "c.txt", "内部信息\n")
    r = open_review(ledger, doc, scanner=real_scanner)
    sign(ledger, r.id, 1, "xiao_li")
    sign(ledger, r.id, 2, "wang_fg", Decision.REJECT)
    with pytest.raises(ReviewError) as info:
        resubmit(ledger, r.id, write_doc(tmp_path, "d.txt", "另一稿\n"), scanner=real_scanner)
    assert info.value.code == "review_closed"


def test_stored_copy_is_content_addressed(ledger: Ledger, tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "e.txt", "公开信息\n")
    r = open_review(ledger, doc, scanner=real_scanner)
    stored = ledger.data_dir / "documents" / r.current.sha256
    assert stored.read_bytes() == doc.read_bytes()
    stored.write_bytes(b"altered")
    with pytest.raises(MishenError) as info:
        sign(ledger, r.id, 1, "xiao_li")
    assert info.value.code == "copy_tampered"


def test_production_kdf_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MISHEN_TEST_FAST_KDF")
    from app.ledger.crypto import PRODUCTION_KDF, kdf_params
    from app.users import Role, add_user, unlock

    assert kdf_params() == PRODUCTION_KDF and PRODUCTION_KDF.n >= 2**15
    with Ledger.open(tmp_path / "prod") as led:
        add_user(led, "prod_user", Role.SECRECY_ADMIN, "a-long-password")
        row = led.conn.execute("SELECT password_hash, private_key FROM users").fetchone()
        assert row[0].startswith("scrypt$32768$8$1$") and '"n": 32768' in row[1]
        user, signer = unlock(led, "prod_user", "a-long-password")
        assert signer.public_key == user.public_key
        with pytest.raises(AuthError):
            unlock(led, "prod_user", "wrong-password")


def test_default_scanner_finds_secret_mark(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.review import scanning

    monkeypatch.setattr(scanning, "_DEFAULT", [])  # the production path loads its own engine (the one extra load)
    doc = write_doc(tmp_path, "marked.txt", "关于做好年度工作的通知\n绝密★长期\n各单位：现将有关事项通知如下。\n")
    r = open_review(ledger, doc)
    assert len(scanning._DEFAULT) == 1
    assert [(f.category, f.severity.value, f.text) for f in r.current.findings] == [
        ("secret_mark", "block", "绝密★长期")]
    with pytest.raises(ReviewError, match="禁止发布"):
        sign(ledger, r.id, 1, "xiao_li")


@pytest.mark.parametrize("marker", sorted(PLANTED))
def test_planted_content_is_flagged_once_by_the_real_engine(marker: str, tmp_path: Path) -> None:
    planted = PLANTED[marker]
    doc = write_doc(tmp_path, "p.txt", f"关于召开全市经济工作会议的通知 [[{marker}]]\n")
    assert "[[" not in doc.read_text(encoding="utf-8")
    result = real_scanner(doc)
    assert result.report.error is None
    assert [(f.category.value, f.severity.value, f.text) for f in result.report.findings] == [
        (planted.category, planted.severity, planted.text)]


def test_false_alarm_is_recorded_signed_and_shown_but_does_not_release_a_block(tmp_path, tmp_path_factory, monkeypatch):
    from app.ledger import Ledger, verify_ledger
    from app.review import load_review, mark_false_alarm, open_review, review_state
    from app.review.show import review_json
    from app.users import unlock

    data = copy_template(tmp_path_factory, tmp_path / "data")
    doc = write_doc(tmp_path, "通报.txt", "关于防汛工作的通报 [[block]] [[medium]]\n")
    with Ledger.open(data) as ledger:
        review = open_review(ledger, doc, title="通报", scanner=real_scanner)
        block = next(f for f in review.current.findings if f.severity.value == "block")
        _, signer = unlock(ledger, "xiao_li", PASSWORD)
        with pytest.raises(MishenError) as no_reason:
            mark_false_alarm(ledger, review, finding_id=block.id, reason=" ", user="xiao_li", signer=signer)
        assert no_reason.value.code == "reason_required"
        with pytest.raises(MishenError) as unknown:
            mark_false_alarm(ledger, review, finding_id="nope", reason="x", user="xiao_li", signer=signer)
        assert unknown.value.code == "unknown_finding"
        fa = mark_false_alarm(ledger, review, finding_id=block.id, reason="系公开的历史文件标题", user="xiao_li",
                              signer=signer)
        assert fa.user == "xiao_li" and fa.finding_id == block.id
        shown = {f["id"]: f for f in review_json(ledger, review.id)["findings"]}
        assert shown[block.id]["false_alarm"]["reason"] == "系公开的历史文件标题"
        # gating is unchanged: a block finding still needs a level-3 waiver
        assert "禁止发布" in review_state(load_review(ledger, review.id)).message
    assert verify_ledger(data / "ledger.sqlite3").ok
    assert cli(monkeypatch, data, "review", "dismiss", review.id, "--finding", block.id, "--user", "xiao_li",
               "--reason", "再次确认", password=PASSWORD) == 0


def test_lexicon_changes_are_recorded_once_per_change(tmp_path, tmp_path_factory):
    from app.ledger import Ledger
    from app.review import engine_scanner, open_review
    from app.scan import Engine

    data = copy_template(tmp_path_factory, tmp_path / "data")
    doc = write_doc(tmp_path, "a.txt", "关于防汛工作的通报 [[medium]]\n")
    extra = tmp_path / "本单位词库.txt"
    extra.write_text("防汛物资储备点\n", encoding="utf-8")
    with Ledger.open(data) as ledger:
        open_review(ledger, doc, title="一", scanner=real_scanner)
        open_review(ledger, doc, title="二", scanner=real_scanner)
        changes = ledger.events(kinds=("lexicon_changed",))
        assert len(changes) == 1 and changes[0].payload["previous"] is None
        assert {x["name"] for x in changes[0].payload["lexicons"]} >= {"常见错别字", "规范表述"}
        open_review(ledger, doc, title="三", scanner=engine_scanner(Engine.load([extra])))
        changes = ledger.events(kinds=("lexicon_changed",))
        assert len(changes) == 2
        assert "本单位词库" in {x["name"] for x in changes[1].payload["lexicons"]}, changes[1].payload
        assert changes[1].payload["previous"] == changes[0].payload["lexicons"]


def test_opening_and_resubmitting_are_signed_by_the_officer_when_given(tmp_path, tmp_path_factory):
    from app.ledger import Ledger, verify_ledger
    from app.review import open_review, resubmit
    from app.users import unlock

    data = copy_template(tmp_path_factory, tmp_path / "data")
    doc = write_doc(tmp_path, "a.txt", "关于防汛工作的通报 [[medium]]\n")
    with Ledger.open(data) as ledger:
        _, signer = unlock(ledger, "xiao_li", PASSWORD)
        review = open_review(ledger, doc, title="通报", scanner=real_scanner, by=signer)
        doc.write_text(doc.read_text(encoding="utf-8") + "补充一句。\n", encoding="utf-8")
        resubmit(ledger, review.id, doc, scanner=real_scanner, by=signer)
        actors = {(e.kind, e.actor) for e in ledger.events(review_id=review.id)}
        assert ("review_opened", "xiao_li") in actors
        assert [a for k, a in actors if k == "scan_recorded"] == ["xiao_li"]
    assert verify_ledger(data / "ledger.sqlite3").ok
