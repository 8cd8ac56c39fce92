"""Approved versus published on a real ledger: pages and attachments reviewed and approved through
the real review flow, then published as they were, with other chrome, tampered with, or never
reviewed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.ledger import Ledger
from app.patrol.approval import ApprovalIndex, ApprovalStatus, diff_sentences, with_approvals
from app.patrol.model import ItemKind
from app.patrol.report_chrome import PageText, page_text
from app.review import Status, load_review, open_review, review_state
from tests.app.test_patrol_report_helpers import (
    ARTICLE,
    ARTICLE_TITLE,
    SPAM,
    SPAM_LINK,
    approve,
    page,
    scan_run,
    sha,
    site,
    tamper,
)
from tests.app.test_review_helpers import copy_template, real_scanner
from tests.builders import build_simple_docx

DOCX_TITLE = "关于做好冬季安全生产工作的通知"
DOCX_BODY = ["各乡镇、各部门：入冬以来，火灾风险上升，现就做好冬季安全生产工作通知如下。",
             "一、压实责任，开展隐患排查。", "二、加强值班值守，确保信息畅通。"]


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One ledger with approved reviews and one mirror, shared by the tests of this module."""
    import os

    os.environ["MISHEN_TEST_FAST_KDF"] = "1"
    tmp = tmp_path_factory.mktemp("approval")
    home = copy_template(tmp_path_factory, tmp / "home")
    mirror = tmp / "mirror"
    files = site(mirror)
    base = files["approved"].parent
    drafts = tmp / "drafts"
    drafts.mkdir()
    # the docx a unit approved, later published as a web page by the CMS (with its chrome)
    docx_draft = build_simple_docx(drafts / "安全生产通知.docx", [DOCX_TITLE, *DOCX_BODY])
    # (the CMS template's search box script has Chinese strings: not the page's text)
    (base / "from_docx.html").write_text(page(DOCX_TITLE, DOCX_BODY, extra='<script>function go(){ if(!kw)'
                                              ' alert("请输入搜索关键词"); }</script>'), encoding="utf-8")
    # the approved page, republished after the site's navigation was redesigned
    (base / "new_chrome.html").write_text(page(ARTICLE_TITLE, ARTICLE, nav="首页 专题专栏 政策解读", site="某市政府",
                                                               extra='<a href="../files/notice.docx">附件</a>'),
                                          encoding="utf-8")
    # another notice built from the same template: two sentences in common, other title — another page
    (base / "sibling.html").write_text(page("关于开展2027年冬季长跑活动的通知", [ARTICLE[0], "活动时间为2027年1月5日。", ARTICLE[2]]),
                                       encoding="utf-8")
    with Ledger.open(home) as ledger:
        ids = {"page": approve(ledger, files["approved"], ARTICLE_TITLE),
               "docx": approve(ledger, files["docx"], "报名表"),
               "draft": approve(ledger, docx_draft, DOCX_TITLE)}
        pending = open_review(ledger, files["unreviewed"], title="未签完", scanner=real_scanner)  # in review: not approved
        assert review_state(load_review(ledger, pending.id)).status is Status.IN_REVIEW
        index = ApprovalIndex.from_ledger(ledger)
    tamper(files["tampered"])
    # the approved attachment, edited in place after approval
    changed_docx = tmp / "mirror2" / "notice.docx"
    changed_docx.parent.mkdir()
    build_simple_docx(changed_docx, ["全民健身活动报名表", "请于12月1日前报名。", "报名请访问 bet-888.example.com。"])
    run = with_approvals(scan_run(mirror, extra_files=[changed_docx]), index)
    return {"index": index, "ids": ids, "files": files, "run": run, "mirror": mirror, "home": home}


def _item(world: dict[str, object], name: str):  # type: ignore[no-untyped-def]
    run = world["run"]
    return next(i for i in run.items if i.local_path.endswith("/" + name))  # type: ignore[attr-defined]


def test_index_holds_only_approved_versions(world: dict[str, object]) -> None:
    index = world["index"]
    assert isinstance(index, ApprovalIndex)
    ids = world["ids"]
    assert isinstance(ids, dict)
    assert sorted(v.review_id for v in index.versions) == sorted(ids.values())
    assert index.problems == ()


def test_the_approved_page_as_published_is_approved_by_hash(world: dict[str, object]) -> None:
    item = _item(world, "news/approved.html")
    assert item.approval == ApprovalStatus.APPROVED.value
    assert item.approval_review and world["ids"]["page"] in item.approval_review  # type: ignore[index]
    assert "文件哈希相同" in (item.approval_detail or "")


