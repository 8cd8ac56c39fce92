"""Every open item decided at the deciding levels, conditional approvals verified on the revised
file, `review check` on exactly the approved file, marks made before a review kept across a
restart — through the real service functions, the real CLI and real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import Decision, ReviewError, Status, load_review, open_review, review_state, sign_review
from app.review.dispositions import asks_for_changes, parse_decide, parse_decide_file
from app.review.model import DispositionKind
from app.review.service import submit_revision
from tests.app.test_review_helpers import PASSWORD, PLANTED, cli, copy_template, real_scanner, write_doc

REPO = Path(__file__).resolve().parents[2]
ID_NUMBER = PLANTED["high"].text
DRAFT = "关于开展安全生产检查的通知\n[[high]]\n请各单位于本月底前报送检查情况。\n"
STILL_THERE = "关于开展安全生产检查的通知（修改稿）\n[[high]]\n请各单位于本月底前报送检查情况。\n"
CLEAN = "关于开展安全生产检查的通知\n请各单位于本月底前报送检查情况。\n"
NEW_HIGH = "关于开展安全生产检查的通知\n[[high:pending_case]]\n请各单位于本月底前报送检查情况。\n"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_template(tmp_path_factory, tmp_path / "home")


def _sign(ledger: Ledger, rid: str, level: int, user: str, opinion: str = "", decisions: object = (),
          decision: Decision = Decision.APPROVE) -> None:
    sign_review(ledger, rid, level=level, user=user, password=PASSWORD, decision=decision, opinion=opinion,
                decisions=decisions)  # type: ignore[arg-type]


def _to_level3(ledger: Ledger, doc: Path) -> str:
    r = open_review(ledger, doc, title="安全检查通知", unit="市统计局", scanner=real_scanner)
    assert [(f.category, f.severity.value) for f in r.current.findings] == [("personal_info", "high")]
    _sign(ledger, r.id, 1, "xiao_li")
    _sign(ledger, r.id, 2, "wang_fg")
    return r.id


def _high_id(ledger: Ledger, rid: str) -> str:
    return next(f.id for f in load_review(ledger, rid).current.findings if f.severity.value == "high")


def test_deciding_level_refuses_approval_while_a_high_item_is_undecided(home: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    doc = write_doc(tmp_path, "通知.txt", DRAFT)
    with Ledger.open(home) as ledger:
        rid = _to_level3(ledger, doc)
        # levels 1 and 2 signed with no opinion typed: the short default opinion is recorded
        assert [s.opinion for s in load_review(ledger, rid).current_signoffs] == ["经审核，同意。"] * 2
        before = ledger.head().seq
        with pytest.raises(ReviewError) as info:
            _sign(ledger, rid, 3, "zhang_zy", opinion="同意发布。")
        assert info.value.code == "undecided" and ID_NUMBER in info.value.message
        with pytest.raises(ReviewError) as empty:
            _sign(ledger, rid, 3, "zhang_zy", decisions=[(_high_id(ledger, rid), DispositionKind.AGREE, "已公开")])
        assert empty.value.code == "opinion_required"   # 批示 must not be empty at level 3
        with pytest.raises(ReviewError) as no_reason:
            _sign(ledger, rid, 3, "zhang_zy", opinion="同意。",
                  decisions=[(_high_id(ledger, rid), DispositionKind.AGREE, "  ")])
        assert no_reason.value.code == "reason_required"
        assert all(e.kind != "signed" for e in ledger.events(after=before))
        fid = _high_id(ledger, rid)
    # the CLI refuses too, in Chinese, and accepts --decide
    assert cli(monkeypatch, home, "review", "sign", rid, "--level", "3", "--user", "zhang_zy", "--decision", "同意",
               "--opinion", "同意发布。", password=PASSWORD) == 1
    assert cli(monkeypatch, home, "review", "sign", rid, "--level", "3", "--user", "zhang_zy", "--decision", "同意",
               "--opinion", "同意发布。", "--decide", f"{fid}=agree:系本人同意公开的联系方式",
               password=PASSWORD) == 0
    with Ledger.open(home) as ledger:
        r = load_review(ledger, rid)
        assert review_state(r).status is Status.APPROVED
        (d,) = r.current_signoffs[-1].dispositions
        assert (d.finding_id, d.kind, d.text, d.finding_text) == (fid, DispositionKind.AGREE, "系本人同意公开的联系方式",
                                                                  ID_NUMBER)
        # the ledger entry of the signature carries the disposition, inside the signed statement
        entry = ledger.event(r.current_signoffs[-1].seq)
        assert entry is not None and entry.payload["statement"]["dispositions"][0]["kind"] == "agree"
        from app.exports.review_sheet import sheet_blocks

        head = ledger.head()
        table = next(b for kind, b in sheet_blocks(r, head.seq, head.hash) if kind == "table" and "处理" in b[0])
        assert "第 3 级同意公开：系本人同意公开的联系方式" in table[1][0][5]
        assert "经审核人签署" not in str(table)
    assert verify_ledger(ledger_path(home)).ok


def test_conditional_approval_goes_back_then_a_clean_revision_is_approved(home: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    doc = write_doc(tmp_path, "通知.txt", DRAFT)
    with Ledger.open(home) as ledger:
        rid = _to_level3(ledger, doc)
        fid = _high_id(ledger, rid)
        _sign(ledger, rid, 3, "zhang_zy", opinion="同意，删除身份证号后发布。",
              decisions=[(fid, DispositionKind.CHANGE, "删除联系人身份证号")])
        state = review_state(load_review(ledger, rid))
        assert state.status is Status.AWAITING_VERIFICATION and "待提交修改稿核验" in state.message
        with pytest.raises(ReviewError) as info:
            _sign(ledger, rid, 4, "city_zhao", opinion="同意")
        assert info.value.code == "awaiting_verification"

        # a revision that still contains the ID number: the check fails, back to level 3
        still = write_doc(tmp_path, "通知-修改稿.txt", STILL_THERE)
        review, diff = submit_revision(ledger, rid, still, scanner=real_scanner)
        assert not diff.passed and [d.finding_text for d in diff.changes_missing] == [ID_NUMBER]
        assert any("修改稿" in t for t in diff.added) and diff.removed_count == 1
        state = review_state(review)
        assert state.status is Status.IN_REVIEW and state.next_level == 3
        assert [s.level for s in review.current_signoffs] == [1, 2]      # the levels below are kept
        assert review.checks[-1].passed is False and review.checks[-1].missing == (ID_NUMBER,)
        _sign(ledger, rid, 3, "zhang_zy", opinion="仍须删除身份证号后发布。",
              decisions=[(_high_id(ledger, rid), DispositionKind.CHANGE, "删除联系人身份证号")])
        assert review_state(load_review(ledger, rid)).status is Status.AWAITING_VERIFICATION

    # the clean revision through the CLI: the diff is printed, the review can be published
    clean = write_doc(tmp_path, "通知-定稿.txt", CLEAN)
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "resubmit", rid, str(clean)) == 0
    out = capsys.readouterr().out
    assert "核验通过" in out and f"[已修改] “{ID_NUMBER}”" in out and "- 联系人身份证号" in out
    assert "可以发布" in out
    with Ledger.open(home) as ledger:
        r = load_review(ledger, rid)
        assert review_state(r).status is Status.APPROVED and r.current.number == 3
        assert r.checks[-1].passed and r.checks[-1].to_sha256 == r.current.sha256
        assert [s.level for s in r.current_signoffs] == [1, 2, 3]

    # review check: exactly the clean file; not the draft, not the failed revision, not one byte more
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "check", str(clean)) == 0
    out = capsys.readouterr().out
    assert f"审核单 {rid}" in out and "第 3 版" in out and "第 3 级" in out and "zhang_zy" in out
    changed = tmp_path / "定稿-改一个字节.txt"
    changed.write_bytes(clean.read_bytes() + b" ")
    for other in (changed, doc, still):
        assert cli(monkeypatch, home, "review", "check", str(other)) == 1
    assert "不是" in capsys.readouterr().out
    assert cli(monkeypatch, home, "review", "diff", rid, "--from", "1", "--to", "3") == 0
    assert "问题消失 1 处" in capsys.readouterr().out
    # the 审查单 of the approved version: the check, and no item left "未处理"
    sheet = tmp_path / "审查单.docx"
    assert cli(monkeypatch, home, "review", "sheet", rid, "-o", str(sheet), "--user", "xiao_li",
               password=PASSWORD) == 0
    with Ledger.open(home) as ledger:
        (exported,) = ledger.events(kinds=("exported",))
        assert exported.actor == "xiao_li"     # recorded as the user who exported, not the workstation
        r = load_review(ledger, rid)
        from app.exports.review_sheet import sheet_blocks

        head = ledger.head()
        ident = next(b for kind, b in sheet_blocks(r, head.seq, head.hash) if kind == "table")
        assert any(row[0] == "审核状态" and "修改稿已核验" in row[1] for row in ident[1])
    result = verify_ledger(ledger_path(home))
    assert result.ok, result.problems


def test_new_high_item_in_the_revision_fails_the_check(home: Path, tmp_path: Path) -> None:
    with Ledger.open(home) as ledger:
        rid = _to_level3(ledger, write_doc(tmp_path, "通知.txt", DRAFT))
        _sign(ledger, rid, 3, "zhang_zy", opinion="同意。",
              decisions=[(_high_id(ledger, rid), DispositionKind.CHANGE, "删除身份证号")])
        review, diff = submit_revision(ledger, rid, write_doc(tmp_path, "v2.txt", NEW_HIGH), scanner=real_scanner)
        assert not diff.changes_missing and [f.category for f in diff.new_serious] == ["pending_case"]
        assert not diff.passed and "新出现高风险" in diff.summary()
        assert review_state(review).next_level == 3


def test_an_instruction_asking_for_changes_makes_the_approval_conditional(home: Path, tmp_path: Path) -> None:
    assert asks_for_changes("同意，删除第三段中的手机号码后发布。")
    assert asks_for_changes("请修正数据后公开")
    assert not asks_for_changes("同意发布。")
    with Ledger.open(home) as ledger:
        rid = _to_level3(ledger, write_doc(tmp_path, "通知.txt", DRAFT))
        _sign(ledger, rid, 3, "zhang_zy", opinion="同意，修改标题后发布。",
              decisions=[(_high_id(ledger, rid), DispositionKind.AGREE, "本人同意公开")])
        assert review_state(load_review(ledger, rid)).status is Status.AWAITING_VERIFICATION
        review, diff = submit_revision(ledger, rid, write_doc(tmp_path, "v2.txt", DRAFT.replace("通知", "通知（修订）")),
                                       scanner=real_scanner)
        assert diff.passed and review_state(review).status is Status.APPROVED
        from app.review.dispositions import disposition_of

        found = disposition_of(review, _high_id(ledger, rid))     # the v2 item carries v1's 同意公开
        assert found is not None and found[0].kind is DispositionKind.AGREE and found[1].level == 3


def test_decide_options_and_file(tmp_path: Path) -> None:
    assert parse_decide("abc-1=agree:已公开") == ("abc-1", DispositionKind.AGREE, "已公开")
    assert parse_decide("abc-2=须修改：删除") == ("abc-2", DispositionKind.CHANGE, "删除")
    with pytest.raises(ReviewError, match="格式错误"):
        parse_decide("abc-3 agree")
    lines = tmp_path / "d.txt"
    lines.write_text("# 第三级处理意见\nx-1=agree:已公开\nx-2=change:删去\n", encoding="utf-8")
    assert parse_decide_file(lines) == [("x-1", DispositionKind.AGREE, "已公开"), ("x-2", DispositionKind.CHANGE, "删去")]
    js = tmp_path / "d.json"
    js.write_text(json.dumps({"x-1": {"kind": "同意公开", "text": "已公开"}}, ensure_ascii=False), encoding="utf-8")
    assert parse_decide_file(js) == [("x-1", DispositionKind.AGREE, "已公开")]


MARK_SCRIPT = """
import sys
from pathlib import Path
from app.ledger import Ledger
from app.review.drafts import save_mark
from app.scan import Engine
from app.users import unlock
home, doc, password = sys.argv[1:]
report = Engine.load().scan_file(Path(doc))
f = next(x for x in report.findings if x.severity.value == "high")
with Ledger.open(home) as ledger:
    _user, signer = unlock(ledger, "xiao_li", password)
