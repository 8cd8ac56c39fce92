"""Review routes are data: an ordered list of levels, each naming the roles that may sign it,
when it is required, and whether an opinion (批示) is required. Built-in routes are written in the
same JSON shape a unit uses for its own (data directory `routes/<name>.json`)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UsageError
from app.users.model import Role

#: Conditions a level's `required_when` may name.
CONDITIONS = {
    "always": "总是需要",
    "class:important": "重要或特级信息",
    "class:critical": "特级信息",
    "finding:high": "存在高风险问题（或已豁免的禁止发布问题）",
    "escalated": "下一级报上级审核",
}


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    name: str
    roles: tuple[Role, ...]
    required_when: tuple[str, ...]
    opinion_required: bool = False
    in_ledger: bool = False        # opinions recorded in the 领导审批台帐
    deciding: bool | None = None   # None: level 3 and above decide every high item (see `decides`)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"number": self.number, "name": self.name, "roles": [r.value for r in self.roles],
                               "required_when": list(self.required_when), "opinion_required": self.opinion_required,
                               "in_ledger": self.in_ledger}
        if self.deciding is not None:  # only when the route says so: built-in routes stay byte-identical
            out["deciding"] = self.deciding
        return out

    @property
    def decides(self) -> bool:
        """A deciding level gives every `high` item an explicit disposition (同意公开 / 须修改)
        before it approves; unless the route marks levels itself, levels 3 and 4 decide."""
        return self.number >= 3 if self.deciding is None else self.deciding

    @property
    def roles_label(self) -> str:
        return "或".join(r.label for r in self.roles)


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    title: str
    levels: tuple[Level, ...]

    def level(self, number: int) -> Level | None:
        return next((lv for lv in self.levels if lv.number == number), None)

    @property
    def top(self) -> int:
        return self.levels[-1].number

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "levels": [lv.to_json() for lv in self.levels]}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Route:
        try:
            levels = tuple(Level(int(lv["number"]), str(lv["name"]), tuple(Role.parse(r) for r in lv["roles"]),
                                 tuple(str(c) for c in lv["required_when"]), bool(lv.get("opinion_required")),
                                 bool(lv.get("in_ledger")),
                                 None if lv.get("deciding") is None else bool(lv.get("deciding")))
                           for lv in data["levels"])
            route = Route(str(data["name"]), str(data.get("title", data["name"])), levels)
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"审核流程定义格式错误：{exc}", code="bad_route") from exc
        problems = validate_route(route)
        if problems:
            raise UsageError("审核流程定义有误：" + "；".join(problems), code="bad_route")
        return route


def validate_route(route: Route) -> list[str]:
    out: list[str] = []
    if not route.levels:
        out.append("至少需要一级审核")
    for i, lv in enumerate(route.levels, start=1):
        if lv.number != i:
            out.append(f"级别须从 1 起连续编号（第 {i} 项为 {lv.number}）")
        if not lv.roles:
            out.append(f"第 {lv.number} 级未指定签署角色")
        for c in lv.required_when:
            if c not in CONDITIONS:
                out.append(f"第 {lv.number} 级的条件“{c}”无效，可选：{', '.join(CONDITIONS)}")
    if route.levels and "always" not in route.levels[0].required_when:
        out.append("第 1 级必须总是需要（always）")
    return out


FOUR_LEVEL: dict[str, Any] = {
    "name": "four_level", "title": "四级负责制",
    "levels": [
        {"number": 1, "name": "一级审核（信息员）", "roles": ["officer"], "required_when": ["always"]},
        {"number": 2, "name": "二级审核（分管领导）", "roles": ["division_leader"], "required_when": ["always"]},
        {"number": 3, "name": "三级审核（主要负责人）", "roles": ["principal"],
         "required_when": ["class:important", "finding:high", "escalated"], "opinion_required": True,
         "in_ledger": True},
        {"number": 4, "name": "四级审核（市政府办公室）", "roles": ["city_office"],
         "required_when": ["class:critical", "escalated"], "opinion_required": True, "in_ledger": True},
    ],
}

THREE_REVIEWS: dict[str, Any] = {
    "name": "three_reviews", "title": "三审三校",
    "levels": [
        {"number": 1, "name": "初审（科室负责人）", "roles": ["section_chief"], "required_when": ["always"]},
        {"number": 2, "name": "复审（分管负责人）", "roles": ["division_leader"], "required_when": ["always"]},
        {"number": 3, "name": "终审（主要负责人）", "roles": ["principal"], "required_when": ["always"],
         "opinion_required": True, "in_ledger": True},
    ],
}

BUILTIN_ROUTES = {"four_level": FOUR_LEVEL, "three_reviews": THREE_REVIEWS}
DEFAULT_ROUTE = "four_level"

#: A route name is a name, never a path: letters, digits, CJK ideographs, `_` and `-`, at most 64.
ROUTE_NAME = re.compile(r"[A-Za-z0-9_\-\u4e00-\u9fff]{1,64}")


def routes_dir(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / "routes"


def route_file(name: str, data_dir: str | os.PathLike[str]) -> Path:
    """`<data_dir>/routes/<name>.json` for a valid name; anything that could leave the folder
    (separators, `..`, drive letters, control characters) is refused."""
    if not ROUTE_NAME.fullmatch(name):
        raise UsageError(f"审核流程名称“{name}”无效：名称只能由字母、数字、汉字、下划线和连字符组成"
                         "（不能含路径或“..”），流程文件须放在数据目录 routes/ 文件夹中。", code="bad_route_name")
    folder = routes_dir(data_dir).resolve()
    path = (folder / f"{name}.json").resolve()
    if path.parent != folder:  # a symlink inside routes/ pointing elsewhere
        raise UsageError(f"审核流程文件 {name}.json 指向 routes/ 文件夹之外，拒绝使用。", code="bad_route_name")
    return path


def load_route(name: str | None, data_dir: str | os.PathLike[str] | None = None) -> Route:
    """A built-in route by name or title, or `<data_dir>/routes/<name>.json`."""
    key = (name or DEFAULT_ROUTE).strip()
    for data in BUILTIN_ROUTES.values():
        if key in (data["name"], data["title"]):
            return Route.from_json(data)
    if data_dir is not None:
        path = route_file(key, data_dir)
        if path.is_file():
            try:
                return Route.from_json(json.loads(path.read_text(encoding="utf-8")))
            except ValueError as exc:
                raise UsageError(f"审核流程文件 {path} 不是有效的 JSON：{exc}", code="bad_route") from exc
    known = "、".join(f"{d['name']}（{d['title']}）" for d in BUILTIN_ROUTES.values())
    raise UsageError(f"未知的审核流程“{key}”。内置：{known}；自定义流程放在数据目录 routes/<名称>.json。",
                     code="unknown_route")
