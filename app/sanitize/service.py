"""The clean publishing copy: `sanitize_file(DOC, OUT)` removes what the Document Inspector
removes (see the package doc), reports it item by item and checks the result before it is moved
into place: MiShen's reader must find no comment, revision or hidden text and no personal
property in the copy; for a PDF, no document information, XMP, annotations or JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.model import Part
from app.redact.model import Action, GateError, RedactError

REVISION_MODES = ("accept", "reject")
_PERSONAL = ("core:author", "core:last_modified_by", "app:Company", "app:Manager", "pdf:author")
_LEFT_PARTS = {Part.COMMENT: "批注", Part.INSERTION: "修订（插入）", Part.DELETION: "修订（删除）",
               Part.HIDDEN: "隐藏文字"}


@dataclass(frozen=True)
class SanitizeResult:
    source: str
    output: str
    format: str
    source_sha256: str
    output_sha256: str
    revisions: str
    actions: tuple[Action, ...]

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "output": self.output, "format": self.format,
                "source_sha256": self.source_sha256, "output_sha256": self.output_sha256,
                "revisions": self.revisions, "actions": [a.to_json() for a in self.actions]}


def _pdf(source: Path, out: Path) -> list[Action]:
    import pikepdf

    from app.redact.pdf_clean import clean_pdf

    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError:
        raise RedactError("PDF 文件受密码保护，无法清理。请取得未加密的版本。", code="encrypted") from None
    except pikepdf.PdfError as exc:
        raise RedactError(f"PDF 文件已损坏，无法清理（{exc}）。", code="corrupt") from exc
    with pdf:
        actions = clean_pdf(pdf)
        pdf.remove_unreferenced_resources()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 fix_metadata_version=False)
    return actions


def _check(out: Path, fmt: str) -> list[str]:
    from app.errors import ReadError
    from app.ocr.options import OcrOptions
    from app.readers import read_document

    problems = []
    try:
        doc = read_document(out, ocr=OcrOptions("off"))   # what is checked here is not in the pixels
    except ReadError as exc:
        return [f"本软件无法重新读取清理后的文件：{exc.message}"]
    parts = _LEFT_PARTS if fmt == "docx" else {Part.COMMENT: "批注"}
    for seg in doc.segments:
        if seg.location.part in parts:
            problems.append(f"仍有{parts[seg.location.part]}")
        if seg.location.part is Part.METADATA and seg.location.label in _PERSONAL:
            problems.append(f"文档属性 {seg.location.label} 仍有内容")
    if fmt == "pdf":
        import pikepdf

        with pikepdf.open(out) as pdf:
            left: list[str] = []
            if "/Info" in pdf.trailer:
                left.append("文档信息")
            left += [label for key, label in (("/Metadata", "XMP 元数据"), ("/Names", "附件或脚本"),
                                              ("/OpenAction", "打开动作"), ("/AcroForm", "表单"))
                     if key in pdf.Root]
            if any("/Annots" in p.obj for p in pdf.pages):
                left.append("注释")
            problems += [f"仍有{x}" for x in left]
    return sorted(set(problems))


def sanitize_file(source: str | Path, output: str | Path, *, revisions: str = "reject") -> SanitizeResult:
    from app.exports.atomic import atomic_write
    from app.redact.service import check_output_suffix, sha256_file, source_format

    if revisions not in REVISION_MODES:
        raise RedactError(f"修订的处理方式只能是 accept（接受）或 reject（拒绝），不是“{revisions}”。", code="usage")
    src, out = Path(source), Path(output)
    if src.resolve() == out.resolve():
        raise RedactError("输出文件不能与原文件相同。", code="usage")
    check_output_suffix(src, out)
    fmt, _encoding = source_format(src)
    if fmt not in ("docx", "xlsx", "pdf"):
        raise RedactError(f"{fmt} 文件没有批注、修订或文档属性可清理；清理只适用于 docx、xlsx 和 PDF。",
                          code="unsupported")
    state: dict[str, Any] = {}

    def write(tmp: Path) -> None:
        from app.redact.ooxml import Package

        if fmt == "pdf":
            actions = _pdf(src, tmp)
        else:
            pkg = Package(src)
            if fmt == "docx":
                from app.redact.docx import clean_docx

                actions = clean_docx(pkg, revisions)
            else:
                from app.redact.xlsx import clean_xlsx

                actions = clean_xlsx(pkg)
            pkg.save(tmp)
        problems = _check(tmp, fmt)
        if problems:
            raise GateError("清理后的文件未通过复查，未生成文件：" + "；".join(problems) + "。")
        state["actions"] = actions
        state["sha"] = sha256_file(tmp)

    atomic_write(out, write)
    return SanitizeResult(str(src), str(out), fmt, sha256_file(src), state["sha"], revisions, tuple(state["actions"]))
