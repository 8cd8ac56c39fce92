"""WordprocessingML clean-up on parsed XML parts (lxml): comments, revisions, hidden text.

Every function changes the tree in place and returns how many things it removed."""

from __future__ import annotations

from typing import Any

from app.readers.wordml import unseen_run

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALSE = {"0", "false", "off"}
#: range markers and cell markers of revisions: dropped whatever the choice
_REVISION_MARKERS = ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
                     "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
                     "customXmlDelRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
                     "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd", "cellIns", "cellDel", "cellMerge")
#: records of formatting changes (they hold the old formatting): dropped, i.e. the new formatting kept
_PROPERTY_CHANGES = ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblGridChange", "trPrChange",
                     "tcPrChange", "tblPrExChange", "numberingChange")


def _unwrap(el: Any) -> None:
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for child in list(el):
        parent.insert(index, child)
        index += 1
    _drop(el)


def _drop(el: Any) -> None:
    """Remove `el`, keeping its tail text with the previous sibling or the parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def remove_comment_marks(root: Any) -> int:
    """Comment anchors and references in a document/header/footer/notes part."""
    n = 0
    for tag in ("commentRangeStart", "commentRangeEnd"):
        for el in list(root.iter(W + tag)):
            _drop(el)
            n += 1
    for el in list(root.iter(W + "commentReference")):
        run = el.getparent()
        _drop(el)
        n += 1
        if run is not None and run.tag == W + "r" and not [c for c in run if c.tag != W + "rPr"]:
            _drop(run)
    return n


def _is_on(el: Any) -> bool:
    return str(el.get(W + "val", "true")).lower() not in _FALSE


def revisions(root: Any, mode: str) -> int:
    """Accept (`mode="accept"`) or refuse (`"reject"`) every tracked change in the part."""
    keep, drop = ("ins", "moveTo"), ("del", "moveFrom")
    if mode == "reject":
        keep, drop = drop, keep
    n = 0
    # rows inserted/deleted as a whole (w:trPr/w:ins, w:trPr/w:del)
    for tr in list(root.iter(W + "tr")):
        trpr = tr.find(W + "trPr")
        if trpr is None:
            continue
        marks = [c for c in trpr if c.tag in (W + "ins", W + "del")]
        if any(c.tag == W + drop[0] for c in marks):
            _drop(tr)
            n += 1
            continue
        for c in marks:
            trpr.remove(c)
            n += 1
    # paragraph marks inserted/deleted (w:pPr/w:rPr/w:ins|del): the marker only
    for rpr in list(root.iter(W + "rPr")):
        parent = rpr.getparent()
        if parent is not None and parent.tag == W + "pPr":
            for c in [c for c in rpr if c.tag in (W + "ins", W + "del", W + "moveFrom", W + "moveTo")]:
                rpr.remove(c)
                n += 1
    for tag in drop:
        for el in list(root.iter(W + tag)):
            if el.getparent() is not None and el.getparent().tag != W + "rPr":
                _drop(el)
                n += 1
    for tag in keep:
        for el in list(root.iter(W + tag)):
            if el.getparent() is not None and el.getparent().tag != W + "rPr":
                _unwrap(el)
                n += 1
    for el in list(root.iter(W + "delText")):
        el.tag = W + "t"
    for el in list(root.iter(W + "delInstrText")):
        el.tag = W + "instrText"
    for tag in (*_REVISION_MARKERS, *_PROPERTY_CHANGES):
        for el in list(root.iter(W + tag)):
            _drop(el)
            n += 1
    return n


def remove_hidden(root: Any, hidden_styles: set[str] = frozenset()) -> int:  # type: ignore[assignment]
    """Runs formatted hidden (w:vanish, directly or by their character style) and runs the reader
    takes as unseen (white text on the page, a 1-pt font: app.readers.wordml.unseen_run) are deleted; a
    hidden paragraph mark loses its w:vanish; w:specVanish goes too."""
    n = 0
    for run in list(root.iter(W + "r")):
        rpr = run.find(W + "rPr")
        if rpr is None:
            continue
        vanish = rpr.find(W + "vanish")
        style = rpr.find(W + "rStyle")
        if (vanish is not None and _is_on(vanish)) or (style is not None and style.get(W + "val") in hidden_styles) \
                or unseen_run(rpr, next((a for a in run.iterancestors(W + "p")), None)):
            _drop(run)
            n += 1
    for tag in ("vanish", "specVanish"):
        for el in list(root.iter(W + tag)):
            _drop(el)
            n += 1 if tag == "vanish" and el is not None else 0
    return n


def empty_root(root: Any) -> int:
    """Drop every child (a comments part, people.xml): returns how many there were."""
    n = len(root)
    for child in list(root):
        root.remove(child)
    root.text = None
    return n
