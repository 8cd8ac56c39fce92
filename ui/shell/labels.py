"""Chinese names and colours for severities, categories and finding states."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from app.model import Category, Severity


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


SEVERITY_ORDER = (Severity.BLOCK, Severity.HIGH, Severity.MEDIUM, Severity.LOW)

_SEVERITY_NAMES = {
    Severity.BLOCK: "禁止发布",
    Severity.HIGH: "高风险",
    Severity.MEDIUM: "需核实",
    Severity.LOW: "提示",
}

#: Highlight colours (background) and strong colours (text/outline) per severity.
SEVERITY_BG = {
    Severity.BLOCK: "#ffb3b3",
    Severity.HIGH: "#ffd199",
    Severity.MEDIUM: "#fff099",
    Severity.LOW: "#cfe3ff",
}
SEVERITY_FG = {
    Severity.BLOCK: "#c00000",
    Severity.HIGH: "#d46b00",
    Severity.MEDIUM: "#9a7d00",
    Severity.LOW: "#2f6db5",
}
DISMISSED_BG = "#e4e4e4"

_CATEGORY_NAMES = {
    Category.SECRET_MARK: "涉密标识",
    Category.SENSITIVE_TERM: "敏感词语",
    Category.UNPUBLISHED_STATISTIC: "未公开统计数据",
    Category.PENDING_CASE: "未结案件",
    Category.PERSONAL_INFO: "个人信息",
    Category.HARMFUL_CONTENT: "有害信息",
    Category.APPROVAL_REQUIRED: "须经审批事项",
    Category.WORDING: "规范表述",
    Category.TYPO: "错别字",
    Category.HIDDEN_CONTENT: "隐藏内容",
}


def severity_name(severity: Severity) -> str:
    return _tr(_SEVERITY_NAMES[severity])


def category_name(category: Category) -> str:
    return _tr(_CATEGORY_NAMES[category])


def severity_bg(severity: Severity) -> QColor:
    return QColor(SEVERITY_BG[severity])


def severity_fg(severity: Severity) -> QColor:
    return QColor(SEVERITY_FG[severity])


def _cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" \
        or "\u3000" <= ch <= "\u303f"


def flowing_text(text: str) -> str:
    """A finding's text as one line: a PDF line break inside it is layout, not a space, between
    two Chinese characters ("3099万\\r\\n人" -> "3099万人"); elsewhere runs of white space are one space."""
    import re

    def join(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        line_break = "\n" in m.group() or "\r" in m.group()
        if line_break and (not before or not after or _cjk(before) or _cjk(after)):
            return ""
        return " "

    return re.sub(r"\s+", join, text).strip()
