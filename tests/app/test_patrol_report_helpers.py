"""Shared helpers for the patrol approval and report tests (no tests here).

`site(root)` writes a small saved website (html pages with page chrome, a docx and an xlsx
attachment, a page whose title carries markup, a broken link); `tamper(page)` injects gambling
spam; `approve(ledger, path)` takes a file through the real review flow to 审核通过;
`scan_run(root)` scans every file with the real engine (`Engine.load()`, once per session) and
builds the `PatrolRun` a patrol would hand to the reports; `patrolled(tmp)` runs the real
`mishen patrol` service twice (before and after tampering) against a ledger with an approved page.
"""

from __future__ import annotations

import hashlib
import html
import os
from pathlib import Path

from app.ledger import Ledger
from app.model import Severity
from app.patrol.model import (
    ItemKind,
    ItemStatus,
    PatrolCounts,
    PatrolItem,
    PatrolProblem,
    PatrolRun,
    PatrolSummary,
)
from app.scan import Engine

_ENGINE: list[Engine] = []

SPAM = "澳门新葡京赌场在线博彩，注册即送888元"
SPAM_LINK = "http://bet-888.example.com/reg"
HOSTILE_TITLE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE_FOLDER = "<img src=y onerror=alert(2)>"


def engine() -> Engine:
    if not _ENGINE:
        _ENGINE.append(Engine.load())
    return _ENGINE[0]


def page(title: str, paragraphs: list[str], *, extra: str = "", nav: str = "首页 政务公开 新闻动态 互动交流",
         site: str = "某市人民政府") -> str:
    """An html page as a CMS publishes it: header, nav, breadcrumb, the article, a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_{site}</title>
<style>.nav {{ color: blue }}</style><script>var x = 1;</script></head>
<body>
<div class="header"><img src="../img/logo.png" alt="{site}"> {site}门户网站</div>
<div class="nav"><a href="../index.html">{nav}</a></div>
<div class="location">当前位置：首页 &gt; 通知公告</div>
<div class="article"><h1>{title}</h1>
<div class="info">发布时间：2026-11-20 来源：市统计局</div>
{body}
{extra}
</div>
<div id="footer">版权所有：{site} 主办单位：{site}办公室 ICP备05001234号 网站标识码1234567890</div>
</body></html>
"""


ARTICLE_TITLE = "关于开展2026年全民健身活动的通知"
ARTICLE = ["各区县体育局：为推动全民健身深入开展，现将有关事项通知如下。",
           "活动时间为2026年12月1日至12月31日，请各单位认真组织。",
           "联系人：市体育局群体处。"]


def site(root: Path) -> dict[str, Path]:
    """A saved mirror under `root`/www.example.gov.cn; returns the interesting files by role."""
    from tests.builders import build_simple_docx, build_xlsx

    base = root / "www.example.gov.cn"
    (base / "news").mkdir(parents=True)
    (base / "files").mkdir()
    files: dict[str, Path] = {}
    files["index"] = base / "index.html"
    files["index"].write_text(page("首页", ["欢迎访问。"], extra='<a href="news/approved.html">通知</a>'
                                   '<a href="news/missing.html">失效链接</a>'), encoding="utf-8")
    files["approved"] = base / "news" / "approved.html"
    files["approved"].write_text(page(ARTICLE_TITLE, ARTICLE, extra='<a href="../files/notice.docx">附件</a>'),
                                 encoding="utf-8")
    files["tampered"] = base / "news" / "tampered.html"
    files["tampered"].write_bytes(files["approved"].read_bytes())   # approved, then tampered (`tamper`)
    files["unreviewed"] = base / "news" / "unreviewed.html"
    files["unreviewed"].write_text(page("市统计局召开年度工作会议", ["会议总结了全年工作，部署了明年任务。"]),
                                   encoding="utf-8")
    files["hostile"] = base / "news" / "hostile.html"
    files["hostile"].write_text(page(html.escape(HOSTILE_TITLE), ["本页标题含有恶意代码。", "本件属绝密★长期文件。"]),
                                encoding="utf-8")
    # a folder whose name is markup (the site section chart and the page links show it as text)
    odd = base / HOSTILE_FOLDER
    odd.mkdir()
    files["odd"] = odd / "p?id=3.html"
    files["odd"].write_text(page("奇怪的栏目", ["本件属绝密★长期文件。"]), encoding="utf-8")
    files["docx"] = build_simple_docx(base / "files" / "notice.docx", ["全民健身活动报名表", "请于12月1日前报名。"])
    files["xlsx"] = build_xlsx(base / "files" / "data.xlsx")
    return files


