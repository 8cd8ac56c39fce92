"""个人信息 beyond ID, mobile, card and e-mail (app.rules.personal_info): passport numbers, home
addresses down to the door, and vehicle plates — each only where the text says what it is (护照,
家庭住址, 车牌), so serial numbers, office addresses (地址：某路88号) and a company's 住所 stay quiet.
An address or plate already anonymised (某, ×, *) is not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.model import Category, Severity
from app.rules.base import Hit, ScanContext
from app.rules.common import BASIS_PRIVACY, RuleMeta

META = RuleMeta(Category.PERSONAL_INFO, "personal_info", BASIS_PRIVACY)

_PREFILTER = re.compile(r"护照|住址|家庭地址|居住地|户籍|车牌|号牌")
# Chinese passports: E + 8 digits, E + letter + 7 digits, G/D/S/P/H + 8 digits (text is lower-cased)
_PASSPORT = re.compile(r"护照(?:号码|号|编号)?\s*[:：]?\s*((?<![a-z0-9])(?:e[a-z]?|[gdsph])\d{7,8}(?![a-z0-9]))")
_ADDRESS = re.compile(
    r"(?:家庭住址|家庭地址|现住址|居住地址|现居住地|居住地|户籍地址|户籍所在地|住址)\s*(?:为|是)?\s*[:：]?\s*"
    r"([\u4e00-\u9fff\w（）()·\-]{2,40}(?:\d+|[一二三四五六七八九十百零〇]+)\s*(?:号楼|栋|幢|单元|室|号|组))")
_PLATE = re.compile(r"(?:车牌|号牌)(?:号码|号)?\s*(?:为|是)?\s*[:：]?\s*"
                    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][a-z][·•.\s]?[a-z0-9]{5,6})(?![a-z0-9])")
_ANONYMISED = re.compile(r"某|×|\*|＊|x{2,}|○○")


class PersonalIdsRule:
    id = "personal_ids"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        if not _PREFILTER.search(ctx.text):
            return []
        return [*self._passports(ctx.text), *self._addresses(ctx.text), *self._plates(ctx.text)]

    def _passports(self, text: str) -> Iterator[Hit]:
        for m in _PASSPORT.finditer(text):
            yield META.hit(m.start(1), m.end(1), Severity.HIGH, "passport",
                           "文中含护照号码，属个人身份信息，不得公开发布。",
                           "删除护照号码，或仅保留首尾几位并以*遮盖。")

    def _addresses(self, text: str) -> Iterator[Hit]:
        for m in _ADDRESS.finditer(text):
            if _ANONYMISED.search(m[1]):
                continue
            yield META.hit(m.start(1), m.end(1), Severity.MEDIUM, "home_address",
                           "文中含具体到门牌的个人住址，属个人隐私信息，公开前须核实。",
                           "删除门牌号等具体位置，或只保留到县（区）、乡镇（街道）。")

    def _plates(self, text: str) -> Iterator[Hit]:
        for m in _PLATE.finditer(text):
            if _ANONYMISED.search(m[1][2:]):
                continue
            yield META.hit(m.start(1), m.end(1), Severity.MEDIUM, "vehicle_plate",
                           "文中含完整的机动车号牌，可识别到个人，公开前须核实。",
                           "遮盖号牌的后几位（如 豫A·1****）。")


RULE = PersonalIdsRule()
