"""A long document goes into the text view in chunks (no single long insert on the GUI thread);
highlights and navigation still land exactly on their words once the text is complete."""

from __future__ import annotations

from app.model import Category, Document, DocumentReport, Finding, Location, Part, Segment, Severity
from ui.document.document_view import INSERT_CHUNK, TextDocumentView
from ui.review.dispositions import Dispositions


def long_report() -> DocumentReport:
    line = "各地区各部门要认真贯彻落实信息公开条例，做好政府信息公开工作。" * 4
    segments = [Segment(f"{i}. {line}", Location(Part.BODY, paragraph=i + 1)) for i in range(3000)]
    segments.append(Segment("最后一段：联系人手机13905610000。", Location(Part.BODY, paragraph=3001)))
    doc = Document.build("/tmp/long.docx", "docx", "cd" * 32, segments)
    assert len(doc.text) > 2 * INSERT_CHUNK
    findings = []
    for needle in ("0. 各地区", "13905610000"):
        start = doc.text.index(needle) if needle != "13905610000" else doc.text.rindex(needle)
        seg = doc.segment_at(start)
        findings.append(Finding(f"id-{start}", Category.PERSONAL_INFO, Severity.HIGH, needle, needle, start,
                                start + len(needle), seg, doc.segments[seg].location, "personal_info.mobile",
                                "依据", "说明", "建议"))
    return DocumentReport(doc.path, doc.sha256, "docx", tuple(findings), document=doc)


def test_long_text_arrives_in_chunks_and_highlights_stay_exact(qtbot):
    report = long_report()
    view = TextDocumentView()
    qtbot.addWidget(view)
    view.set_report(report, Dispositions())
    assert not view.text_done                                    # only the first chunk so far
    assert view.editor.document().characterCount() <= INSERT_CHUNK + 1
    last = report.findings[-1]
    view.show_finding(last)                                      # asked for before its text is there
    qtbot.waitUntil(lambda: view.formatting_done, timeout=20_000)
    for f in report.findings:
        assert view.finding_text(f) == f.text
    assert view.current_finding() == last.id
    assert view.editor.textCursor().position() == view.finding_range(last)[1]   # scrolled to it
    view.shutdown()