save_mark(Path(home), document_sha256=report.sha256, finding_id=f.id, rule=f.rule, text=f.text,
          severity=f.severity.value, kind="false_alarm", reason="系单位公开的办公号码", signer=signer)
print(f.id)
"""


def test_marks_before_a_review_persist_across_a_restart(home: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    doc = write_doc(tmp_path, "通知.txt", DRAFT)
    env = dict(os.environ, MISHEN_TEST_FAST_KDF="1", PYTHONPATH=str(REPO))
    # one process marks the item (no review yet) and exits
    done = subprocess.run([sys.executable, "-c", MARK_SCRIPT, str(home), str(doc), PASSWORD], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    fid = done.stdout.strip()
    drafts = list((home / "drafts").glob("*.json"))
    assert len(drafts) == 1 and oct(drafts[0].stat().st_mode & 0o777) == "0o600"
    # another process opens the review: the mark is recorded in the ledger under its author
    opened = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "review", "open", str(doc)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert opened.returncode == 0, opened.stderr
    rid = opened.stdout.strip().splitlines()[0]
    shown = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "review", "show", rid,
                            "--format", "json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    data = json.loads(shown.stdout)
    (f,) = [x for x in data["findings"] if x["id"] == fid]
    assert f["false_alarm"]["by"] == "xiao_li" and f["false_alarm"]["reason"] == "系单位公开的办公号码"
    assert not drafts[0].exists()          # recorded: the file kept only what was not recorded
    with Ledger.open(home) as ledger:
        (entry,) = ledger.events(kinds=("draft_marks_recorded",))
        assert entry.payload["marks"][0]["statement"]["user"] == "xiao_li"
    assert verify_ledger(ledger_path(home)).ok


def test_a_tampered_draft_mark_is_not_recorded(home: Path, tmp_path: Path) -> None:
    from app.review.drafts import load_drafts, save_mark
    from app.users import unlock

    doc = write_doc(tmp_path, "通知.txt", DRAFT)
    report = real_scanner(doc).report
    f = report.findings[0]
    with Ledger.open(home) as ledger:
        signer = unlock(ledger, "xiao_li", PASSWORD)[1]
        assert report.sha256 is not None
        save_mark(home, document_sha256=report.sha256, finding_id=f.id, rule=f.rule, text=f.text,
                  severity=f.severity.value, kind="false_alarm", reason="原理由", signer=signer)
        path = home / "drafts" / f"{report.sha256}.json"
        path.write_text(path.read_text(encoding="utf-8").replace("原理由", "改过的理由"), encoding="utf-8")
        r = open_review(ledger, doc, scanner=real_scanner)
        assert not ledger.events(kinds=("draft_marks_recorded",), review_id=r.id)
        assert [m.reason for m in load_drafts(home, report.sha256)] == ["改过的理由"]   # kept, not silently lost


def test_an_item_whose_span_widened_after_an_edit_is_the_same_item() -> None:
    from app.review.revision import same_item

    rule = "pending_case.pending_state"
    assert same_item(rule, "反映的问题正在核查中", rule, "投诉人王某某反映的问题正在核查中")
    assert not same_item(rule, "反映的问题正在核查中", "personal_info.mobile", "反映的问题正在核查中")
    assert not same_item(rule, "核查", rule, "正在核查中")     # too short to say


def test_a_forged_passed_check_does_not_approve(home: Path, tmp_path: Path) -> None:
    """A `revision_checked` claiming "passed" for a revision that still holds the 须修改 item (as a
    holder of the workstation key could append, with a forged version) does not make the review
    可以发布: the pinned findings are checked again when the review is read."""
    from app.review.file_check import check_file

    with Ledger.open(home) as ledger:
        rid = _to_level3(ledger, write_doc(tmp_path, "通知.txt", DRAFT))
        _sign(ledger, rid, 3, "zhang_zy", opinion="同意。",
              decisions=[(_high_id(ledger, rid), DispositionKind.CHANGE, "删除身份证号")])
        still = write_doc(tmp_path, "v2.txt", STILL_THERE)
        submit_revision(ledger, rid, still, scanner=real_scanner)
        _sign(ledger, rid, 3, "zhang_zy", opinion="同意。",          # conditional again, on version 2
              decisions=[(_high_id(ledger, rid), DispositionKind.CHANGE, "删除身份证号")])
        approval = load_review(ledger, rid).current_signoffs[-1]
        scan = ledger.events(kinds=("scan_recorded",))[-1]
        (check,) = ledger.events(kinds=("revision_checked",))
        with ledger.transaction() as tx:     # version 3 = the same file, "checked" as passed
            tx.append("scan_recorded", {**scan.payload, "version": 3}, ledger.workstation_signer())
            tx.append("revision_checked", {**check.payload, "from_version": 2, "to_version": 3, "passed": True,
                                           "approval_signature": approval.signature, "missing": []},
                      ledger.workstation_signer())
        forged = load_review(ledger, rid)
        assert forged.current.number == 3 and forged.checks[-1].passed is False
        assert review_state(forged).status is not Status.APPROVED and review_state(forged).next_level == 3
        assert check_file(ledger, still).approved is None


def test_cli_actions_recorded_as_the_user(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    doc = write_doc(tmp_path, "通知.txt", CLEAN)
    assert cli(monkeypatch, home, "review", "open", str(doc), "--user", "xiao_li", password=PASSWORD) == 0
    rid = capsys.readouterr().out.strip()
    assert cli(monkeypatch, home, "review", "open", str(doc)) == 0      # nobody named: the workstation
    with Ledger.open(home) as ledger:
        opened = ledger.events(kinds=("review_opened",))
        assert opened[0].actor == "xiao_li" and opened[0].payload["review_id"] == rid
        assert opened[1].actor != "xiao_li"
    doc.write_text("关于开展安全生产检查的通知（修订）\n", encoding="utf-8")
    assert cli(monkeypatch, home, "review", "resubmit", rid, str(doc), "--user", "xiao_li", password=PASSWORD) == 0
    with Ledger.open(home) as ledger:
        assert ledger.events(kinds=("scan_recorded",), review_id=rid)[-1].actor == "xiao_li"
    assert verify_ledger(ledger_path(home)).ok
