"""个人信息: resident ID numbers, mobile numbers, bank-card numbers and personal e-mail addresses.

Every number must stand on its own (not part of a longer digit or letter run), so archive numbers,
serial numbers and published office landlines (0763-3381234) stay quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.model import Category, Severity
from app.rules.base import Hit, ScanContext
from app.rules.common import BASIS_PRIVACY, RuleMeta
from app.rules.idcard import card_prefix_ok, id_birth_ok, id_region_ok, is_resident_id, luhn_ok

META = RuleMeta(Category.PERSONAL_INFO, "personal_info", BASIS_PRIVACY)

_PREFILTER = re.compile(r"\d{4}|@")
_ID = re.compile(r"(?<![0-9a-z])(\d{6}) ?(\d{8}) ?(\d{3}[\dx])(?![0-9a-z])")
# First-generation 15-digit numbers (6-digit region, yymmdd, 3-digit sequence): only with a cue.
_ID15 = re.compile(r"(?<![0-9a-z])(\d{6}) ?(\d{6}) ?(\d{3})(?![0-9a-z])")
_ID_CUE = re.compile(r"身份证|证件号|身份号码|公民身份")
_MOBILE = re.compile(r"(?=[+81])(?<![\d.\-+])(?:\+?86[- ]?)?(1[3-9]\d)([- ]?)(\d{4})\2(\d{4})(?![\d])")
_CARD = re.compile(r"(?<![\d.\-])\d(?:[ -]?\d){15,18}(?![\d])")
_CARD_CUE = re.compile(r"卡号|账号|帐号|银行|转入|汇入|转账|开户|账户|收款|储蓄卡|信用卡|借记卡|打款|汇款|存入")
_SERIAL_CUE = re.compile(r"编号|受理号|档案号|文号|流水号|订单号|序号|单号|代码|批号|登记号|证书号|许可证|条码|票号|合同号")
_EMAIL = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{0,63} {0,2}@ {0,2}[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}(?![a-z0-9])")
_GOV_DOMAIN = re.compile(r"@(?:[a-z0-9-]+\.)*gov(?:\.cn)?$|@(?:[a-z0-9-]+\.)*(?:org\.cn|edu\.cn)$")
_OFFICE_CUE = re.compile(r"邮箱|信箱|电子邮件|e-?mail|联系方式|联系电话|咨询电话|监督电话|投诉电话|受理")
_OFFICE = re.compile(r"办公室|局|委员会|委|中心|政府|部门|科|处|站|所|院|厅|办|街道|乡|镇|热线")
_PERSONAL_CUE = re.compile(r"个人|本人|举报人|联系人|某|先生|女士|私人|家属")


def _context(text: str, start: int, end: int, before: int = 16, after: int = 0) -> str:
    return text[max(0, start - before):min(len(text), end + after)]


class PersonalInfoRule:
    id = "personal_info"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        text = ctx.text
        if not _PREFILTER.search(text):
            return []
        ids = list(self._ids(text))
        taken = [(h.start, h.end) for h in ids]
        return [*ids, *self._cards(text, taken), *self._mobiles(text), *self._emails(ctx)]

    def _ids(self, text: str) -> Iterator[Hit]:
        for m in _ID.finditer(text):
            number = m[1] + m[2] + m[3]
            before = _context(text, m.start(), m.start())
            # a dated serial (受理编号 520102 20250115 0011) can pass every check by chance
            serial = _SERIAL_CUE.search(before) is not None and _ID_CUE.search(before) is None
            if is_resident_id(number):
                yield META.hit(m.start(), m.end(), Severity.MEDIUM if serial else Severity.HIGH, "resident_id",
                               "文中含公民身份号码，属个人隐私信息，不得公开发布。",
                               "删除身份证号，或仅保留前后几位并以*遮盖（如 3406**********4567）。")
            elif id_region_ok(number) and id_birth_ok(number) and not serial:
                cue = _ID_CUE.search(_context(text, m.start(), m.end())) is not None
                yield META.hit(m.start(), m.end(), Severity.HIGH if cue else Severity.MEDIUM, "resident_id_suspect",
                               "文中含疑似公民身份号码（校验位不符，可能录入有误），属个人隐私信息。",
                               "核实后删除或遮盖该号码。")
        for m in _ID15.finditer(text):
            number = m[1] + "19" + m[2] + m[3]
            if not (id_region_ok(number) and id_birth_ok(number[:14])):
                continue
            if _ID_CUE.search(_context(text, m.start(), m.end())) is not None:
                yield META.hit(m.start(), m.end(), Severity.HIGH, "resident_id_15",
                               "文中含15位（第一代）公民身份号码，属个人隐私信息，不得公开发布。",
                               "删除身份证号，或仅保留前后几位并以*遮盖。")

    def _cards(self, text: str, taken: list[tuple[int, int]]) -> Iterator[Hit]:
        for m in _CARD.finditer(text):
            raw = m[0]
            digits = raw.replace(" ", "").replace("-", "")
            if not 16 <= len(digits) <= 19 or any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if raw != digits and not _grouped_in_fours(raw):
                continue
            if len(digits) == 18 and is_resident_id(digits):
                continue
            if not (luhn_ok(digits) and card_prefix_ok(digits)):
                continue
            before = _context(text, m.start(), m.start(), 16)
            if _SERIAL_CUE.search(before) and not _CARD_CUE.search(before):
                continue
            loud = _CARD_CUE.search(before) is not None or digits.startswith("62")
            yield META.hit(m.start(), m.end(), Severity.HIGH if loud else Severity.MEDIUM, "bank_card",
                           "文中含银行卡号，属个人金融信息，不得公开发布。",
                           "删除银行卡号，或仅保留后四位并以*遮盖。")

    def _mobiles(self, text: str) -> Iterator[Hit]:
        for m in _MOBILE.finditer(text):
            yield META.hit(m.start(), m.end(), Severity.MEDIUM, "mobile",
                           "文中含手机号码，可能属个人联系方式，公开前须取得本人同意。",
                           "非公务公开电话的，删除或以*遮盖中间四位（如 137****1234）；公务联系请用办公电话。")

    def _emails(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        if "@" not in text:
            return
        for m in _EMAIL.finditer(text):
            address = "".join(m[0].split())
            s, e = ctx.sentence(m.start(), m.end())
            near = text[max(s, m.start() - 30):m.start()]
            office = (_OFFICE_CUE.search(near) is not None and _OFFICE.search(text, s, e) is not None
                      and _PERSONAL_CUE.search(near) is None)
            sev = Severity.LOW if _GOV_DOMAIN.search(address) or office else Severity.MEDIUM
            yield META.hit(m.start(), m.end(), sev, "email",
                           "文中含电子邮箱地址" + ("（公务邮箱，请核实）。" if sev is Severity.LOW else
                                                  "，可能属个人联系方式。"),
                           "个人邮箱须删除或遮盖；公开联系方式请使用单位公务邮箱。")


def _grouped_in_fours(raw: str) -> bool:
    groups = re.split(r"[ -]", raw)
    return all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4


RULE = PersonalInfoRule()
