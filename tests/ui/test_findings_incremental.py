"""The findings list of a long draft is handed to the tree in batches (no 2,000-row layout in one
turn), group counts are the full counts from the start, and a finding not listed yet is listed
at once when it is selected."""

from __future__ import annotations

from app.model import Category, Document, DocumentReport, Finding, Location, Part, Segment, Severity
from ui.document import findings_model
from ui.document.findings_model import FindingsModel
from ui.review.dispositions import Dispositions


def many_findings(n: int = 1200) -> DocumentReport:
    segments = [Segment(f"联系人手机139{i:08d}。", Location(Part.BODY, paragraph=i + 1)) for i in range(n)]
    doc = Document.build("/tmp/many.docx", "docx", "ab" * 32, segments)
    findings = tuple(
        Finding(f"f{i}", Category.PERSONAL_INFO, Severity.HIGH, s.text[5:16], s.text, s.start + 5, s.start + 16,
                i, s.location, "personal_info.mobile", "依据", "说明", "建议")
        for i, s in enumerate(doc.segments))
    return DocumentReport(doc.path, doc.sha256, "docx", findings, document=doc)


def test_rows_arrive_in_batches_and_selection_lists_at_once(qtbot):
    report = many_findings()
    model = FindingsModel()
    model.set_report(report, Dispositions())
    severity = model.index(0, 0)
    category = model.index(0, 0, severity)
    assert model.total() == len(report.findings)
    assert model.counts() == {Severity.HIGH: len(report.findings)}        # full counts at once
    assert model.rowCount(category) == findings_model.FIRST_ROWS < len(report.findings)
    assert not model.is_filled
    last = report.findings[-1]
    index = model.index_of(last.id)                                        # asked for: listed now
    assert index.isValid() and model.finding_at(index) is last
    assert model.rowCount(category) == len(report.findings)
    model.set_report(report, Dispositions())                               # again: batches from the timer
    assert model.rowCount(model.index(0, 0, model.index(0, 0))) == findings_model.FIRST_ROWS
    with qtbot.waitSignal(model.filled, timeout=5_000):
        pass
    assert model.rowCount(model.index(0, 0, model.index(0, 0))) == len(report.findings)
    assert [f.id for f in model.ordered_findings()] == [f.id for f in report.findings]
