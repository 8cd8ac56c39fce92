"""The published reference regulations: the composite rules must stay (almost) silent on them.

They are full of regulation vocabulary (涉及国家秘密, 保密审查, 正在办理的信访事项, 重大动物疫情,
统计信息…) and are the best available stand-in for unseen published text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import Category, Document, Location, Part, Segment
from app.normalize import normalize_document
from app.rules.base import ScanContext
from tests.app.test_rule_support import body

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REFERENCE = SHARED / "reference"
RULE_MODULES = ("secret_mark", "statistic", "pending_case", "personal_info", "approval")
MAX_LOUD_PER_10K = 0.5


def _reference_files() -> list[Path]:
    if not REFERENCE.is_dir():
        pytest.skip(f"needs the shared reference texts at {REFERENCE} (present in the team's workspace and CI, "
                    "not in a user's clone)")
    return sorted(REFERENCE.glob("*.txt"))


def _context(path: Path) -> ScanContext:
    lines = path.read_text(encoding="utf-8").splitlines()
    doc = Document.build(path.name, "txt", "0" * 64, body(*lines))
    return ScanContext(doc, normalize_document(doc))


def test_composite_rules_are_quiet_on_published_regulations() -> None:
    from importlib import import_module

    rules = [import_module(f"app.rules.{name}").RULE for name in RULE_MODULES]
    loud: list[str] = []
    chars = 0
    for path in _reference_files():
        ctx = _context(path)
        chars += ctx.document.chars
        for rule in rules:
            for h in rule.find(ctx):
                if h.severity.rank >= 2:
                    a, b = ctx.norm.to_original(h.start, h.end)
                    loud.append(f"{path.name}: {h.rule} {ctx.document.text[a:b]!r}")
    assert len(loud) / chars * 10000 <= MAX_LOUD_PER_10K, "\n".join(loud)


def test_secret_mark_lexicon_is_quiet_on_published_regulations() -> None:
    loader = pytest.importorskip("app.lexicon.loader", reason="lexicon engine not in this checkout")
    matcher_mod = pytest.importorskip("app.lexicon.matcher", reason="lexicon engine not in this checkout")
    csv = Path(__file__).resolve().parents[2] / "lexicons" / "secret_mark.csv"
    matcher = matcher_mod.Matcher.build([loader.load_lexicon_file(csv)], cache_dir=None)
    loud = []
    for path in _reference_files():
        ctx = _context(path)
        for h in matcher.find(ctx.text):
            if not h.entry.allow and h.entry.category is Category.SECRET_MARK and h.entry.severity.rank >= 2:
                loud.append(f"{path.name}: {h.entry.term} in {ctx.text[max(0, h.start - 15):h.end + 10]!r}")
    assert loud == []


def test_pipeline_reports_each_composite_category() -> None:
    pytest.importorskip("app.lexicon.matcher", reason="lexicon engine not in this checkout")
    from app.scan import Engine

    doc = Document.build("draft.docx", "docx", "0" * 64, [
        Segment("机密★5年", Location(Part.HEADER, label="页眉")),
        *body("据快报统计，前三季度全县税收收入完成7.3亿元。",
              "赵某某涉嫌挪用公款一案尚未判决。",
              "举报人身份证号11010519491231002X。",
              "近期发生非洲猪瘟疫情，疫点位于北纬25°05′、东经104°54′。"),
    ])
    report = Engine.load().scan_document(doc)
    got = {(f.category, f.text) for f in report.findings}
    assert (Category.SECRET_MARK, "机密★5年") in got
    assert (Category.UNPUBLISHED_STATISTIC, "7.3亿元") in got
    assert (Category.PENDING_CASE, "赵某某涉嫌挪用公款一案尚未判决") in got
    assert (Category.PERSONAL_INFO, "11010519491231002X") in got
    assert (Category.APPROVAL_REQUIRED, "北纬25°05′、东经104°54′") in got
