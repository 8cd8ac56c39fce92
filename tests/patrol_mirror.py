"""A small saved website, as `wget -m -k -E` / HTTrack leave it, for the patrol tests and benchmark.

`build_mirror(root, pages=20)` writes `root/www.example.gov.cn/…`: an index page linking every
news page, news pages in sections (`xwdt/`, `tzgg/`, `zwgk/`), each linking the index and, every
few pages, an attachment (docx/pdf/xlsx made by tests/builders.py) in `files/`; plus HTTrack's
own `index.html` and `hts-cache/` beside the host folder. With `planted=True` some pages and
attachments carry the problems the patrol must find (`Mirror.planted`: page, part, text); with
`bad_links=True` one page has a broken link, one links itself 2,000 times and two link each other
(a loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.builders import build_simple_docx, build_text_pdf

HOST = "www.example.gov.cn"
SECTIONS = ("xwdt", "tzgg", "zwgk")
SECRET_MARK = "机密★5年"
ID_NUMBER = "11010519491231002X"
SPAM_TITLE = "bet·365_黑帮365天第3季是真实的吗_365信誉线上"
HIDDEN_SPAM = "澳门博彩官网，体育投注，真人视讯。"
DOCX_MARK = "秘密★1年"
PDF_MARK = "绝密★长期"

_CLEAN = ("根据工作安排，区政府办公室组织开展了第{n}期政务公开培训，各单位业务骨干参加学习。",
          "本期培训围绕政府信息主动公开、依申请公开和政策解读等内容进行了讲解。",
          "下一步，各单位将结合实际，进一步规范公开流程，提升服务水平。")


@dataclass(frozen=True, slots=True)
class Planted:
    path: str       # relative to the mirror root
    part: str       # title / body / attribute / hidden (pages), document part (attachments)
    text: str       # what the finding's text contains
    category: str


@dataclass
class Mirror:
    root: Path
    pages: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return [*self.pages, *self.attachments]


def _page(title: str, body: list[str], links: list[tuple[str, str]], *, hidden: str = "",
          alt: str = "") -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in body)
    anchors = "\n".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    img = f'<img src="../images/logo.gif" alt="{alt}">' if alt else ""
    hide = f'<div style="display:none">{hidden}</div>' if hidden else ""
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head><body>\n'
            f'<div class="nav"><a href="../index.html">首页</a></div>\n<h1>{title}</h1>\n{paras}\n{img}\n'
            f"<ul>{anchors}</ul>\n{hide}\n</body></html>\n")


def page_path(k: int) -> str:
    return f"{HOST}/{SECTIONS[k % len(SECTIONS)]}/art_{k:05d}.html"


def build_mirror(root: Path, pages: int = 20, *, planted: bool = True, bad_links: bool = True,
                 attachment_every: int = 4, paragraphs: int = 3) -> Mirror:
    """`paragraphs`: clean paragraphs per page (3 by default; the benchmark uses more, like a
    real news page)."""
    mirror = Mirror(root)
    site = root / HOST
    for folder in ("files", "images", *SECTIONS):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "images" / "logo.gif").write_bytes(b"GIF89a" + b"\0" * 32)  # not OCR-read: tests stay fast
    (root / "hts-cache").mkdir(exist_ok=True)
    (root / "hts-cache" / "new.txt").write_text("HTTrack cache, not part of the site\n", encoding="utf-8")
    (root / "index.html").write_text(f'<html><head><title>HTTrack 镜像</title></head><body>'
                                     f'<a href="{HOST}/index.html">{HOST}</a></body></html>', encoding="utf-8")
    mirror.pages.append("index.html")

    kinds = ("docx", "pdf", "xlsx")
    index_links: list[tuple[str, str]] = []
    for k in range(pages):
        rel = page_path(k)
        title = f"第{k}期政务公开培训工作动态"
        body = [_CLEAN[j % len(_CLEAN)].format(n=k * 100 + j // len(_CLEAN)) for j in range(max(3, paragraphs))]
        links: list[tuple[str, str]] = []
        hidden = alt = ""
        if k % attachment_every == 1:
            kind = kinds[(k // attachment_every) % 3]
            name = f"files/fj_{k:05d}.{kind}"
            _attachment(site / name, kind, k, planted and k < 3 * attachment_every, mirror, f"{HOST}/{name}")
            mirror.attachments.append(f"{HOST}/{name}")
            links.append((f"../{name}", "附件下载"))
        if planted:
            if k == 2:
                body.insert(1, f"{SECRET_MARK} 本通知仅限内部传达。")
                mirror.planted.append(Planted(rel, "body", SECRET_MARK, "secret_mark"))
            elif k == 3:
                body.append(f"联系人：张某某，身份证号码 {ID_NUMBER}，请核对。")
                mirror.planted.append(Planted(rel, "body", ID_NUMBER, "personal_info"))
            elif k == 4:
                title = f"区人民政府办公室{SPAM_TITLE}关于印发政府网站管理办法的通知"
                mirror.planted.append(Planted(rel, "title", "365", "harmful_content"))
            elif k == 5:
                hidden = HIDDEN_SPAM
                mirror.planted.append(Planted(rel, "hidden", "博彩", "harmful_content"))
            elif k == 6:
                alt = f"扫描件：{SECRET_MARK}文件"
                mirror.planted.append(Planted(rel, "attribute", SECRET_MARK, "secret_mark"))
        if bad_links and pages > 9:
            if k == 7:
                links.append(("../files/missing_attachment.pdf", "已删除的附件"))
            elif k == 8:
                links.extend([(f"art_{k:05d}.html", "本页")] * 2000)
            elif k == 9:
                links.append((f"../{page_path(10).split('/', 1)[1]}", "下一篇"))
            elif k == 10:
                links.append((f"../{page_path(9).split('/', 1)[1]}", "上一篇"))
        (site / rel.split("/", 1)[1]).write_text(_page(title, body, links, hidden=hidden, alt=alt), encoding="utf-8")
        mirror.pages.append(rel)
        index_links.append((rel.split("/", 1)[1], title))
    index = _page("某区人民政府门户网站", ["欢迎访问某区人民政府门户网站。"], index_links).replace('href="../index.html"', 'href="index.html"')
    (site / "index.html").write_text(index, encoding="utf-8")
    mirror.pages.append(f"{HOST}/index.html")
    mirror.pages.sort()
    mirror.attachments.sort()
    return mirror


def _attachment(path: Path, kind: str, k: int, plant: bool, mirror: Mirror, rel: str) -> None:
    text = [f"第{k}期政务公开培训附件：培训安排与参训人员名单。", "请各单位按时组织参训人员报到。"]
    if kind == "docx":
        if plant:
            text.insert(0, DOCX_MARK)
            mirror.planted.append(Planted(rel, "body", DOCX_MARK, "secret_mark"))
        build_simple_docx(path, text)
    elif kind == "pdf":
        if plant:
            text.insert(0, PDF_MARK)
            mirror.planted.append(Planted(rel, "page", PDF_MARK, "secret_mark"))
        build_text_pdf(path, [text])
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "名单"
        ws["A1"] = "姓名"
        ws["B1"] = "身份证号码" if plant else "单位"
        ws["A2"] = "张某某"
        ws["B2"] = ID_NUMBER if plant else f"第{k}组"
        if plant:
            mirror.planted.append(Planted(rel, "cell", ID_NUMBER, "personal_info"))
        wb.save(str(path))


def change_page(mirror: Mirror, k: int, extra: str = "补充说明：培训地点改在区政务服务中心三楼。") -> str:
    """Add a paragraph to page k (its content hash changes); returns its relative path."""
    rel = page_path(k)
    p = mirror.root / rel
    p.write_text(p.read_text(encoding="utf-8").replace("</h1>", f"</h1>\n<p>{extra}</p>", 1), encoding="utf-8")
    return rel
