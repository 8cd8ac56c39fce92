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


def sections_path(output: str | os.PathLike[str]) -> Path:
    """Where `export_sections` writes beside FILE.xlsx: FILE.sections.json."""
    p = Path(output)
    return p.with_name(p.stem + ".sections.json")


def export_sections(pack: Pack, output: str | os.PathLike[str]) -> Path | None:
    """The pack's optional sections (`rules`, `calendar`) as the JSON source `lexicon import` reads
    (so FILE.xlsx + FILE.sections.json import back to the same pack); None when it has none."""
    import json

    from app.exports.atomic import atomic_write_bytes

    body = pack.body()
    sections = {k: body[k] for k in ("rules", "calendar") if k in body}
    if not sections:
        return None
    text = json.dumps(sections, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    return atomic_write_bytes(sections_path(output), text.encode("utf-8"))
