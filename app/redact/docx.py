"""Word copies: every part of the package rewritten. Used for the partial-disclosure copy (with
withheld strings, masked by ■ of the same length) and the clean publishing copy (no strings):
comments, revisions (accepted or refused), hidden text, document variables, the attached template
path, personal properties and the thumbnail are removed from every part."""

from __future__ import annotations

import re
from pathlib import Path

from app.redact.model import Action
from app.redact.ooxml import Package, W, clear_properties, drop_thumbnail, mask_package

_COMMENT_PARTS = re.compile(r"^word/(comments[A-Za-z]*|people)\.xml$")


def clean_docx(pkg: Package, revisions_mode: str) -> list[Action]:
    from app.readers.wordml import hidden_style_ids
    from app.sanitize.wordml import (
        empty_root,
        remove_comment_marks,
        remove_hidden,
        revisions,
    )

    actions: list[Action] = []
    styles = pkg.xml("word/styles.xml")
    hidden_styles = hidden_style_ids(styles) if styles is not None else set()
    comments = marks = revs = hidden = 0
    for name in pkg.names():
        if not name.startswith("word/") or not pkg.is_xml(name) or name.endswith(".rels"):
            continue
        root = pkg.xml(name)
        if root is None:
            continue
        if _COMMENT_PARTS.match(name):
            comments += empty_root(root) if "people" not in name else (empty_root(root) and 0)
            continue
        marks += remove_comment_marks(root)
        revs += revisions(root, revisions_mode)
        hidden += remove_hidden(root, hidden_styles)
    if comments or marks:
        actions.append(Action("comments_removed", f"已删除批注 {comments} 条（及其在正文中的 {marks} 处标记）",
                              count=comments))
    if revs:
        how = "接受" if revisions_mode == "accept" else "拒绝"
        actions.append(Action("revisions_removed", f"已{how}全部修订（{revs} 处；格式修订记录一律删除）", count=revs))
    if hidden:
        actions.append(Action("hidden_removed", f"已删除隐藏文字 {hidden} 处", count=hidden))
    settings = pkg.xml("word/settings.xml")
    if settings is not None:
        for tag, label in (("attachedTemplate", "模板路径"), ("docVars", "文档变量"), ("rsids", "编辑会话标识")):
            for el in list(settings.iter(W + tag)):
                settings.remove(el)
                actions.append(Action("settings_cleared", f"已删除{label}"))
    actions += clear_properties(pkg)
    actions += drop_thumbnail(pkg)
    return actions


def build_docx_copy(source: Path, needles: list[str], out: Path, revisions_mode: str = "reject") -> list[Action]:
    pkg = Package(source)
    actions = clean_docx(pkg, revisions_mode)
    actions += mask_package(pkg, needles)
    pkg.save(out)
    return actions
