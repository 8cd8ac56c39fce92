"""A pack as an xlsx workbook for people to review (and to re-import: the headers are the
import headers)."""

from __future__ import annotations

import os
from pathlib import Path

from app.packs.format import Pack

HEADERS = ("编号", "词条", "类别", "级别", "依据", "建议", "说明", "白名单", "选项", "范围", "理由")


def export_xlsx(pack: Pack, output: str | os.PathLike[str]) -> Path:
    from openpyxl import Workbook

    from app.exports.atomic import atomic_write, neutralise

    book = Workbook(write_only=True)
    sheet = book.create_sheet("词条")
    sheet.append(list(HEADERS))
    for e in pack.entries:
        sheet.append([neutralise(v) for v in (e.id, e.term, e.category, e.severity, e.basis, e.suggestion, e.note,
                                              "是" if e.allow else "", " ".join(e.options), e.scope, e.reason)])
    info = book.create_sheet("词库包信息")
    for key, value in pack.manifest.to_json().items():
        info.append([key, neutralise(value)])
    info.append(["sha256", pack.sha256])
    vectors = book.create_sheet("测试用例")
    vectors.append(["类型", "句子", "类别", "最低级别"])
    for v in pack.must_flag:
        vectors.append(["应检出", neutralise(v.text), v.category, v.min_severity])
    for v in pack.must_not_flag:
        vectors.append(["不应检出", neutralise(v.text), v.category, v.min_severity])
    return atomic_write(Path(output), lambda tmp: book.save(tmp))
