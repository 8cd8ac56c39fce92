"""The findings panel over hand-made reports: F3 in reading order (severity order as an option),
the explanation follows the selection and clears when its finding is filtered out, and each
document keeps its own filter."""

from __future__ import annotations

import pytest

from app.model import Severity
from tests.ui.factories import make_report
from ui.document.finding_navigation import StepOrder, navigation_order, step_target
from ui.document.findings_model import FindingFilter
from ui.document.findings_panel import FindingsPanel
from ui.review.dispositions import Dispositions

PLACEHOLDER = "选择一处问题查看依据和修改建议"


@pytest.fixture
def panel(qtbot):
    p = FindingsPanel()
    qtbot.addWidget(p)
    return p


def severity_index(panel, severity) -> int:
    box = panel.severity_box
    return next(i for i in range(box.count()) if box.itemData(i) == severity)


def test_navigation_order_reading_and_severity():
    report = make_report()
    listed = list(report.findings)
    listed.reverse()
    reading = navigation_order(listed)
    assert [f.start for f in reading] == sorted(f.start for f in report.findings)
    assert navigation_order(listed, StepOrder.SEVERITY) == listed
    assert step_target(reading, None, 1) is reading[0]
    assert step_target(reading, None, -1) is reading[-1]
    assert step_target(reading, reading[-1].id, 1) is reading[0]          # wraps
    assert step_target(reading, reading[0].id, -1) is reading[-1]
    assert step_target([], None, 1) is None


def test_f3_follows_reading_order_by_default(panel):
    report = make_report()
    panel.set_report(report, Dispositions())
    tree_order = panel.model.ordered_findings()
    by_position = sorted(report.findings, key=lambda f: f.start)
    assert tree_order != by_position               # severity groups differ from the document order
    seen = [panel.step(1).id for _ in report.findings]
    assert seen == [f.id for f in by_position]
    assert panel.step(1).id == by_position[0].id     # wraps
    assert panel.step(-1).id == by_position[-1].id
    panel.set_step_order(StepOrder.SEVERITY)
    assert panel.order_box.currentData() == "severity"
    panel.tree.setCurrentIndex(panel.model.index_of(tree_order[0].id).parent().parent())
    seen = [panel.step(1).id for _ in tree_order]
    assert seen == [f.id for f in tree_order]


def test_explanation_follows_selection_and_clears_when_filtered_out(panel):
    report = make_report()
    panel.set_report(report, Dispositions())
    high = next(f for f in report.findings if f.severity is Severity.HIGH)
    medium = next(f for f in report.findings if f.severity is Severity.MEDIUM)
    panel.select_finding(high.id)
    assert high.text in panel.detail.toPlainText()
    panel.select_finding(medium.id)
    assert medium.text in panel.detail.toPlainText() and f"说明 {high.rule}" not in panel.detail.toPlainText()
    # filter to HIGH: the selected MEDIUM finding disappears, and so does its explanation
    panel.severity_box.setCurrentIndex(severity_index(panel, Severity.HIGH))
    assert panel.current_finding() is None
    assert PLACEHOLDER in panel.detail.toPlainText()
    assert medium.text not in panel.detail.toPlainText()
    # a finding still listed keeps its explanation through a filter change
    panel.select_finding(high.id)
    panel.query.setText(high.text)
    assert panel.current_finding() == high
    assert high.text in panel.detail.toPlainText()


def test_filters_are_per_document(panel):
    a, b = make_report("/tmp/a.docx"), make_report("/tmp/b.docx")
    da, db = Dispositions(), Dispositions()
    panel.set_report(a, da)
    panel.query.setText("张三")
    filtered = panel.model.total()
    assert 0 < filtered < len(a.findings)
    panel.set_report(b, db)                          # the next document starts unfiltered
    assert panel.query.text() == ""
    assert panel.model.total() == len(b.findings)
    assert panel.severity_box.currentIndex() == 0
    panel.severity_box.setCurrentIndex(severity_index(panel, Severity.BLOCK))
    assert panel.model.total() == 1
    panel.set_report(a, da)                          # back to the first: its own filter again
    assert panel.query.text() == "张三"
    assert panel.severity_box.currentIndex() == 0
    assert panel.model.total() == filtered
    assert panel.filter_for("/tmp/b.docx").severities == frozenset({Severity.BLOCK})
    assert panel.filter_for("/tmp/c.docx") is None
    assert isinstance(panel.filter_for("/tmp/a.docx"), FindingFilter)


def test_pdf_line_breaks_do_not_show_as_spaces():
    from ui.shell.labels import flowing_text

    assert flowing_text("3099万\r\n人") == "3099万人"
    assert flowing_text("第一行\n第二行") == "第一行第二行"
    assert flowing_text("GDP  增长") == "GDP 增长"
    assert flowing_text("hello\r\nworld") == "hello world"
