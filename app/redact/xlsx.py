"""Excel copies: withheld text masked in every part (cells, shared strings, names, headers,
charts); a numeric or formula cell that held withheld text becomes a text cell of ■; comments
(legacy and threaded) emptied; hidden and very hidden sheets removed with their parts; personal
properties cleared and the thumbnail dropped."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from app.redact.match import contains_any, mask
from app.redact.model import Action
from app.redact.ooxml import REL, Package, S, clear_properties, drop_thumbnail, mask_package

_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _rels_targets(pkg: Package, part: str) -> dict[str, str]:
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    root = pkg.xml(rels_name)
    out: dict[str, str] = {}
    if root is None:
        return out
    for rel in root.iter(REL + "Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(part), target))
        out[str(rel.get("Id"))] = path
    return out


def remove_hidden_sheets(pkg: Package) -> list[Action]:
    book = pkg.xml("xl/workbook.xml")
    if book is None:
        return []
    sheets_el = book.find(S + "sheets")
    if sheets_el is None:
        return []
    targets = _rels_targets(pkg, "xl/workbook.xml")
    sheets = list(sheets_el)
    removed: list[tuple[int, str]] = []
    for index, sheet in enumerate(sheets):
        if sheet.get("state") in ("hidden", "veryHidden"):
            removed.append((index, str(sheet.get("name", ""))))
    if not removed or len(removed) == len(sheets):
        return []
    gone = {i for i, _ in removed}
    for index, _name in removed:
        sheet = sheets[index]
        part = targets.get(str(sheet.get(_R_ID)))
        if part:
            for child in _rels_targets(pkg, part).values():
                if "/worksheets/" not in child:
                    pkg.drop(child)
            pkg.drop(part)
        sheets_el.remove(sheet)
    names = book.find(S + "definedNames")
    if names is not None:
        for dn in list(names):
            local = dn.get("localSheetId")
            refers = dn.text or ""
            if (local is not None and int(local) in gone) or any(f"{n}!" in refers or f"'{n}'!" in refers
                                                                  for _, n in removed):
                names.remove(dn)
            elif local is not None:
                dn.set("localSheetId", str(int(local) - sum(1 for g in gone if g < int(local))))
    for view in book.iter(S + "workbookView"):
        view.set("activeTab", "0")
        view.set("firstSheet", "0")
    if "xl/calcChain.xml" in pkg.data:
        pkg.drop("xl/calcChain.xml")
    names_text = "、".join(f"“{n}”" for _, n in removed)
    return [Action("hidden_sheets_removed", f"已删除隐藏工作表 {names_text}（{len(removed)} 张）", count=len(removed))]


def remove_comments(pkg: Package) -> list[Action]:
    n = 0
    for name in pkg.names():
        base = posixpath.basename(name)
        if not name.startswith("xl/") or not base.endswith(".xml"):
            continue
        if base.startswith("comment") or name.startswith(("xl/comments/", "xl/threadedComments/", "xl/persons/")):
            root = pkg.xml(name)
            if root is None:
                continue
            for el in list(root.iter(S + "comment")) + [e for e in root.iter() if str(e.tag).endswith("}threadedComment")]:
                n += 1
                el.getparent().remove(el)
            for el in [e for e in root.iter() if str(e.tag).endswith("}person") or e.tag == S + "author"]:
                el.getparent().remove(el)
    return [Action("comments_removed", f"已删除单元格批注 {n} 条", count=n)] if n else []


def _fix_cells(pkg: Package, needles: list[str]) -> int:
    """Numeric, boolean, error and formula cells whose value or formula holds a withheld string
    become inline text cells of ■ (a ■ in a number cell would break the file)."""
    count = 0
    for name in pkg.names():
        if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
            continue
        root = pkg.xml(name)
        if root is None:
            continue
        for c in root.iter(S + "c"):
            v, f = c.find(S + "v"), c.find(S + "f")
            texts = [(v.text or "") if v is not None else "", (f.text or "") if f is not None else ""]
            if c.get("t") in ("s", "inlineStr") and f is None:
                continue
            if not any(contains_any(t, needles) for t in texts if t):
                continue
            masked, _ = mask(texts[0], needles) if texts[0] else ("■", 0)
            for el in (v, f):
                if el is not None:
                    c.remove(el)
            for el in list(c.findall(S + "is")):
                c.remove(el)
            c.set("t", "inlineStr")
            is_el = _sub(c, S + "is")
            _sub(is_el, S + "t").text = masked
            count += 1
    return count


def _sub(parent: Any, tag: str) -> Any:
    from lxml import etree

    return etree.SubElement(parent, tag)


def clean_xlsx(pkg: Package) -> list[Action]:
    return remove_comments(pkg) + remove_hidden_sheets(pkg) + clear_properties(pkg) + drop_thumbnail(pkg)


def build_xlsx_copy(source: Path, needles: list[str], out: Path) -> list[Action]:
    pkg = Package(source)
    actions = clean_xlsx(pkg)
    cells = _fix_cells(pkg, needles)
    if cells:
        actions.append(Action("cells_replaced", f"{cells} 个数值或公式单元格改为遮盖文字", count=cells))
    actions += mask_package(pkg, needles)
    pkg.save(out)
    return actions
