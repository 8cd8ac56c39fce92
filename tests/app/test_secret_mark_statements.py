"""A secrecy period field and a document saying of itself that it is not for release are marks;
the same words in a rule about other documents, a regulation or a copyright line are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import Category, Severity
from app.scan import Engine
from tests.app.test_rule_support import scan_txt


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def _marks(engine: Engine, tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [(f.rule.split(".")[-1], f.text) for f in scan_txt(engine, tmp_path, text)
            if f.category is Category.SECRET_MARK and f.severity is Severity.BLOCK]


@pytest.mark.parametrize(("text", "rule", "marked"), [
    ("保密期限：十年\n", "classification_period", "保密期限：十年"),
    ("保密期限: 长期\n", "classification_period", "保密期限: 长期"),
    ("本文件不得在互联网上发布。\n", "self_not_for_release", "本文件不得在互联网上发布"),
    ("此材料严禁对外公开。\n", "self_not_for_release", "此材料严禁对外公开"),
    ("本报告中的数据请勿外传。\n", "self_not_for_release", "本报告中的数据请勿外传"),
    ("内部资料，不得对外公开\n", "internal_notice", "内部资料，不得对外公开"),
])
def test_marked(engine: Engine, tmp_path: Path, text: str, rule: str, marked: str) -> None:
    found = _marks(engine, tmp_path, text)
    assert found == [(rule, marked)], found


@pytest.mark.parametrize("text", [
    "国家秘密的保密期限，除另有规定外，绝密级不超过三十年。\n",
    "涉及国家秘密的信息不得对外公开。\n",
    "本文件自印发之日起施行。\n",
    "此稿件未经许可不得转载。\n",
    "本网原创稿件，未经授权不得转载。\n",
    "本信息公开工作年度报告由县政府办公室编制。\n",
])
def test_quiet(engine: Engine, tmp_path: Path, text: str) -> None:
    assert _marks(engine, tmp_path, text) == []


def test_a_lexicon_notice_is_one_finding(engine: Engine, tmp_path: Path) -> None:
    assert len(_marks(engine, tmp_path, "此件不宜公开\n")) == 1


def test_a_period_beside_its_level_is_one_mark(engine: Engine, tmp_path: Path) -> None:
    assert _marks(engine, tmp_path, "通知\n密级：秘密　保密期限：5年\n") == [("classification_field", "密级：秘密")]
    assert _marks(engine, tmp_path, "密级：秘密\n保密期限：5年\n") == [
        ("classification_field", "密级：秘密"), ("classification_period", "保密期限：5年")]
