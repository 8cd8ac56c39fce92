"""Office Open XML packages as a set of parts: every XML part parsed (no entities, no network),
rewritten and saved back in the original order. Shared by the docx and xlsx copies and by the
clean publishing copy: masking withheld text in every text node and attribute of every part,
clearing personal metadata, dropping the thumbnail."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any

from app.redact.match import SPACE, find_spans, mask
from app.redact.model import Action, RedactError

_XML_SUFFIXES = (".xml", ".rels", ".vml")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DC = "{http://purl.org/dc/elements/1.1/}"
EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
#: containers whose text nodes make one string (a paragraph, a shared or inline string)
_GROUPS = (W + "p", A + "p", S + "si", S + "is")
_TEXT_NODES = (W + "t", W + "delText", W + "instrText", W + "delInstrText", A + "t", M + "t", S + "t")


class Package:
    def __init__(self, path: Path) -> None:
        from lxml import etree

        try:
            with zipfile.ZipFile(path) as zf:
                self.infos = list(zf.infolist())
                self.data = {i.filename: zf.read(i) for i in self.infos}
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise RedactError(f"文件不是有效的 Office 文档（{exc}），无法制作副本。", code="corrupt") from exc
        self._parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                                       remove_comments=True, remove_pis=False)
        self.trees: dict[str, Any] = {}

    def names(self) -> list[str]:
        return [i.filename for i in self.infos if i.filename in self.data]

    def is_xml(self, name: str) -> bool:
        return name.endswith(_XML_SUFFIXES) or self.data.get(name, b"")[:5] == b"<?xml"

    def xml(self, name: str) -> Any | None:
        from lxml import etree

        if name not in self.data:
            return None
        if name not in self.trees:
            try:
                self.trees[name] = etree.fromstring(self.data[name], self._parser)
            except etree.XMLSyntaxError as exc:
                raise RedactError(f"文档部件 {name} 的 XML 已损坏（{exc}），无法安全地制作副本。", code="corrupt") from exc
        return self.trees[name]

    def drop(self, name: str) -> None:
        self.data.pop(name, None)
        self.trees.pop(name, None)
        base = "/" + name
        for rels_name in [n for n in self.data if n.endswith(".rels")]:
            root = self.xml(rels_name)
            if root is None:
                continue
            folder = posixpath.dirname(posixpath.dirname(rels_name))
            for rel in list(root):
                target = rel.get("Target", "")
                if rel.get("TargetMode") == "External":
                    continue
                resolved = posixpath.normpath(target) if target.startswith("/") else \
                    "/" + posixpath.normpath(posixpath.join(folder, target))
                if resolved == base:
                    root.remove(rel)
        types = self.xml("[Content_Types].xml")
        if types is not None:
            for el in list(types):
                if el.get("PartName") == base:
                    types.remove(el)
        rels = posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels")
        if rels in self.data:
            self.data.pop(rels)
            self.trees.pop(rels, None)

    def save(self, out: Path) -> None:
        from lxml import etree

        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info in self.infos:
                name = info.filename
                if name not in self.data:
                    continue
                if name in self.trees:
                    data = etree.tostring(self.trees[name], xml_declaration=True, encoding="UTF-8", standalone=True)
                else:
                    data = self.data[name]
                zf.writestr(name, data)


def mask_tree(root: Any, needles: list[str]) -> int:
    """Replace every occurrence of the needles in text nodes (joined per paragraph or string, so
    text split across runs is found) and in attribute values by ■ of the same length."""
    if not needles:
        return 0
    count = 0
    grouped: set[Any] = set()
    for group in root.iter(*_GROUPS):
        nodes = [el for el in group.iter(*_TEXT_NODES) if _owner(el) is group]
        if not nodes:
            continue
        grouped.update(nodes)
        texts = [el.text or "" for el in nodes]
        joined = "".join(texts)
        spans = find_spans(joined, needles)
        if not spans:
            continue
        chars = list(joined)
        for s, e in spans:
            for i in range(s, e):
                if chars[i] not in SPACE:
                    chars[i] = "■"
        count += len(spans)
        at = 0
        for el, text in zip(nodes, texts, strict=True):
            el.text = "".join(chars[at:at + len(text)])
            at += len(text)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and el not in grouped:
            el.text, n = mask(el.text, needles)
            count += n
        if el.tail:
            el.tail, n = mask(el.tail, needles)
            count += n
        for key, value in el.attrib.items():
            new, n = mask(value, needles)
            if n:
                el.set(key, new)
                count += n
    return count


def _owner(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag not in _GROUPS:
        parent = parent.getparent()
    return parent


def _may_hold(root: Any, needles: list[str]) -> bool:
    """Quick superset test: all the part's text and attribute values joined hold a needle."""
    from app.redact.match import contains_any

    texts = ["".join(t for t in root.itertext() if isinstance(t, str))]
    texts += [v for el in root.iter() if isinstance(el.tag, str) for v in el.attrib.values()]
    return bool(contains_any("".join(texts), needles))


def mask_package(pkg: Package, needles: list[str]) -> list[Action]:
    actions = []
    for name in pkg.names():
        if not pkg.is_xml(name):
            continue
        root = pkg.xml(name)
        n = mask_tree(root, needles) if root is not None and needles and _may_hold(root, needles) else 0
        if n:
            actions.append(Action("text_masked", f"{name}：{n} 处被遮盖的文字已替换为 ■", count=n))
    return actions


def clear_properties(pkg: Package) -> list[Action]:
    """Author, last editor, last printed, company, manager, hyperlink base, custom properties."""
    actions = []
    core = pkg.xml("docProps/core.xml")
    if core is not None:
        cleared = []
        for tag, label in ((DC + "creator", "作者"), (CP + "lastModifiedBy", "最后修改者"), (CP + "lastPrinted", "打印时间")):
            for el in list(core.iter(tag)):
                if (el.text or "").strip():
                    cleared.append(label)
                if tag == CP + "lastPrinted":
                    core.remove(el)
                else:
                    el.text = ""
        if cleared:
            actions.append(Action("metadata_cleared", f"已清除文档属性：{'、'.join(dict.fromkeys(cleared))}"))
    app = pkg.xml("docProps/app.xml")
    if app is not None:
        cleared = []
        for tag, label in (("Company", "单位"), ("Manager", "经理"), ("HyperlinkBase", "超链接基础")):
            for el in list(app.iter(EP + tag)):
                if (el.text or "").strip():
                    cleared.append(label)
                app.remove(el)
        if cleared:
            actions.append(Action("metadata_cleared", f"已清除文档属性：{'、'.join(cleared)}"))
    custom = pkg.xml("docProps/custom.xml")
    if custom is not None and len(custom):
        n = len(custom)
        for child in list(custom):
            custom.remove(child)
        actions.append(Action("custom_properties_removed", f"已删除 {n} 项自定义文档属性", count=n))
    return actions


def drop_thumbnail(pkg: Package) -> list[Action]:
    actions = []
    for name in pkg.names():
        if name.lower().startswith("docprops/thumbnail"):
            pkg.drop(name)
            actions.append(Action("thumbnail_removed", f"已删除缩略图 {name}"))
    return actions
