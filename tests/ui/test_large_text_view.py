"""A long document is shown in parts (each its own QTextDocument, filled in timed steps while it
is not shown); highlights and navigation still land exactly on their words in any part."""

from __future__ import annotations

from app.model import Category, Document, DocumentReport, Finding, Location, Part, Segment, Severity
from ui.document.document_view import TextDocumentView
from ui.document.rich_plan import PART_CHARS
from ui.review.dispositions import Dispositions


def long_report() -> DocumentReport:
    line = "各地区各部门要认真贯彻落实信息公开条例，做好政府信息公开工作。" * 4
    segments = [Segment(f"{i}. {line}", Location(Part.BODY, paragraph=i + 1)) for i in range(3000)]
    segments.append(Segment("最后一段：联系人手机13905610000。", Location(Part.BODY, paragraph=3001)))
    doc = Document.build("/tmp/long.docx", "docx", "cd" * 32, segments)
    assert len(doc.text) > 2 * PART_CHARS
    findings = []
    for needle in ("0. 各地区", "13905610000"):
        start = doc.text.index(needle) if needle != "13905610000" else doc.text.rindex(needle)
        seg = doc.segment_at(start)
        findings.append(Finding(f"id-{start}", Category.PERSONAL_INFO, Severity.HIGH, needle, needle, start,
                                start + len(needle), seg, doc.segments[seg].location, "personal_info.mobile",
                                "依据", "说明", "建议"))
    return DocumentReport(doc.path, doc.sha256, "docx", tuple(findings), document=doc)


def test_long_text_arrives_in_parts_and_highlights_stay_exact(qtbot):
    report = long_report()
    view = TextDocumentView()
    qtbot.addWidget(view)
    view.set_report(report, Dispositions())
    assert view.part_count > 2
    assert not view.text_done                                    # the first part is filled in steps
    first, last = report.findings
    qtbot.waitUntil(lambda: view.formatting_done, timeout=20_000)
    assert view.editor.document().characterCount() <= PART_CHARS + 2000
    assert view.finding_text(first) == first.text
    view.show_finding(last)                                      # in the last part, not filled yet
    qtbot.waitUntil(lambda: view.formatting_done and view.shown_part == view.part_count - 1, timeout=20_000)
    assert view.finding_text(last) == last.text
    a, b = view.finding_range(last)
    assert view.editor.document().toPlainText()[a:b] == last.text
    assert view.current_finding() == last.id
    assert view.editor.textCursor().position() == b              # scrolled to it
    view.show_part(0)
    qtbot.waitUntil(lambda: view.shown_part == 0, timeout=5_000)
    assert view.part_bar.isVisibleTo(view) and not view.prev_part.isEnabled()
    assert view.find("13905610000")                              # search goes on into later parts
    assert view.shown_part == view.part_count - 1
    view.shutdown()
