"""Whole-phrase spans, merging of overlaps, grouping of identical findings, Chinese rule names and
the national basis first. Sentences written for this test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from app.grouping import merge_overlaps, refine_spans
from app.model import Category, Document, Finding, Location, Part, Segment, Severity
from app.normalize import normalize_document
from app.rules.base import Hit, ScanContext
from app.scan import Engine
from tests.conftest import REPO


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine.load()


def _document(text: str) -> Document:
    segs = [Segment(line, Location(Part.BODY, paragraph=i + 1)) for i, line in enumerate(text.split("\n"))]
    return Document.build("g.txt", "txt", "1" * 64, segs)


def _scan(text: str) -> list[Finding]:
    return list(_engine().scan_document(_document(text)).findings)


def test_bid_base_price_includes_its_amount() -> None:
    found = [f for f in _scan("经测算，本标段标底为2876.35万元，请各投标人注意。") if f.category is Category.SENSITIVE_TERM]
    assert found and found[0].text == "标底为2876.35万元"


def test_pending_state_covers_the_whole_status_phrase() -> None:
    found = [f for f in _scan("该起事故的调查工作仍在进行中，结论尚未形成。") if f.category is Category.PENDING_CASE]
    assert found and found[0].text.endswith("仍在进行中")


def _ctx(text: str) -> ScanContext:
    doc = _document(text)
    return ScanContext(doc, normalize_document(doc))


def test_a_widened_span_never_starts_inside_a_number() -> None:
    ctx = _ctx("联系13912345678反映的问题正在核查中")
    inside = ctx.text.index("345678")
    hit = Hit(inside, len(ctx.text), Category.PENDING_CASE, Severity.HIGH, "pending_case.pending_state", "b", "m")
    (refined,) = refine_spans(ctx, [hit])
    assert ctx.text[refined.start:refined.end] == "反映的问题正在核查中"


def test_overlapping_findings_of_one_category_merge() -> None:
    a = Hit(0, 6, Category.SECRET_MARK, Severity.BLOCK, "secret_mark.internal_mark", "b", "loud")
    b = Hit(4, 10, Category.SECRET_MARK, Severity.HIGH, "secret_mark-0003", "b", "quiet")
    c = Hit(4, 10, Category.PERSONAL_INFO, Severity.MEDIUM, "personal_info.mobile", "b", "other")
    merged = merge_overlaps([a, b, c])
    marks = [h for h in merged if h.category is Category.SECRET_MARK]
    assert [(h.start, h.end, h.rule, h.message) for h in marks] == [(0, 10, "secret_mark.internal_mark", "loud")]
    assert any(h.category is Category.PERSONAL_INFO for h in merged)


def test_repeated_spam_is_one_finding_with_every_occurrence() -> None:
    spam = "日韩_国产_无码高清_免费在线观看_永久地址"
    lines = ["关于做好防汛工作的通知"] + [spam if i % 3 == 0 else f"第{i}项工作安排如下。" for i in range(1, 24)]
    findings = [f for f in _scan("\n".join(lines)) if f.category is Category.HARMFUL_CONTENT]
    assert len(findings) == 1
    f = findings[0]
    assert f.count == 7 and len({o.location.paragraph for o in f.occurrences}) == 7
    assert f.occurrences[0].start == f.start
    data = f.to_json()
    assert data["count"] == 7 and len(data["occurrences"]) == 7 and data["rule_name"]


def test_every_rule_has_a_chinese_name_and_national_basis() -> None:
    text = "\n".join([
        "机密★10年", "据初步统计，1-9月全县地区生产总值完成486.2亿元。", "（2031）某0102民初456号案件目前正在审理中。",
        "联系人：王某某，手机13987654321。", "国产_日韩_无码高清_免费在线观看_最新网址", "全县新增确诊病例12例。",
        "节日期间景区游客穿流不息。",
    ])
    findings = _scan(text)
    cats = {f.category for f in findings}
    assert {Category.SECRET_MARK, Category.UNPUBLISHED_STATISTIC, Category.PENDING_CASE,
            Category.PERSONAL_INFO, Category.HARMFUL_CONTENT, Category.APPROVAL_REQUIRED, Category.TYPO} <= cats
    for f in findings:
        assert f.rule_name and not f.rule_name.isascii() and "." not in f.rule_name, f
        assert f.basis.startswith(("《", "中华人民共和国")), f.basis
        assert f.to_json()["rule"] == f.rule


def test_the_units_rules_are_a_setting(tmp_path: Path) -> None:
    setting = tmp_path / "unit_rules.json"
    setting.write_text(json.dumps({"secret_mark": "本局信息发布保密审查办法 第五条"}, ensure_ascii=False), encoding="utf-8")
    doc = tmp_path / "稿件.txt"
    doc.write_text("机密★10年\n关于某某工程的请示", encoding="utf-8")
    env = {**os.environ, "MISHEN_UNIT_RULES": str(setting), "MISHEN_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-m", "app", "scan", "--format", "json", str(doc)],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    marks = [f for f in json.loads(proc.stdout)["documents"][0]["findings"] if f["category"] == "secret_mark"]
    assert marks
    basis = marks[0]["basis"]
    assert basis.startswith("《中华人民共和国保守国家秘密法》") and basis.endswith("本单位制度：本局信息发布保密审查办法 第五条")
    assert "兴义" not in basis


def test_text_report_shows_rule_name_kind_and_occurrences(tmp_path: Path) -> None:
    doc = tmp_path / "网页.txt"
    spam = "午夜福利_无码高清_免费在线观看_最新地址"
    doc.write_text("\n".join(["当前位置：首页 > 通知公告", "关于春季植树的通知", spam, "请各单位参加。", spam]),
                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "app", "scan", str(doc)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, env={**os.environ, "MISHEN_HOME": str(tmp_path / "home")})
    out = proc.stdout
    assert "文件类型：网页" in out
    assert "共 2 处" in out
    assert "规则：关键词堆砌垃圾信息（spam.seo_chain）" in out


def test_status_phrases_end_where_the_status_ends() -> None:
    cases = {"该企业违法排污一案，尚未作出最终处理决定。": "尚未作出最终处理决定",
             "群众反映的问题正在调查处理中。": "正在调查处理中"}
    for sentence, tail in cases.items():
        found = [f for f in _scan(sentence) if f.category is Category.PENDING_CASE]
        assert found and found[0].text.endswith(tail), (sentence, [f.text for f in found])


def test_spam_stuffed_into_a_title_is_one_finding() -> None:
    title = "关于做好春季防火工作的通知_免费成人视频在线观看_澳门葡京娱乐场首存送彩金"
    found = [f for f in _scan(title) if f.category is Category.HARMFUL_CONTENT]
    assert len(found) == 1, [f.text for f in found]
    assert found[0].severity is Severity.BLOCK
    assert "成人视频" in found[0].text and found[0].text.endswith("首存送彩金")


def test_harmful_terms_in_separate_sentences_stay_apart() -> None:
    text = "网页出现成人视频。另有葡京娱乐字样。"
    found = [f for f in _scan(text) if f.category is Category.HARMFUL_CONTENT]
    assert len(found) == 2, [f.text for f in found]


def test_same_span_generic_twins_are_one_finding() -> None:
    found = [f for f in _scan("该方案内容暂不公开，请各单位妥善保管。") if "暂不公开" in f.text]
    assert len(found) == 1 and found[0].category is Category.SECRET_MARK


def test_twins_of_other_categories_or_rules_are_kept() -> None:
    from app.grouping import merge_twins

    a = Hit(0, 4, Category.SECRET_MARK, Severity.MEDIUM, "secret_mark-0042", "b", "m")
    b = Hit(0, 4, Category.SENSITIVE_TERM, Severity.MEDIUM, "sensitive-0038", "b", "m")
    c = Hit(0, 4, Category.HARMFUL_CONTENT, Severity.MEDIUM, "harmful-0001", "b", "m")
    d = Hit(0, 4, Category.SENSITIVE_TERM, Severity.HIGH, "sensitive-0039", "b", "m")
    e = Hit(0, 4, Category.SENSITIVE_TERM, Severity.MEDIUM, "sensitive_term.rule", "b", "m")
    assert merge_twins([b, a, c, d, e]) == [a, c, d, e]
