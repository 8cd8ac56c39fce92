"""README "The workstation window", walked step by step in the real window: the reviewers created
with the README's own shell loop, the sample draft, 登录 and 建立审核单, a consultation of 县公安局
(the README's shell blocks for the identities and the answer, 征求意见… and 导入答复…), the gating message for the
block finding, the waiver as 赵主要, levels 1 and 2 in the sign dialog, level 3 in the leader view,
and the ledger window's integrity check."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from app.model import Severity
from app.review import Decision
from tests.ui.conftest import REPO
from tests.ui.flow import WAIT, login, open_file, open_review, sign
from ui.review.dispositions import Status
from ui.shell.main_window import MainWindow

README = REPO / "README.md"
SAMPLE = REPO / "resources" / "samples" / "sample-draft.docx"
PASSWORD = "a-long-password"


def readme_user_loop() -> str:
    """The bash block of step 1, exactly as printed in the README."""
    section = README.read_text(encoding="utf-8").split("## The workstation window", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "README step 1 has no bash block"
    return "\n".join(line.strip() for line in block.group(1).splitlines())


def readme_block(n: int) -> str:
    """The n-th bash block (0-based) of "The workstation window", run from a scratch directory:
    only the relative `.venv/bin/mishen` becomes this checkout's."""
    section = README.read_text(encoding="utf-8").split("## The workstation window", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    text = "\n".join(line.strip() for line in blocks[n].splitlines())
    return text.replace(".venv/bin/mishen", str(REPO / ".venv" / "bin" / "mishen"))


def run_block(n: int, cwd, home) -> str:
    cwd.mkdir(exist_ok=True)
    done = subprocess.run(["bash", "-c", readme_block(n)], cwd=cwd, env=dict(os.environ, MISHEN_HOME=str(home)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def readme_home(tmp_path, monkeypatch):
    if not (REPO / ".venv" / "bin" / "mishen").exists() or shutil.which("bash") is None:
        pytest.skip("needs .venv/bin/mishen and bash")
    home = tmp_path / "readme-home"
    monkeypatch.setenv("MISHEN_HOME", str(home))
    done = subprocess.run(["bash", "-c", readme_user_loop()], cwd=REPO, env=dict(os.environ, MISHEN_HOME=str(home)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("已添加用户") == 4, done.stdout   # the 保密管理员 first, then three reviewers
    return home


def test_readme_window_flow(qtbot, settings, engine_holder, readme_home):
    # 2. the window on the sample draft; 登录 as 李信息; 建立审核单 with the engine's suggestion
    window = MainWindow(settings=settings, engine=engine_holder, data_dir=str(readme_home))
    qtbot.addWidget(window)
    window.show()
    page = open_file(qtbot, window, SAMPLE)
    panel = window.review.panel
    login(qtbot, window, "李信息", PASSWORD)
    open_review(qtbot, window, page)
    assert page.review.unit == "县营商办"

    # … 征求意见: the two units exchange identities (README block), the letter from 审核 → 征求意见…,
    # 县公安局's answer (README block), 导入答复… records it
    work = readme_home.parent / "work"
    assert "已登记外单位“县公安局”" in run_block(1, work, readme_home)
    window.consult_action.trigger()
    consult = window.consult_dialog
    qtbot.waitUntil(lambda: consult.to_unit.count() == 1, timeout=WAIT)
    assert "县公安局" in consult.to_unit.currentText() and consult.admin.text() == "孙保密"
    consult.password.setText("admin-password")
    consult.output.setText(str(work / "征求意见函.mishen"))
    with qtbot.waitSignal(consult.sent, timeout=WAIT) as sent:
        consult.send_button.click()
    assert sent.args[0].to_unit == "县公安局" and "答复期限" in consult.result.text()
    run_block(2, work, readme_home)
    with qtbot.waitSignal(consult.imported, timeout=WAIT) as got:
        consult.import_from(work / "答复意见.mishen")
    assert got.args[0].state_text == "已答复：同意公开"
    qtbot.waitUntil(lambda: "已答复：同意公开" in consult.list.item(0).text(), timeout=WAIT)
    consult.close()

    # 3. the block finding (机密★5年 in the header) stops approval
    blocks = [f for f in page.report.findings if f.severity is Severity.BLOCK]
    assert [f.text for f in blocks] == ["机密★5年"]
    assert "页眉" in blocks[0].location.label or blocks[0].location.part.value == "header"
    qtbot.waitUntil(lambda: "尚有 1 处禁止发布的内容未处理" in panel.gate_label.text(), timeout=WAIT)

    # … 赵主要 豁免s it with a reason (and the password)
    login(qtbot, window, "赵主要", PASSWORD)
    findings = window.findings
    findings.select_finding(blocks[0].id)
    qtbot.waitUntil(lambda: findings.waive_button.isEnabled(), timeout=WAIT)
    dialog = findings.ask_waive()          # what the 豁免… button opens
    dialog.edit.setPlainText("转载的已解密文件原有标志，已核实解密")
    dialog.password_edit.setText(PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.dispositions.status(blocks[0].id) is Status.WAIVED, timeout=WAIT)
    qtbot.waitUntil(lambda: "禁止发布" not in panel.gate_label.text(), timeout=WAIT)

    # … then level 1 (李信息) and level 2 (王分管) in the sign dialog
    login(qtbot, window, "李信息", PASSWORD)
    sign(qtbot, window, page, Decision.APPROVE, "已核对。", PASSWORD)
    login(qtbot, window, "王分管", PASSWORD)
    sign(qtbot, window, page, Decision.APPROVE, "同意，报主要负责人审定。", PASSWORD)
    assert [s.level for s in page.review.current_signoffs] == [1, 2]

    # 4. as 赵主要, 领导审批视图: the document beside every item and its disposition, the waiver
    # (who, when, why), earlier opinions, 批示; each high item 同意公开 or 须修改 (one 须修改: a
    # conditional approval), then 同意发布; the revised file is checked with its version diff and
    # `mishen review check`; 核对发布文件 in the ledger window
    login(qtbot, window, "赵主要", PASSWORD)
    panel.leader_button.click()
    leader = window.review.leader_view
    assert leader.isVisible()
    assert leader.document_page is not None and leader.document_page.report.sha256 == page.report.sha256
    assert "同意，报主要负责人审定" in leader.opinions.toPlainText()
    assert "转载的已解密文件原有标志" in leader.digest.toPlainText() and "第 1 版" in leader.digest.toPlainText()
    severities = [leader.items.item(r, 0).text() for r in range(leader.items.rowCount())]
    assert {"高风险", "需核实", "提示"} <= set(severities)
    leader.instruction.setPlainText("同意，删除投诉人身份证号和手机号后发布。")
    leader.password.setText(PASSWORD)
    assert not leader.approve_button.isEnabled() and "尚有 6 处未处理" in leader.gate.text()
    from app.review.model import DispositionKind

    id_number = next(f for f in page.report.findings if f.rule == "personal_info.resident_id")
    for ref in leader.items.refs:
        if ref.id == id_number.id:
            leader.items.set_choice(ref.id, DispositionKind.CHANGE, "删除投诉人身份证号和手机号")
        elif ref.id in leader.items.choices and ref.severity is Severity.HIGH:
            leader.items.set_choice(ref.id, DispositionKind.AGREE, "已核实可以公开")
    assert leader.approve_button.isEnabled(), leader.gate.text()
    with qtbot.waitSignal(leader.signed, timeout=WAIT):
        leader.approve_button.click()
    assert [s.level for s in page.review.current_signoffs] == [1, 2, 3]
    qtbot.waitUntil(lambda: "待提交修改稿核验" in panel.status.text(), timeout=WAIT)

    # … the conditional approval: 李信息 deletes the ID number and the mobile number, saves the
    # draft as sample-draft-定稿.docx, 提交修改稿…; the version diff shows; the review can be published
    from tests.builders import rewrite_zip

    revised = work / "sample-draft-定稿.docx"
    shutil.copy(SAMPLE, revised)
    rewrite_zip(revised, lambda name, data: data.replace("（身份证号：11010519491231002X，手机：139 1234 5678）"
                                                         .encode(), b"") if name == "word/document.xml" else data)
    login(qtbot, window, "李信息", PASSWORD)
    qtbot.waitUntil(lambda: panel.resubmit_button.isVisible(), timeout=WAIT)
    panel.resubmit_button.click()
    resubmit = window.review.dialog
    resubmit.path.setText(str(revised))
    resubmit.ok_button.click()
    qtbot.waitUntil(lambda: window.review.diff_dialog is not None, timeout=WAIT)
    assert "核验通过" in window.review.diff_dialog.text.toPlainText()
    window.review.diff_dialog.close()
    page = window.current_page()
    panel = window.review.panel
    qtbot.waitUntil(lambda: "可以发布" in panel.status.text(), timeout=WAIT)
    # … and `mishen review check` (the README block) accepts exactly that file
    assert "是经批准发布的版本" in run_block(3, work, readme_home)

    # 审批台帐与审计记录: the leaders' ledger, the audit trail, 核验台帐完整性
    window.ledger_action.trigger()
    ledger = window.review.ledger_window
    qtbot.waitUntil(lambda: ledger.approval.rowCount() == 1, timeout=WAIT)
    assert ledger.audit.rows
    with qtbot.waitSignal(ledger.verified, timeout=WAIT) as blocker:
        ledger.verify_button.click()
    assert blocker.args == [True]
    assert "台帐完好" in ledger.result.text()
    with qtbot.waitSignal(ledger.checked, timeout=WAIT) as original:    # 核对发布文件… on the draft
        ledger.check_file(str(SAMPLE))
    assert original.args == [False]
    ledger.check_dialog.close()