def test_same_text_in_new_chrome_is_approved_by_text(world: dict[str, object]) -> None:
    item = _item(world, "news/new_chrome.html")
    assert item.approval == "approved", item.approval_detail
    assert "正文（不含网页框架）一致" in (item.approval_detail or "")


def test_a_docx_approved_and_published_as_html_is_approved(world: dict[str, object]) -> None:
    item = _item(world, "news/from_docx.html")
    assert item.approval == "approved", item.approval_detail
    assert world["ids"]["draft"] in (item.approval_review or "")  # type: ignore[index]


def test_injected_spam_makes_the_page_changed_with_the_added_text(world: dict[str, object]) -> None:
    item = _item(world, "news/tampered.html")
    assert item.approval == "changed"
    assert world["ids"]["page"] in (item.approval_review or "")  # type: ignore[index]
    added = " ".join(item.approval_added)
    assert SPAM in added                       # in the title and hidden in the footer
    assert f"链接 {SPAM_LINK}" in item.approval_added
    assert item.approval_removed == ()
    assert SPAM in (item.approval_detail or "") and "新增" in (item.approval_detail or "")
    # nothing of the approved article is reported as added
    assert not any(line in added for line in ARTICLE)


def test_unreviewed_pages_are_unreviewed(world: dict[str, object]) -> None:
    assert _item(world, "news/unreviewed.html").approval == "unreviewed"   # a review still in progress
    assert _item(world, "www.example.gov.cn/index.html").approval == "unreviewed"


def test_a_page_from_the_same_template_is_another_page_not_an_edit(world: dict[str, object]) -> None:
    item = _item(world, "news/sibling.html")
    assert item.approval == "unreviewed", item.approval_detail


def test_attachments_by_file_hash_and_by_name(world: dict[str, object]) -> None:
    assert _item(world, "files/notice.docx").approval == "approved"
    assert _item(world, "files/data.xlsx").approval == "unreviewed"
    changed = _item(world, "mirror2/notice.docx")
    assert changed.approval == "changed"
    assert any("bet-888.example.com" in t for t in changed.approval_added)


def test_a_sentence_edited_in_place_shows_only_the_inserted_characters(tmp_path: Path) -> None:
    a = tmp_path / "a.html"
    b = tmp_path / "b.html"
    a.write_text(page("标题", ["全市生产总值比上年增长百分之五。"]), encoding="utf-8")
    b.write_text(page("标题", ["全市生产总值（详见www.bet.example）比上年增长百分之五。"]), encoding="utf-8")
    added, removed = diff_sentences(page_text(a, "html"), page_text(b, "html"))
    assert added == ["（详见www.bet.example）"] and removed == []


def test_chrome_whitespace_and_punctuation_do_not_count(tmp_path: Path) -> None:
    a = tmp_path / "a.html"
    b = tmp_path / "b.html"
    a.write_text(page("标题", ["各单位：请于12月1日前报送。"]), encoding="utf-8")
    b.write_text(page("标题", ["各单位:  请于 12 月 1 日前报送."], nav="完全 不同 的 导航", site="另一个网站"),
                 encoding="utf-8")
    assert page_text(a, "html").text_hash == page_text(b, "html").text_hash


def test_an_empty_ledger_classifies_without_reading(tmp_path: Path) -> None:
    home = tmp_path / "empty"
    with Ledger.open(home) as ledger:
        index = ApprovalIndex.from_ledger(ledger)
    missing = tmp_path / "gone.html"   # never read: nothing to compare with
    assert index.classify(missing, "0" * 64, "html", ItemKind.PAGE).status is ApprovalStatus.UNREVIEWED


def test_a_tampered_document_copy_is_a_problem_not_a_crash(tmp_path_factory: pytest.TempPathFactory,
                                                           tmp_path: Path) -> None:
    home = copy_template(tmp_path_factory, tmp_path / "home")
    doc = tmp_path / "p.html"
    doc.write_text(page(ARTICLE_TITLE, ARTICLE), encoding="utf-8")
    with Ledger.open(home) as ledger:
        approve(ledger, doc, "页面")
    copy = home / "documents" / sha(doc)
    copy.chmod(0o600)
    copy.write_bytes(b"changed")
    with Ledger.open(home) as ledger:
        index = ApprovalIndex.from_ledger(ledger)
    assert len(index.problems) == 1 and "哈希值不符" in index.problems[0]
    # still approved by the hash the ledger recorded
    assert index.classify(doc, sha(doc), "html", ItemKind.PAGE).matched_by == "hash"
    other = tmp_path / "q.html"
    shutil.copy(doc, other)
    tamper(other)
    assert index.classify(other, sha(other), "html", ItemKind.PAGE).status is ApprovalStatus.UNREVIEWED


