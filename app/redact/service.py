"""Making a partial-disclosure copy: build it in a temp file next to the target, run the two
gates (app.redact.gates), let the caller record it (ledger), then move it into place
(app.exports.atomic). A copy that fails a gate is never written: GateError, no file.

PDF pages whose text layer a gate still finds after the rewrite are rasterised and checked again;
a copy that still fails is refused."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app.errors import ReadError
from app.model import Document
from app.redact.gates import GateReport
from app.redact.model import Action, Box, GateError, RedactError, RedactionResult, Region, Withheld

BeforeReplace = Callable[[Path, RedactionResult], object]
_FORMATS = ("pdf", "docx", "xlsx", "txt", "html", "png", "jpeg", "tiff", "bmp")
IMAGE_FORMATS = ("png", "jpeg", "tiff", "bmp")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_source(path: Path, ocr: str = "auto") -> Document:
    """The document as the scan reads it (format by content; OCR as `ocr`: auto|on|off)."""
    from app.ocr.options import OcrOptions
    from app.readers import read_document

    try:
        doc = read_document(path, ocr=OcrOptions(ocr))
    except ReadError as exc:
        raise RedactError(f"无法读取原文件：{exc.message}", code=exc.code) from exc
    if doc.format not in _FORMATS:
        raise RedactError(f"{doc.format} 格式不能直接制作副本；请先另存为 docx、xlsx 或 PDF 后再处理。",
                          code="unsupported")
    return doc


def source_format(path: Path) -> tuple[str, str | None]:
    """("pdf" | "docx" | "xlsx" | "txt" | "html" | an image format, the text encoding); no OCR."""
    doc = read_source(path, "off")
    return doc.format, doc.encoding


_SAME_SUFFIX = {".jpg": ".jpeg", ".htm": ".html", ".tif": ".tiff"}


def check_output_suffix(src: Path, out: Path) -> None:
    """The copy keeps the source's format, so its name must keep the suffix (a docx written to
    x.pdf would open in no program and mislead whoever receives it)."""
    a, b = src.suffix.lower(), out.suffix.lower()
    if _SAME_SUFFIX.get(a, a) != _SAME_SUFFIX.get(b, b):
        raise RedactError(f"副本与原文件格式相同，输出文件的扩展名应为 {src.suffix or '（无）'}，而不是 {out.suffix or '（无）'}。",
                          code="usage")


def _needles(withheld: Sequence[Withheld]) -> list[str]:
    return sorted({w.text.strip() for w in withheld if w.text.strip()}, key=lambda s: (-len(s), s))


def _unlocated(doc: Document, needles: list[str], on_pages: set[str]) -> list[str]:
    """Needles found neither where the rewriter looks nor anywhere MiShen's reader reads."""
    from app.redact.match import contains_any

    present = set(contains_any(doc.text, needles))
    return [n for n in needles if n not in present and n not in on_pages]


def _fail(report: GateReport) -> GateError:
    lines = "\n".join(f"  - {p}" for p in report.problems)
    return GateError(f"副本未通过泄密检查，未生成文件：\n{lines}")


def redact_file(source: str | Path, withheld: Sequence[Withheld], output: str | Path, *,
                regions: Sequence[Region] = (), revisions: str = "reject",
                before_replace: BeforeReplace | None = None, ocr: str = "auto") -> RedactionResult:
    """Write the partial-disclosure copy of `source` to `output` (see module doc).
    `before_replace(tmp, result)` runs after both gates passed and before the move (ledger).
    `ocr` (auto|on|off): how the source and, in gate 1, the copy are read — with `auto`, pages
    without a text layer are read by OCR, so text left in an image is found too."""
    from app.exports.atomic import atomic_write

    started = time.monotonic()
    src, out = Path(source), Path(output)
    if src.resolve() == out.resolve():
        raise RedactError("输出文件不能与原文件相同。", code="usage")
    check_output_suffix(src, out)
    doc = read_source(src, ocr)
    fmt = doc.format
    needles = _needles(withheld)
    if not needles and not regions:
        raise RedactError("没有要遮盖的内容（所选问题为空）。", code="nothing_selected")
    if regions and fmt != "pdf":
        raise RedactError("--region 只适用于 PDF。", code="usage")
    source_sha = sha256_file(src)
    state: dict[str, object] = {}

    def write(tmp: Path) -> None:
        actions, boxes, raster = _build(src, doc, needles, list(regions), tmp, revisions, ocr)
        state["result"] = RedactionResult(str(src), str(out), fmt, source_sha, sha256_file(tmp), tuple(withheld),
                                          tuple(actions), {p: tuple(b) for p, b in boxes.items()}, raster)

    def replace_hook(tmp: Path) -> None:
        result = state["result"]
        assert isinstance(result, RedactionResult)
        if before_replace is not None:
            before_replace(tmp, result)

    atomic_write(out, write, replace_hook)
    result = state["result"]
    assert isinstance(result, RedactionResult)
    from dataclasses import replace

    return replace(result, seconds=time.monotonic() - started)