def tamper(path: Path) -> None:
    """Inject gambling spam the way compromised sites show it: in the title, hidden in the footer, a link."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("<title>", f"<title>{SPAM}-", 1)
    text = text.replace("ICP备05001234号", f'ICP备05001234号<div style="display:none">{SPAM}'
                        f'<a href="{SPAM_LINK}">点此注册</a></div>', 1)
    path.write_text(text, encoding="utf-8")


def _kind(path: Path) -> ItemKind:
    return ItemKind.PAGE if path.suffix.lower() in (".html", ".htm") else ItemKind.ATTACHMENT


def _counts(items: list[PatrolItem], problems: int) -> PatrolCounts:
    sev: dict[str, int] = {s.value: 0 for s in sorted(Severity, key=lambda s: -s.rank)}
    cat: dict[str, int] = {}
    for it in items:
        for f in it.findings:
            sev[f.severity.value] += 1
            cat[f.category.value] = cat.get(f.category.value, 0) + 1
    pages = sum(1 for it in items if it.kind is ItemKind.PAGE)
    return PatrolCounts(files=len(items), pages=pages, attachments=len(items) - pages, scanned=len(items),
                        new=len(items), with_findings=sum(1 for it in items if it.findings),
                        findings=sum(len(it.findings) for it in items),
                        errors=sum(1 for it in items if it.error), problems=problems,
                        by_severity=tuple(sev.items()), by_category=tuple(sorted(cat.items())))


def scan_run(root: Path, *, extra_files: list[Path] = (), problems: list[PatrolProblem] | None = None,  # type: ignore[assignment]
             run_id: str = "run-2", started: str = "2026-12-01T12:05:30+00:00") -> PatrolRun:
    """Every file under `root` scanned by the real engine, as one patrol run of source `root`."""
    eng = engine()
    source = str(root.resolve())
    items: list[PatrolItem] = []
    for path in sorted([*(p for p in root.rglob("*") if p.is_file()), *extra_files]):
        report = eng.scan_file(path)
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        items.append(PatrolItem(source=source, path=rel, location=rel, local_path=str(path.resolve()),
                                kind=_kind(path), status=ItemStatus.NEW, sha256=report.sha256,
                                size=path.stat().st_size if path.exists() else 0, format=report.format,
                                findings=report.findings, error=report.error, error_code=report.error_code,
                                scanned=True))
    probs = list(problems or [])
    return PatrolRun(run_id=run_id, sources=(source,), started=started, finished="2026-12-01T12:06:10+00:00",
                     who="bm_admin", tool_version="0.test", lexicons=eng.lexicons, lexicons_changed=False,
                     previous_run_id="run-1", workers=2, cluster=None, items=tuple(items), problems=tuple(probs),
                     counts=_counts(items, len(probs)))


def history() -> list[PatrolSummary]:
    """Two earlier runs for the trend chart."""
    return [PatrolSummary(f"run-{i}", f"2026-11-{20 + i:02d}T12:00:00+00:00", f"2026-11-{20 + i:02d}T12:01:00+00:00",
                          ("/x",), PatrolCounts(files=6, findings=n, with_findings=1, errors=0,
                                                by_severity=(("block", n), ("high", 0), ("medium", 0), ("low", 0))))
            for i, n in ((0, 1), (1, 3))]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unreadable(folder: Path) -> Path:
    """A file that claims to be a docx but is not one."""
    p = folder / "broken.docx"
    p.write_bytes(b"PK\x03\x04 not really a zip" + os.urandom(16))
    return p


SIGNERS = {1: "xiao_li", 2: "wang_fg", 3: "zhang_zy", 4: "city_zhao"}


def approve(ledger: Ledger, path: Path, title: str) -> str:
    """Open a review of `path` and sign every required level with 同意 (the real flow)."""
    from app.review import Decision, Status, load_review, open_review, review_state, sign_review
    from tests.app.test_review_helpers import PASSWORD, real_scanner

    review = open_review(ledger, path, title=title, unit="市体育局", scanner=real_scanner)
    for _ in range(4):
        state = review_state(load_review(ledger, review.id))
        if state.status is Status.APPROVED:
            return review.id
        level = state.next_level
        assert level is not None, state.message
        sign_review(ledger, review.id, level=level, user=SIGNERS[level], password=PASSWORD,
                    decision=Decision.APPROVE, opinion="同意发布")
    assert review_state(load_review(ledger, review.id)).status is Status.APPROVED
    return review.id


def run_patrol(sources: list[Path], db: Path, who: str | None = "bm_admin") -> PatrolRun:
    """The real patrol service, one worker process."""
    from app.patrol.service import EngineChoice, engine_spec, patrol

    spec, lexicons = engine_spec(EngineChoice(None))
    run = None
    for step in patrol(sources, spec=spec, lexicons=lexicons, db_path=db, workers=1, who=who):
        if isinstance(step, PatrolRun):
            run = step
    assert run is not None
    return run


def patrolled(tmp: Path, factory: object) -> tuple[PatrolRun, list[PatrolSummary], dict[str, Path]]:
    """A ledger with `news/approved.html` approved; patrol the site, tamper with
    `news/tampered.html` (a copy of the approved page), add an unreadable file, patrol again and
    compare with the ledger. Returns the second run, its history and the site's files."""
    from app.patrol.approval import annotate_run
    from app.patrol.db import PatrolDb
    from tests.app.test_review_helpers import copy_template

    os.environ["MISHEN_TEST_FAST_KDF"] = "1"
    home = copy_template(factory, tmp / "home")  # type: ignore[arg-type]
    mirror = tmp / "mirror"
    files = site(mirror)
    with Ledger.open(home) as ledger:
        approve(ledger, files["approved"], ARTICLE_TITLE)
    db = tmp / "patrol.sqlite3"
    run_patrol([mirror], db)
    tamper(files["tampered"])
    files["broken"] = unreadable(files["docx"].parent)
    run = annotate_run(run_patrol([mirror], db), home)
    with PatrolDb(db) as pdb:
        past = list(pdb.history(run.sources, before=run.run_id))
    return run, past, files