def test_a_review_imported_from_a_package_counts_as_approved(tmp_path: Path) -> None:
    """The 市政府办公室 patrols a unit's site: the unit approved the page and sent the review package."""
    from app.patrol.approval import index_for
    from app.users import Role
    from tests.app.test_package_trust import do_import, export, make_unit, register

    unit = make_unit(tmp_path / "unit", "市体育局", {"xiao_li": Role.OFFICER, "wang_fg": Role.DIVISION_LEADER})
    office = make_unit(tmp_path / "office", "市政府办公室", {"city_zhao": Role.CITY_OFFICE})
    register(unit, office)
    register(office, unit)
    published = tmp_path / "site" / "notice.html"
    published.parent.mkdir()
    published.write_text(page(ARTICLE_TITLE, ARTICLE), encoding="utf-8")
    with Ledger.open(unit) as ledger:
        rid = approve(ledger, published, ARTICLE_TITLE)
    assert index_for(office).versions == ()          # before the package: nothing approved there
    assert "已导入" in do_import(office, export(unit, rid, tmp_path / "to-office.mishen"))
    index = index_for(office)
    assert [(v.review_id, v.imported) for v in index.versions] == [(rid, True)]
    assert index.classify(published, sha(published), "html", ItemKind.PAGE).status is ApprovalStatus.APPROVED
    tamper(published)
    changed = index.classify(published, sha(published), "html", ItemKind.PAGE)
    assert changed.status is ApprovalStatus.CHANGED and SPAM in changed.added


def test_results_kept_between_patrols_are_reused_until_the_approvals_change(world: dict[str, object],
                                                                             tmp_path: Path) -> None:
    import dataclasses

    from app.patrol.approval import classify_items, index_for, result_key
    from app.patrol.model import ItemStatus

    home = world["home"]
    assert isinstance(home, Path)
    index = index_for(home)                           # a fresh index: a new patrol
    tampered = _item(world, "news/tampered.html")
    copy = tmp_path / "tampered.html"
    shutil.copy(tampered.local_path, copy)
    item = dataclasses.replace(tampered, local_path=str(copy), approval=None, approval_added=(),
                               status=ItemStatus.UNCHANGED)
    known: dict[str, str] = {}
    first = next(classify_items([item], index, known))
    assert list(known) == [result_key(index, item)] and first.approval == "changed"
    copy.unlink()                                     # not read again: the kept result is used
    again = next(classify_items([item], index, known))
    assert (again.approval, again.approval_added, again.approval_review) == (
        first.approval, first.approval_added, first.approval_review)
    later = index_for(home)                           # the next patrol, same approvals, file gone
    assert later.fingerprint == index.fingerprint
    assert next(classify_items([item], later, known)).approval == "changed"
    missing = next(classify_items([item], later))     # without the kept results the file is needed
    assert missing.approval == "unreviewed" and "无法读取" in (missing.approval_detail or "")
    fewer = ApprovalIndex([(v, PageText((), (), "", True)) for v in index.versions[:1]])
    assert fewer.fingerprint != index.fingerprint and result_key(fewer, item) not in known


def test_links_to_the_sites_own_pages_made_absolute_are_not_added_links(tmp_path: Path) -> None:
    from app.patrol.approval import ApprovedVersion

    a = tmp_path / "a.html"
    b = tmp_path / "b.html"
    a.write_text(page(ARTICLE_TITLE, ARTICLE, extra='<a href="/files/notice.pdf">附件</a>'), encoding="utf-8")
    b.write_text(page(ARTICLE_TITLE, ARTICLE, extra='<a href="http://example.gov.cn/files/notice.pdf">附件</a>'
                      f'<a href="{SPAM_LINK}">点此注册</a>'), encoding="utf-8")
    index = ApprovalIndex([(ApprovedVersion("r1", "通知", 1, sha(a), "a.html", "html", "2026-11-01T00:00:00Z"),
                            page_text(a, "html"))])
    got = index.classify(b, sha(b), "html", ItemKind.PAGE, site="www.example.gov.cn")
    assert got.status is ApprovalStatus.CHANGED and got.added_links == (SPAM_LINK,) and got.added == ("点此注册",)
