"""Document kind from the document's own signals, and what the rules do with it.

Every sentence here is written for this test (none is taken from the evaluation corpora).
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from app.doc_kind import BULLETIN, DRAFT, JUDGMENT, LAW, WEB_PAGE, WORK_REPORT, DocKind, detect_kind
from app.model import Category, Document, DocumentReport, Location, Part, Segment, Severity
from app.normalize import normalize_document
from app.scan import Engine
from tests.conftest import REPO

LAW_TEXT = """某某市农村供水管理条例
2023年6月1日 某某市第五届人民代表大会常务委员会第九次会议通过
第一章 总则
第一条 为了加强农村供水管理，保障供水安全，制定本条例。
第二条 本条例适用于本市行政区域内农村供水工程的建设和管理。
第三条 对涉及赌博、吸毒等违法行为的举报，公安机关应当及时处理。
第四条 机关工作人员违反规定造成工作秘密泄露的，依法给予处分。
第五条 对正在办理的投诉事项，诉讼期间不停止处理。"""

BULLETIN_TEXT = """2031年某某县国民经济和社会发展统计公报
某某县统计局
一、综合
初步核算，全年全县地区生产总值321.7亿元，比上年增长5.6%。
全年一般公共预算收入18.2亿元。"""

JUDGMENT_TEXT = """张某某盗窃罪刑事判决书
某某市某某区人民法院
（2029）某0102刑初字第77号
公诉机关某某市某某区人民检察院。
被告人张某某，男，1990年出生。
本案审理中，被告人张某某退赔被害人损失。被告人在网吧内组织网络赌博活动。
本院认为，被告人张某某构成盗窃罪。判决如下：
被告人张某某犯盗窃罪，判处有期徒刑一年。
审判长 王某
书记员 李某"""

REPORT_TEXT = """政府工作报告
——2031年1月20日在某某省第九届人民代表大会第三次会议上
各位代表：
现在，我代表省人民政府，向大会报告工作。
预计全年地区生产总值增长5.2%，旅游总收入达到860亿元。
严厉打击赌博、卖淫嫖娼等违法犯罪活动。"""

DRAFT_TEXT = """关于2031年上半年经济运行情况的通报（征求意见稿）
初步统计，上半年全县地区生产总值152.3亿元，增长6.1%。
（2031）某0102民初456号案件目前正在审理中。
违反规定造成工作秘密泄露。"""

WEB_TEXT = """当前位置：首页 > 通知公告
关于开展植树活动的通知
各单位：定于3月12日开展义务植树。
打印本页 关闭窗口"""


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine.load()


def _document(text: str) -> Document:
    segs = [Segment(line, Location(Part.BODY, paragraph=i + 1)) for i, line in enumerate(text.split("\n"))]
    return Document.build("k.txt", "txt", "0" * 64, segs)


def _kind(text: str) -> DocKind:
    return detect_kind(normalize_document(_document(text)).text)


def _report(text: str) -> DocumentReport:
    return _engine().scan_document(_document(text))


def _loud(report: DocumentReport) -> list[str]:
    return [f"{f.category.value}/{f.severity.value} {f.text}" for f in report.findings
            if f.severity in (Severity.HIGH, Severity.BLOCK, Severity.MEDIUM)]


@pytest.mark.parametrize(("text", "kind"), [
    (LAW_TEXT, LAW), (BULLETIN_TEXT, BULLETIN), (JUDGMENT_TEXT, JUDGMENT), (REPORT_TEXT, WORK_REPORT),
    (DRAFT_TEXT, DRAFT), (WEB_TEXT, WEB_PAGE), ("请各单位于本周五前报送材料。", DRAFT),
])
def test_kind_from_signals(text: str, kind: str) -> None:
    found = _kind(text)
    assert found.kind == kind
    if kind != DRAFT:
        assert found.signals, "the signals that decided it are reported"


def test_draft_cue_wins_over_structure() -> None:
    draft_law = LAW_TEXT.replace("某某市农村供水管理条例", "某某市农村供水管理条例（草案征求意见稿）", 1)
    assert _kind(draft_law).kind == DRAFT
    draft_bulletin = BULLETIN_TEXT.replace("统计公报", "统计公报（送审稿）", 1)
    assert _kind(draft_bulletin).kind == DRAFT


def test_judgment_concluded_and_issuer() -> None:
    assert _kind(JUDGMENT_TEXT).concluded
    facts_only = "\n".join(["被告人王某某于2030年5月驾车。", "被告人王某某酒后驾驶。", "经鉴定，被告人王某某血液中乙醇含量超标。",
                            "被告人王某某到案后如实供述。", "被告人王某某自愿认罪。"])
    assert _kind(facts_only).kind == JUDGMENT
    assert _kind(BULLETIN_TEXT).issuer == "某某县统计局"


def test_published_text_is_quiet() -> None:
    for text in (LAW_TEXT, BULLETIN_TEXT, JUDGMENT_TEXT, REPORT_TEXT):
        report = _report(text)
        assert not _loud(report), (report.kind, _loud(report))


def test_the_same_sentences_in_a_draft_stay_loud() -> None:
    report = _report(DRAFT_TEXT)
    loud = {f.category for f in report.findings if f.severity.rank >= Severity.HIGH.rank}
    assert {Category.UNPUBLISHED_STATISTIC, Category.PENDING_CASE, Category.SECRET_MARK} <= loud


def test_a_bulletin_without_a_named_bureau_keeps_the_approval_hint() -> None:
    text = BULLETIN_TEXT.replace("某某县统计局\n", "")
    hints = [f for f in _report(text).findings if f.category is Category.APPROVAL_REQUIRED]
    assert hints and hints[0].severity is Severity.MEDIUM


def test_spam_in_a_law_page_title_is_not_quieted() -> None:
    segs = [Segment("网络赌博平台注册送彩金", Location(Part.TITLE)),
            *(Segment(line, Location(Part.BODY, paragraph=i + 1)) for i, line in enumerate(LAW_TEXT.split("\n")))]
    report = _engine().scan_document(Document.build("k.html", "html", "0" * 64, segs))
    assert report.kind is not None and report.kind.kind == LAW
    assert any(f.category is Category.HARMFUL_CONTENT and f.severity is Severity.BLOCK
               and f.location.part is Part.TITLE for f in report.findings)


def test_kind_in_json(tmp_path: Path) -> None:
    path = tmp_path / "条例.txt"
    path.write_text(LAW_TEXT, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "app", "scan", "--format", "json", str(path)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    doc = json.loads(proc.stdout)["documents"][0]
    assert doc["kind"]["kind"] == LAW and doc["kind"]["label"] and doc["kind"]["signals"]


def test_problems_planted_in_published_text_stay_loud() -> None:
    law = LAW_TEXT + "\n欢迎访问网上赌场，天天返现。\n本文件属于工作秘密，请勿对外提供。"
    loud = {f.category for f in _report(law).findings if f.severity.rank >= Severity.HIGH.rank}
    assert {Category.HARMFUL_CONTENT, Category.SECRET_MARK} <= loud
    bulletin = BULLETIN_TEXT + "\n全年税收收入12.3亿元（内部数据，请勿对外引用）。"
    stats = [f for f in _report(bulletin).findings if f.category is Category.UNPUBLISHED_STATISTIC
             and f.severity.rank >= Severity.HIGH.rank]
    assert [f.text for f in stats] == ["12.3亿元"]
    report = REPORT_TEXT + "\n据初步统计，全年财政收入完成312.4亿元。"
    assert any(f.category is Category.UNPUBLISHED_STATISTIC and f.severity.rank >= Severity.HIGH.rank
               for f in _report(report).findings)


def test_drafts_that_look_published_stay_loud() -> None:
    analysis = "关于2031年上半年经济运行情况的分析\n某某县统计局\n据初步统计，上半年全县地区生产总值152.3亿元，增长6.1%。"
    assert _kind(analysis).kind == DRAFT
    assert any(f.category is Category.UNPUBLISHED_STATISTIC and f.severity is Severity.HIGH
               for f in _report(analysis).findings)
    citing = "关于做好《2030年某某县统计公报》数据使用工作的通知\n据初步统计，全县财政收入18.6亿元。"
    assert _kind(citing).kind != BULLETIN
    release = "\n".join(["被告人赵某某涉嫌受贿一案情况通报", "被告人赵某某系某局原局长。", "被告人赵某某涉嫌受贿一案，目前仍在侦查阶段。",
                         "被告人赵某某已被依法留置。"])
    assert any(f.category is Category.PENDING_CASE and f.severity.rank >= Severity.HIGH.rank
               for f in _report(release).findings)


def test_site_vocabulary_injected_into_an_article_stays_block() -> None:
    law = LAW_TEXT + "\n第六条 本条例由市水务局负责解释。皇冠体育在线投注，信誉线上平台。"
    found = [f for f in _report(law).findings if f.category is Category.HARMFUL_CONTENT]
    assert found and all(f.severity is Severity.BLOCK for f in found if "条例" not in f.text)
    # while the offence named by the article itself is a hint
    assert all(f.severity is Severity.LOW for f in _report(LAW_TEXT).findings if f.category is Category.HARMFUL_CONTENT)


def test_a_pdf_law_whose_lines_are_joined_is_still_a_law() -> None:
    page = Segment(LAW_TEXT, Location(Part.PAGE, page=1), soft_breaks=True)
    doc = Document.build("k.pdf", "pdf", "0" * 64, [page])
    assert detect_kind(normalize_document(doc).text).kind == LAW
    # a notice citing a few articles is not a law
    assert _kind("根据《条例》第十四条、第十五条的规定，现将有关事项通知如下。").kind == DRAFT
