"""A page's own text, without its chrome, as normalised sentences (for approved-versus-published).

Chrome is what every page of a site carries around its content: navigation, header, footer,
sidebars, search boxes, breadcrumbs, share and print buttons, copyright and ICP lines. It is
removed structurally (`nav`, `header`, `footer`, `aside`, ARIA landmark roles, and elements whose
id or class names them — "nav", "menu", "footer", "breadcrumb", "sidebar", "copyright"…) and by
line (short lines such as "版权所有 …", "当前位置：首页 > …", "【打印】【关闭】"). Hidden elements are
never chrome: text a page hides (display:none, hidden, the other inline styles of app.readers.css_hidden) is kept wherever it sits, because that is
where injected spam lives. The `<title>` and meta description/keywords are kept for the same reason.

The text comes from the html reader (`app.readers.html.read`) run over the page with its chrome
removed; other formats come from `app.readers.read_document`. A sentence's *key* is its text
NFKC-folded, case-folded, with everything that is not a letter or a digit removed: whitespace,
punctuation and symbols do not make two versions differ.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.model import Document, Part
from app.readers.css_hidden import hides
from app.readers.html import SCRIPT_LABEL

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar"})
# id/class words that name chrome; matched as whole words of the attribute ("main-nav", "footer_links")
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|navigation|menu|menubar|header|footer|foot|breadcrumbs?|crumbs?|sidebar|"
    r"copyright|topbar|toolbar|skip|share|sharebar|friendlinks?|search|searchbox|location|position|"
    r"pagination|pager)(?:$|[\s_\-\d])", re.IGNORECASE)
#: Lines that are site boilerplate wherever they sit (only short lines: a paragraph of the
#: content that happens to contain 版权 is content).
_BOILERPLATE = re.compile(
    r"版权所有|copyright|©|icp备|icp证|公网安备|网站标识码|主办单位|承办单位|协办单位|技术支持|维护单位|"
    r"联系我们|网站地图|网站声明|隐私声明|无障碍|当前位置|您的位置|您现在的位置|所在位置|打印本页|关闭窗口|"
    r"【打印】|【关闭】|【字体|字号[:：]|分享到|上一篇|下一篇|返回顶部|扫一扫|微信公众号|浏览次数|访问量|"
    r"阅读次数|点击数|^首页$|^首页\s*[>＞»]|^(?:发布|更新)(?:时间|日期)[:：]|^(?:信息)?来源[:：]|^责任编辑[:：]",
    re.IGNORECASE)
_BOILERPLATE_MAX = 100
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_META_SPLIT = re.compile(r"[,，;；、|]")
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜—–]|\s-\s|-{2,})\s*")
#: The last piece of "文章标题_某市人民政府" names the site, not the page.
_SITE_NAME = re.compile(r"(?:人民政府|政府网|网站|门户|官网|政府|局|委员会|委|办公室|办|厅|平台|中心|在线)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str          # as the page shows it (collapsed whitespace)
    key: str           # normalised: letters and digits only, NFKC, case-folded
    part: str          # Part value: title, body, hidden, attribute, metadata, …


@dataclass(frozen=True, slots=True)
class PageText:
    """A page's or document's own text: sentences in reading order, and the links it makes."""

    sentences: tuple[Sentence, ...]
    links: tuple[str, ...]          # href targets outside the chrome, in order, deduplicated
    title: str                      # the page title (html) or "" (other formats)
    is_html: bool

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sentences)

    @property
    def joined(self) -> str:
        return "".join(s.key for s in self.sentences)

    @property
    def text_hash(self) -> str:
        """Identical for two versions whose sentences normalise the same."""
        return hashlib.sha256("\n".join(self.keys).encode("utf-8")).hexdigest()


def sentence_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def is_boilerplate(line: str) -> bool:
    return len(line) <= _BOILERPLATE_MAX and bool(_BOILERPLATE.search(line.strip()))


def _hidden(el: Any) -> bool:
    return el.get("hidden") is not None or hides(el.get("style") or "")


def _is_chrome(el: Any) -> bool:
    tag = el.tag
    if not isinstance(tag, str):
        return False
    tag = tag.lower()
    if tag in _CHROME_TAGS:
        return True
    if (el.get("role") or "").strip().lower() in _CHROME_ROLES:
        return True
    if tag in ("html", "body", "main", "article", "title", "head"):
        return False
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(names.strip()) and bool(_CHROME_WORDS.search(names))


def _strip_chrome(root: Any) -> None:
    """Replace each outermost chrome element by the hidden elements inside it (hidden text is never
    chrome: injected spam hides in footers)."""
    import copy

    import lxml.html

    for el in [e for e in root.iter() if _is_chrome(e)]:
        parent = el.getparent()
        if parent is None or any(_is_chrome(a) for a in el.iterancestors()):
            continue
        holder = lxml.html.Element("div")
        for h in el.iterdescendants():
            if not isinstance(h.tag, str) or not _hidden(h):
                continue
            between = []
            for a in h.iterancestors():
                if a is el:
                    break
                between.append(a)
            if any(_hidden(a) for a in between):
                continue  # inside an outer hidden element that is kept whole
            kept = copy.deepcopy(h)
            kept.tail = None
            holder.append(kept)
        holder.tail = el.tail
        parent.replace(el, holder)


def _html_without_chrome(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """The page re-serialised as UTF-8 without its chrome, and the hrefs left in it."""
    import lxml.html

    from app.readers.encoding import decode

    match = _META_CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii", "replace") if match else None
    text, _ = decode(data, declared)
    text = text.lstrip("\ufeff").replace("\x00", "")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    if not text.strip():
        return b"", ()
    parser = lxml.html.HTMLParser(no_network=True, remove_pis=True, default_doctype=False, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception:  # lxml gives up ("Document is empty"…): the reader decides what the page says
        return data, ()
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        return data, ()  # nested too deep for libxml2's tree: the reader's event parser reads it whole
    _strip_chrome(root)
    for meta in list(root.iter("meta")):
        if meta.get("charset") is not None or (meta.get("http-equiv") or "").lower() == "content-type":
            meta.getparent().remove(meta)
    links: list[str] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:")) and href not in seen:
            seen.add(href)
            links.append(href)
    body = lxml.html.tostring(root, encoding="utf-8")
    return b'<meta charset="utf-8">' + body, tuple(links)


def title_pieces(title: str) -> list[str]:
    """"关于X的通知_某市人民政府" -> ["关于X的通知"]: the trailing site name is chrome."""
    pieces = [p for p in _TITLE_SPLIT.split(" ".join(title.split())) if p]
    if len(pieces) > 1 and len(pieces[-1]) <= 30 and _SITE_NAME.search(pieces[-1]):
        pieces.pop()
    return pieces


def _sentences(doc: Document, *, html: bool) -> list[Sentence]:
    out: list[Sentence] = []
    for seg in doc.segments:
        part = seg.location.part
        if part is Part.METADATA and not html:
            continue  # a docx's author or a PDF's producer is not published text
        if part is Part.ATTRIBUTE and seg.location.label == SCRIPT_LABEL:
            continue  # a site template's script strings (请输入关键词) are not the page's text; spam
            #           written by a script is scanned and reported as a finding all the same
        pieces: list[str]
        if part is Part.METADATA:
            pieces = [p.strip() for p in _META_SPLIT.split(seg.text)]
        elif part is Part.TITLE:
            pieces = title_pieces(seg.text)
        else:
            pieces = []
            for line in seg.text.split("\n"):
                line = " ".join(line.split())
                if not line or (part is not Part.HIDDEN and is_boilerplate(line)):
                    continue
                pieces.extend(p.strip() for p in _SENTENCE_END.split(line))
        for piece in pieces:
            key = sentence_key(piece)
            if key:
                out.append(Sentence(piece, key, part.value))
    return out


def page_text(path: Path, fmt: str | None, data: bytes | None = None) -> PageText:
    """The own text of one file: html without its chrome (from `data` when given, else the file),
    any other format through its reader. Raises `app.errors.ReadError` when it cannot be read."""
    if fmt == "html":
        from app.errors import ReadError
        from app.readers.html import read

        raw = data if data is not None else _read_bytes(path)
        try:
            cleaned, links = _html_without_chrome(raw)
            doc = read(path, cleaned, hashlib.sha256(raw).hexdigest())
        except (RecursionError, MemoryError, ValueError) as exc:
            raise ReadError(f"网页无法解析（{type(exc).__name__}）", code="corrupt") from None
        title = next((s.text for s in doc.segments if s.location.part is Part.TITLE), "")
        return PageText(tuple(_sentences(doc, html=True)), links, title, True)
    from app.readers import read_document

    doc = read_document(path)
    return PageText(tuple(_sentences(doc, html=False)), (), "", False)


def _read_bytes(path: Path) -> bytes:
    from app.errors import ReadError
    from app.readers import MAX_FILE_BYTES

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ReadError(f"无法读取 {path}：{exc.strerror or exc}", code="unreadable") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"文件 {path} 过大，无法比对。", code="too_large")
    return data
