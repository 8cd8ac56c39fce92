"""法规依据: the national law or regulation first (with article), the unit's own rules second.

The unit's rules are a setting: `unit_rules.json` in the data directory (or the file named by
MISHEN_UNIT_RULES) maps a category (or a rule id prefix) to the unit's clause, e.g.
`{"secret_mark": "本局网站信息发布保密审查办法 第五条"}`. Without a setting, the clause each rule or
lexicon entry carries is used: the bundled municipal rules (兴义市, 璧山区, 清远市) serve as examples.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path

from app.model import Category, Finding

#: National basis per category.
NATIONAL: dict[Category, str] = {
    Category.SECRET_MARK: "《中华人民共和国保守国家秘密法》第三十五条（拟公开信息须经保密审查）、第三十三条；"
                          "《中华人民共和国政府信息公开条例》第十四条",
    Category.SENSITIVE_TERM: "《中华人民共和国政府信息公开条例》第十四条、第十七条（公开前审查）",
    Category.UNPUBLISHED_STATISTIC: "《中华人民共和国统计法》第二十三条（统计资料由统计机构依法公布）；"
                                    "《中华人民共和国政府信息公开条例》第十七条",
    Category.PENDING_CASE: "《中华人民共和国政府信息公开条例》第十六条第二款（行政执法案卷信息可以不予公开）",
    Category.PERSONAL_INFO: "《中华人民共和国个人信息保护法》第二十五条（不得公开其处理的个人信息）；"
                            "《中华人民共和国政府信息公开条例》第十五条",
    Category.HARMFUL_CONTENT: "《互联网信息服务管理办法》第十五条（不得散布淫秽、色情、赌博等信息）；"
                              "《中华人民共和国网络安全法》第十二条",
    Category.APPROVAL_REQUIRED: "《中华人民共和国政府信息公开条例》第十七条（不能确定能否公开的，报有关主管部门确定）",
    Category.HIDDEN_CONTENT: "《中华人民共和国保守国家秘密法》第三十五条（拟公开信息须经保密审查）",
    Category.WORDING: "《党政机关公文处理工作条例》第十九条（公文起草用语规范、表述准确）",
    Category.TYPO: "《中华人民共和国国家通用语言文字法》第九条（国家机关以规范汉字为公务用字）；"
                   "《党政机关公文处理工作条例》第十九条",
}

#: More precise national basis for some rules (longest prefix wins).
NATIONAL_BY_RULE: dict[str, str] = {
    "secret_mark.internal": "《中华人民共和国政府信息公开条例》第十六条（内部事务信息可以不予公开）；"
                            "《中华人民共和国保守国家秘密法》第三十五条",
    "secret_mark.release_on_request": "《中华人民共和国政府信息公开条例》第十九条、第二十七条（主动公开与依申请公开）",
    "secret_mark.not_for_release": "《中华人民共和国政府信息公开条例》第十四条至第十六条（不予公开的信息）",
    "approval_required.epidemic": "《中华人民共和国传染病防治法》（疫情信息由卫生健康主管部门依法公布）；"
                                  "《中华人民共和国动物防疫法》（动物疫情由农业农村主管部门依法公布）",
    "approval_required.coordinates": "《地图管理条例》第十五条（向社会公开的地图须经审核）；《中华人民共和国测绘法》",
    "approval_required.large_scale_map": "《地图管理条例》第十五条（向社会公开的地图须经审核）；《中华人民共和国测绘法》",
    "approval_required.survey_data": "《地图管理条例》第十五条（向社会公开的地图须经审核）；《中华人民共和国测绘法》",
    "approval_required.statistics_release": "《中华人民共和国统计法》第二十三条（统计资料由统计机构依法公布）",
}

UNIT_PREFIX = "本单位制度："
_NATIONAL_LEAD = ("中华人民共和国", "《中华人民共和国", "《互联网", "《地图", "互联网信息服务管理办法")


def national_basis(rule: str, category: Category) -> str:
    best = ""
    for prefix in NATIONAL_BY_RULE:
        if rule.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    if best:
        return NATIONAL_BY_RULE[best]
    return NATIONAL.get(category, "")


def _settings_path() -> Path:
    env = os.environ.get("MISHEN_UNIT_RULES")
    if env:
        return Path(env)
    from app.paths import data_dir

    return data_dir() / "unit_rules.json"


@cache
def unit_rules() -> dict[str, str]:
    """The unit's own clauses by category value or rule-id prefix ({} when not set)."""
    path = _settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {str(k): str(v) for k, v in raw.items() if isinstance(v, str) and v.strip()}


def unit_basis(rule: str, category: Category, bundled: str) -> str:
    rules = unit_rules()
    best = max((k for k in rules if rule.startswith(k)), key=len, default=None)
    if best is not None:
        return rules[best]
    return rules.get(category.value, bundled)


@lru_cache(maxsize=8192)
def compose_basis(rule: str, category: Category, bundled: str) -> str:
    """National basis first, then the unit's rules (a setting; the bundled clause by default)."""
    national = national_basis(rule, category)
    unit = unit_basis(rule, category, bundled).strip()
    if unit.startswith(_NATIONAL_LEAD):
        return unit  # the entry already cites the national law first (招标投标法 第二十二条…)
    if not national:
        return unit
    if not unit or unit.startswith(national):
        return unit or national
    return f"{national}；{UNIT_PREFIX}{unit}"


def with_national_basis(findings: Iterable[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        basis = compose_basis(f.rule, f.category, f.basis)
        out.append(f if basis == f.basis else replace(f, basis=basis))
    return out
