"""提交修改稿 from the review panel: after 退回修改 the edited file goes in as the next version,
it is scanned again and the sign-offs start again from level 1."""

from __future__ import annotations

import pytest

from app.review import Decision, review_state
from app.review.model import Status
from tests import builders
from tests.ui.conftest import PASSWORDS
from tests.ui.flow import WAIT, login, open_file, open_review, sign
from ui.shell.main_window import MainWindow

FIRST = ["绝密★长期", "关于做好信息公开工作的通知。", "联系人：李四。"]
REVISED = ["关于做好信息公开工作的通知。", "请各单位按要求执行。"]


@pytest.fixture
def window(qtbot, settings, engine_holder, data_dir):
    win = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(win)
    win.show()
    return win


def test_resubmit_after_return_restarts_at_level_one(qtbot, window, tmp_path):
    path = builders.build_simple_docx(tmp_path / "通知.docx", FIRST)
    page = open_file(qtbot, window, path)
    panel = window.review.panel
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, window, page)
    assert panel.resubmit_button.isVisible()            # an open review may take a new version
    sign(qtbot, window, page, Decision.RETURN, "请删除密级标志后重新提交。", PASSWORDS["李信息"])
    assert review_state(page.review).status is Status.AWAITING_REVISION
    qtbot.waitUntil(lambda: "待提交修改后的新版本" in panel.next_label.text(), timeout=WAIT)
    old_sha = page.review.current.sha256

    # the same file again is refused with the core's reason
    panel.resubmit_button.click()
    dialog = window.review.dialog
    assert dialog.path.text() == str(path.resolve())
    assert "相同" in dialog.note.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "文稿与当前版本相同" in dialog.error.text(), timeout=WAIT)
    dialog.reject()

    # the document is edited in place: the dialog offers it as version 2
    builders.build_simple_docx(path, REVISED)
    panel.resubmit_button.click()
    dialog = window.review.dialog
    assert "将作为第 2 版重新审查" in dialog.note.text()
    assert "从第一级重新开始" in dialog.note.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.current_page() is not None and window.current_page().review is not None
                    and window.current_page().review.current.number == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    page = window.current_page()
    assert len(window.pages()) == 1                     # the new version replaced the old tab
    review = page.review
    assert review.current.sha256 != old_sha
    assert page.report.sha256 == review.current.sha256  # rescanned: the findings on screen are version 2's
    assert "绝密" not in page.report.document.text
    assert review.current_signoffs == ()                # earlier sign-offs do not carry over
    state = review_state(review)
    assert state.status is Status.IN_REVIEW and state.next_level == 1
    qtbot.waitUntil(lambda: "第 2 版" in panel.title.text(), timeout=WAIT)
    assert "一级" in panel.next_label.text() or "信息员" in panel.next_label.text()
    sign(qtbot, window, page, Decision.APPROVE, "已修改。", PASSWORDS["李信息"])
    assert [s.level for s in page.review.current_signoffs] == [1]


def test_resubmit_picks_another_file(qtbot, window, tmp_path):
    path = builders.build_simple_docx(tmp_path / "通知.docx", FIRST)
    page = open_file(qtbot, window, path)
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, window, page)
    revised = builders.build_simple_docx(tmp_path / "通知（修改稿）.docx", REVISED)
    window.review.panel.resubmit_button.click()
    dialog = window.review.dialog
    dialog.path.setText(str(revised))
    assert "将作为第 2 版" in dialog.note.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.current_page() is not None and window.current_page().path.endswith("修改稿）.docx")
                    and window.current_page().review is not None, timeout=WAIT)
    assert [p.path for p in window.pages()] == [window.current_page().path]   # the old version's tab is closed
    assert window.current_page().review.current.number == 2
