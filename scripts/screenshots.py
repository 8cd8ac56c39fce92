"""Start the real window under Xvfb on the sample draft and save screenshots of the main window,
the leader view, the ledger window, the users dialog, the PDF view, a structured docx and a
workbook into docs/screenshots/, on an office
PC's 1366×768 screen (MISHEN_SCREEN=WxH for another size): every window sizes itself from it.

    bash: xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py
    (or just `.venv/bin/python scripts/screenshots.py`: it re-runs itself under xvfb-run when no
    DISPLAY is set)

A throw-away data directory gets four reviewers; the sample goes through login, 建立审核单,
a waiver and levels 1–2 so the leader view has earlier opinions to show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
SAMPLE = REPO / "resources" / "samples" / "sample-draft.docx"
SCREEN = "1366x768"
PASSWORDS = {"李信息": "officer-pass", "王分管": "leader-pass", "赵主要": "principal-pass"}


def _reexec_under_xvfb() -> int:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("需要 xvfb-run（apt install xvfb）或一个可用的 DISPLAY。", file=sys.stderr)
        return 2
    env = dict(os.environ, MISHEN_SCREENSHOTS_CHILD="1")
    size = os.environ.get("MISHEN_SCREEN", SCREEN)
    return subprocess.call([xvfb, "-a", "-s", f"-screen 0 {size}x24", sys.executable, __file__, *sys.argv[1:]],
                           env=env)


def _wait(app, predicate, timeout: float = 30.0) -> None:
    import time

    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("timed out")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _settle(app, ms: int = 400) -> None:
    import time

    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()


def main() -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("MISHEN_SCREENSHOTS_CHILD"):
        return _reexec_under_xvfb()
    sys.path.insert(0, str(REPO))
    data = Path(tempfile.mkdtemp(prefix="mishen-shots-"))
    os.environ["MISHEN_HOME"] = str(data)
    os.environ.setdefault("MISHEN_CACHE", str(data / "cache"))
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(data / "settings"))

    from app.ledger.store import Ledger
    from app.review import Decision
    from app.users import unlock
    from app.users.model import Role
    from app.users.service import add_user
    from ui.shell.main import create_app

    with Ledger.open(data) as ledger:   # the 保密管理员 first, then the reviewers added by them
        add_user(ledger, "保密管理员", Role.SECRECY_ADMIN, "admin-pass-1", unit="某某市统计局")
        by = unlock(ledger, "保密管理员", "admin-pass-1")
        for name, role in (("李信息", Role.OFFICER), ("王分管", Role.DIVISION_LEADER), ("赵主要", Role.PRINCIPAL)):
            add_user(ledger, name, role, PASSWORDS[name], unit="某某市统计局", added_by=by)

    app = create_app()
    from ui.shell.main_window import MainWindow

    window = MainWindow(data_dir=str(data))     # sized from the screen (ui.shell.screen_fit)
    window.show()
    sample = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    window.open_paths([str(sample)])
    _wait(app, lambda: window.current_page() is not None and not window.scanning, 60)
    page = window.current_page()
    review = window.review
    controller = review.controller
    _wait(app, lambda: bool(controller.users))

    def login(name: str) -> None:
        controller.login(name, PASSWORDS[name])
        _wait(app, lambda: controller.session is not None and controller.session.name == name)

    def sign(name: str, opinion: str) -> None:
        login(name)
        n = len(page.review.current_signoffs)
        level = __import__("app.review", fromlist=["review_state"]).review_state(page.review).next_level
        controller.sign(page, level=level, decision=Decision.APPROVE, opinion=opinion, password=PASSWORDS[name])
        _wait(app, lambda: len(page.review.current_signoffs) == n + 1)

    login("李信息")
    window.review.ask_open_review().ok_button.click()
    _wait(app, lambda: page.review is not None)
    login("赵主要")
    from ui.review.dispositions import Status

    blocks = [f for f in page.report.findings if f.severity.value == "block"]
    for f in blocks:
        controller.record_decision(page, f, Status.WAIVED, "已核实：转载的已解密文件原有标志", PASSWORDS["赵主要"])
        _wait(app, lambda f=f: page.dispositions.status(f.id) is Status.WAIVED)
    sign("李信息", "已核对全文，问题已标注。")
    sign("王分管", "同意，报主要负责人审定。")
    users = window.review.ask_users()
    _wait(app, lambda: users.table.rowCount() == len(PASSWORDS) + 1)
    _settle(app, 400)
    OUT.mkdir(parents=True, exist_ok=True)
    users.grab().save(str(OUT / "users-dialog.png"))
    users.reject()

    login("李信息")
    window.step_finding(1)
    window.step_finding(1)
    _settle(app, 800)
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / "main-window.png"))

    login("赵主要")
    leader = window.open_leader_view()
    leader.instruction.setPlainText("同意，删除投诉人身份证号和手机号后发布。")
    from app.model import Severity
    from app.review.model import DispositionKind

    for ref in leader.items.refs:   # level 3 decides every high item: one 须修改, the others 同意公开
        if ref.id in leader.items.choices and ref.severity is Severity.HIGH:
            change = ref.rule == "personal_info.resident_id"
            leader.items.set_choice(ref.id, DispositionKind.CHANGE if change else DispositionKind.AGREE,
                                    "删除投诉人身份证号和手机号" if change else "已核实可以公开")
    _settle(app, 600)
    leader.grab().save(str(OUT / "leader-view.png"))
    leader.password.setText(PASSWORDS["赵主要"])
    leader.decide(Decision.APPROVE)
    _wait(app, lambda: len(page.review.current_signoffs) == 3)

    ledger = window.open_ledger()
    _wait(app, lambda: ledger.approval.rowCount() >= 1)
    verified: list[bool] = []
    ledger.verified.connect(verified.append)
    ledger.verify()
    _wait(app, lambda: bool(verified))
    ledger.tabs.setCurrentIndex(1)
    _settle(app, 600)
    ledger.grab().save(str(OUT / "ledger-window.png"))
    ledger.tabs.setCurrentIndex(0)
    _settle(app, 300)
    ledger.grab().save(str(OUT / "ledger-approvals.png"))

    if (REPO.parent / "shared" / "eval" / "corpus" / "heilongjiang-environment.pdf").exists():
        window.open_paths([str(REPO.parent / "shared" / "eval" / "corpus" / "heilongjiang-environment.pdf")])
        _wait(app, lambda: window.current_page() is not page and not window.scanning, 60)
        pdf_page = window.current_page()
        if pdf_page is not None and pdf_page.pdf_view is not None:
            _wait(app, lambda: pdf_page.pdf_view.ready)
            window.step_finding(1)
            _wait(app, lambda: bool(pdf_page.pdf_view.rendered_pages()))
            _settle(app, 1200)
            window.grab().save(str(OUT / "pdf-view.png"))

    # a draft with a heading, a list, a table, a comment, a tracked change, hidden text and a
    # page break (tests/layout_docs.py), and a workbook (tests/builders.py) as sheet grids
    from tests.builders import build_xlsx
    from tests.layout_docs import build_layout_docx

    for name, path in (("document-structure.png", build_layout_docx(data / "结构示例.docx")),
                       ("sheet-view.png", build_xlsx(data / "月报.xlsx"))):
        before = window.current_page()
        window.open_paths([str(path)])
        _wait(app, lambda before=before: window.current_page() is not before and not window.scanning, 60)
        shown = window.current_page()
        if shown is not None and shown.text_view is not None and shown.sheet_view is None:
            _wait(app, lambda shown=shown: shown.text_view.formatting_done)
        window.step_finding(1)
        _settle(app, 800)
        window.grab().save(str(OUT / name))

    window.close()
    for name in sorted(OUT.glob("*.png")):
        print(name.relative_to(REPO))
    shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
