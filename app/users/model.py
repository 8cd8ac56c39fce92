"""People and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.errors import UsageError


class Role(str, Enum):
    OFFICER = "officer"                  # 信息员
    SECTION_CHIEF = "section_chief"      # 科室负责人 (三审三校 初审)
    DIVISION_LEADER = "division_leader"  # 分管领导
    PRINCIPAL = "principal"              # 主要负责人
    CITY_OFFICE = "city_office"          # 市政府办公室
    SECRECY_ADMIN = "secrecy_admin"      # 保密管理员
    AUDITOR = "auditor"                  # 审计员

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> Role:
        text = value.strip()
        for role in cls:
            if text.lower() == role.value or text == ROLE_LABELS[role]:
                return role
        alias = _ALIASES.get(text)
        if alias is not None:
            return alias
        choices = "、".join(f"{r.value}（{r.label}）" for r in cls)
        raise UsageError(f"未知角色“{value}”，可选：{choices}", code="bad_role")


ROLE_LABELS = {
    Role.OFFICER: "信息员", Role.SECTION_CHIEF: "科室负责人", Role.DIVISION_LEADER: "分管领导",
    Role.PRINCIPAL: "主要负责人", Role.CITY_OFFICE: "市政府办公室", Role.SECRECY_ADMIN: "保密管理员",
    Role.AUDITOR: "审计员",
}
_ALIASES = {"分管负责人": Role.DIVISION_LEADER, "主要领导": Role.PRINCIPAL, "市政府办": Role.CITY_OFFICE}


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    unit: str
    public_key: str
    added_seq: int      # the ledger entry that registered this user

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role.value, "role_label": self.role.label, "unit": self.unit,
                "public_key": self.public_key, "added_seq": self.added_seq}
