"""Small hand-made reports for model tests (no files, no engine)."""

from __future__ import annotations

from app.model import Category, Document, DocumentReport, Finding, Location, Notice, Part, Segment, Severity


def make_report(path: str = "/tmp/draft.docx") -> DocumentReport:
    doc = Document.build(path, "docx", "ab" * 32, [
        Segment("机密★5年", Location(Part.HEADER, label="首页页眉")),
        Segment("关于某事项的通知", Location(Part.BODY, paragraph=1)),
        Segment("前三季度财政收入12.6亿元，暂未对外发布。联系人张三，身份证110101199001011234。",
                Location(Part.BODY, paragraph=2)),
        Segment("此处数字尚未公开", Location(Part.COMMENT, label="批注 (作者 张三)")),
    ], notices=(Notice("no_text_layer", "第2页没有文字层", pages=(2,)),))
    text = doc.text

    def finding(needle: str, cat: Category, sev: Severity, rule: str) -> Finding:
        start = text.index(needle)
        seg = doc.segment_at(start)
        return Finding(f"abababab-{rule}-{start}", cat, sev, needle, needle, start, start + len(needle), seg,
                       doc.segments[seg].location, rule, f"依据 {rule}", f"说明 {rule}", f"建议 {rule}")

    findings = (
        finding("机密★5年", Category.SECRET_MARK, Severity.BLOCK, "secret_mark.classification"),
        finding("12.6亿元", Category.UNPUBLISHED_STATISTIC, Severity.HIGH, "statistic.unpublished"),
        finding("110101199001011234", Category.PERSONAL_INFO, Severity.HIGH, "personal_info.id_card"),
        finding("张三", Category.PERSONAL_INFO, Severity.MEDIUM, "personal_info.name"),
        finding("此处数字尚未公开", Category.HIDDEN_CONTENT, Severity.MEDIUM, "hidden_content.comment"),
    )
    return DocumentReport(path, doc.sha256, "docx", findings, doc.notices, document=doc)
