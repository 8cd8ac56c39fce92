"""Chinese location labels for printed forms: 正文 第5段, 表1 第2行第2列, 页眉, 批注, 文档属性 作者.

The part names are the window's (`app.scan.location_label`); the forms also spell out table cells
("R2C3" -> "第2行第3列") and document properties ("core:author" -> "作者"), which an officer reading
a 审查单 cannot be expected to decode."""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.model import Location, Part

PART_NAMES: dict[str, str] = {
    Part.BODY.value: "正文", Part.TABLE.value: "表格", Part.HEADER.value: "页眉", Part.FOOTER.value: "页脚",
    Part.FOOTNOTE.value: "脚注", Part.ENDNOTE.value: "尾注", Part.TEXTBOX.value: "文本框",
    Part.COMMENT.value: "批注", Part.INSERTION.value: "修订插入", Part.DELETION.value: "修订删除",
    Part.HIDDEN.value: "隐藏文字", Part.METADATA.value: "文档属性", Part.PAGE.value: "页面",
    Part.TITLE.value: "网页标题", Part.ATTRIBUTE.value: "网页属性", Part.CELL.value: "单元格",
}

#: Document property keys as the readers name them (docx/xlsx `core:`/`app:`, PDF info keys).
PROPERTY_NAMES: dict[str, str] = {
    "author": "作者", "last_modified_by": "最后修改者", "title": "标题", "subject": "主题",
    "keywords": "关键词", "comments": "备注", "category": "类别", "content_status": "内容状态",
    "company": "单位", "manager": "经理", "creator": "创建工具", "producer": "生成工具",
    "description": "备注", "lastmodifiedby": "最后修改者",
}
#: Severities as the forms print them (the 审查单's words), loudest first.
SEVERITY_NAMES: dict[str, str] = {"block": "禁止发布", "high": "高风险", "medium": "需核实", "low": "提示"}


def category_name(value: str) -> str:
    """"secret_mark" -> "密级标志" (the rule names' words); an unknown value unchanged."""
    from app.model import Category
    from app.rule_names import CATEGORY_NAMES

    try:
        return CATEGORY_NAMES[Category(value)]
    except ValueError:
        return value


_PREFIXES = {"core": "", "app": "", "custom": "自定义属性 "}
_RC = re.compile(r"^R(\d+)C(\d+)$")


def property_label(label: str) -> str:
    """"core:author" -> "作者"; "custom:密级" -> "自定义属性 密级"; anything else unchanged."""
    prefix, sep, key = label.partition(":")
    if sep and prefix in _PREFIXES:
        name = PROPERTY_NAMES.get(key.lower(), key)
        return _PREFIXES[prefix] + name
    return PROPERTY_NAMES.get(label.lower(), label)


def cell_label(cell: str) -> str:
    """"R2C3" (a Word table cell) -> "第2行第3列"; a spreadsheet reference ("B7") stays as it is."""
    m = _RC.match(cell)
    return f"第{m.group(1)}行第{m.group(2)}列" if m else f"{cell}单元格" if cell[:1].isalpha() else cell


def location_text(loc: Location | Mapping[str, object]) -> str:
    """One location in the words of the window, with cells and properties spelt out."""
    if isinstance(loc, Location):
        data: Mapping[str, object] = loc.to_json()
    else:
        data = loc
    part = str(data.get("part") or "")
    table, cell = data.get("table"), data.get("cell")
    name = PART_NAMES.get(part, part)
    label = str(data.get("label") or "")
    if label and part == Part.METADATA.value:
        label = property_label(label)
    bits: list[str] = []
    # "表1 …", "B7单元格" and a label such as "首页页眉" or "批注 作者：张三" name the part already
    named = bool(label and name and name in label)
    if named:          # "第1节 页眉 第1段": the label leads when it names the part
        bits.append(label)
    elif name and not ((part == Part.TABLE.value and table) or (part == Part.CELL.value and cell)):
        bits.append(name)
    if data.get("sheet"):
        bits.append(f"工作表“{data['sheet']}”")
    if data.get("page"):
        bits.append(f"第{data['page']}页")
    if table:
        bits.append(f"表{table}")
    if cell:
        bits.append(cell_label(str(cell)))
    if data.get("paragraph") and not cell:
        bits.append(f"第{data['paragraph']}段")
    if label and not named:
        bits.append(label)
    return " ".join(bits) or "—"


_PROPERTY_IN_TEXT = re.compile(r"(core|app|custom):([^）)\s，。]+)")


def message_text(message: str) -> str:
    """A finding's message with property keys spelt out ("文档属性（core:author）" -> "文档属性（作者）");
    reports pinned in the ledger keep the keys the engine wrote, the paper does not show them."""
    return _PROPERTY_IN_TEXT.sub(lambda m: property_label(m.group(0)), message)