def _build(src: Path, doc: Document, needles: list[str], regions: list[Region], tmp: Path,
           revisions: str, ocr: str) -> tuple[list[Action], dict[int, list[Box]], tuple[int, ...]]:
    from app.redact import gates

    fmt, encoding = doc.format, doc.encoding
    if fmt == "pdf":
        return _build_pdf(src, doc, needles, regions, tmp, ocr)
    if fmt in IMAGE_FORMATS and ocr == "off":
        raise RedactError("图片只能经文字识别定位和复查，不能关闭文字识别（--ocr off）。", code="usage")
    missing = _unlocated(doc, needles, set())
    if missing:
        raise RedactError(f"在文件中找不到要遮盖的内容（{len(missing)} 项），无法确认已遮盖，未生成文件。",
                          code="not_located")
    if fmt == "docx":
        from app.redact.docx import build_docx_copy

        actions = build_docx_copy(src, needles, tmp, revisions)
        report = gates.package_gates(tmp, needles)
    elif fmt in IMAGE_FORMATS:
        from app.redact.image import build_image_copy

        actions = build_image_copy(src, doc, needles, tmp)
        report = gates.GateReport()
        gates.own_reader(tmp, needles, report, ocr, kind="image")
    elif fmt == "xlsx":
        from app.redact.xlsx import build_xlsx_copy

        actions = build_xlsx_copy(src, needles, tmp)
        report = gates.package_gates(tmp, needles)
    else:
        from app.redact.text import build_text_copy

        actions = build_text_copy(src, needles, tmp, kind=fmt, encoding=encoding or "utf-8")
        report = gates.text_gates(tmp, needles, encoding or "utf-8", fmt)
    if not report.ok:
        raise _fail(report)
    return actions, {}, ()


def _build_pdf(src: Path, doc: Document, needles: list[str], regions: list[Region], tmp: Path, ocr: str
               ) -> tuple[list[Action], dict[int, list[Box]], tuple[int, ...]]:
    from app.redact.gates import pdf_gates
    from app.redact.pdf import PdfPlan, build_pdf_copy
    from app.redact.pdf_locate import locate, locate_ocr

    boxes, found = locate(src, needles)
    for page, page_boxes in locate_ocr(src, doc, needles).items():
        boxes.setdefault(page, []).extend(page_boxes)
    missing = _unlocated(doc, needles, found)
    if missing:
        raise RedactError(f"在文件中找不到要遮盖的内容（{len(missing)} 项；扫描件页面的内容须先经文字识别定位，"
                          "或用 --region 指定区域），无法确认已遮盖，未生成文件。", code="not_located")
    for region in regions:
        boxes.setdefault(region.page, []).append(region.box)
    plan = PdfPlan(boxes)
    for _attempt in range(3):
        actions = build_pdf_copy(src, plan, tmp)
        report = pdf_gates(tmp, needles, boxes, ocr)
        if report.ok:
            return actions, boxes, tuple(sorted(plan.raster))
        fresh = report.pages - set(plan.raster)
        if not fresh:
            break
        for page in fresh:
            plan.raster[page] = "复查发现文字层未能完全清除"
    raise _fail(report)
