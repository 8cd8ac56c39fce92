"""What must be called out above the findings: pages without a text layer, hidden content,
and any other notice the reader attached to the document."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.model import Category, DocumentReport, Part


def _tr(text: str) -> str:
    return QCoreApplication.translate("notices", text)


_HIDDEN_NAMES = {Part.COMMENT: "批注", Part.INSERTION: "修订（插入）", Part.DELETION: "修订（删除）",
                 Part.HIDDEN: "隐藏文字", Part.METADATA: "文档属性"}


def attention_lines(report: DocumentReport) -> list[str]:
    """Chinese sentences, most important first."""
    lines: list[str] = []
    for notice in report.notices:
        if notice.code == "no_text_layer" and "文字识别（OCR）" in notice.message:
            lines.append(notice.message)     # read by OCR: which pages, how sure, check the original
        elif notice.code == "no_text_layer":
            pages = notice.pages or ((notice.page,) if notice.page else ())
            where = _tr("第 {0} 页").format("、".join(str(p) for p in pages)) if pages else _tr("部分页面")
            lines.append(_tr("{0}没有文字层（扫描图像），无法自动审查，须人工逐页核对。").format(where))
        else:
            lines.append(notice.message)
    counts: dict[Part, int] = {}
    for f in report.findings:
        if f.category is Category.HIDDEN_CONTENT:
            counts[f.location.part] = counts.get(f.location.part, 0) + 1
    if counts:
        parts = "、".join(_tr("{0} {1} 处").format(_tr(_HIDDEN_NAMES.get(p, p.value)), n)
                         for p, n in counts.items())
        lines.append(_tr("文档含发布后仍可被读出的隐藏内容：{0}。").format(parts))
    kind = report.kind
    if kind is not None and kind.kind != "draft":
        signals = "；".join(kind.signals[:3])
        lines.append(_tr("文件类型：{0}（依据：{1}）。已发布文本中的常规内容已降为提示。").format(kind.label, signals))
    return lines
