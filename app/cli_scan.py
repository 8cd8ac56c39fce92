"""`mishen scan`: scan drafts and print a report (text for people, JSON for tools).

Exit status: 0 nothing at or above --fail-on and every document read; 1 findings at or above it;
2 a document could not be read, a lexicon is malformed, or the usage is wrong (the other documents
are still reported).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from app.errors import MishenError
from app.model import DocumentReport, ScanReport, Severity

SEVERITY_NAMES = {Severity.BLOCK: "禁止发布", Severity.HIGH: "高", Severity.MEDIUM: "需核实", Severity.LOW: "提示"}
CATEGORY_NAMES = {
    "secret_mark": "密级标志", "sensitive_term": "敏感事项", "unpublished_statistic": "未公开统计数据",
    "pending_case": "未结案件", "personal_info": "个人信息", "harmful_content": "有害信息",
    "approval_required": "需审批发布", "wording": "规范表述", "typo": "错别字", "hidden_content": "隐藏内容",
}
FAIL_ON = ("block", "high", "medium", "low", "never")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("scan", help="扫描文稿，列出不宜公开的内容",
                       description="扫描 docx、pdf、txt、html、xlsx、图片（png/jpg/tif/bmp）（以及经 LibreOffice 转换的 "
                                   "doc/wps/et/rtf/odt）文稿；扫描件和图片经文字识别（OCR）后审查；目录会递归扫描。")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.add_argument("--lexicon", action="append", default=[], metavar="PATH",
                   help="本次扫描附加的词库文件（csv/xlsx；纯文本每行一个词，视为 敏感事项/高）")
    p.add_argument("--fail-on", choices=FAIL_ON, default="block",
                   help="有达到该级别的发现时以状态 1 退出（默认 block）")
    p.add_argument("--no-default-lexicons", action="store_true", help="只用 --lexicon 指定的词库")
    p.add_argument("--ocr", choices=("auto", "on", "off"), default="auto",
                   help="文字识别（OCR）：auto 识别没有文字层的页面和图片（默认），on 全部页面都识别，off 不识别")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=run_scan)


def run_scan(args: argparse.Namespace) -> int:
    from app.paths import data_dir
    from app.scan import Engine, build_report, expand_paths, scan_batch

    try:
        engine = Engine.load(args.lexicon, use_defaults=not args.no_default_lexicons,
                             data_dir=data_dir(getattr(args, "data_dir", None)))
    except MishenError as exc:
        print(f"词库错误：{exc.message}", file=sys.stderr)
        return 2
    paths = expand_paths(args.paths)
    if not paths:
        print("没有找到可扫描的文件。", file=sys.stderr)
        return 2
    show_progress = len(paths) > 1 and sys.stderr.isatty()
    reports: list[DocumentReport] = []
    from app.ocr.options import OcrOptions

    ocr = OcrOptions(args.ocr, progress=_ocr_progress if sys.stderr.isatty() else None)
    for event in scan_batch(paths, engine, ocr=ocr):
        if event.report is None:
            if show_progress:
                _progress(sys.stderr, event.index, event.total, event.path)
            continue
        reports.append(event.report)
    if show_progress:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
    report = build_report(engine, reports)
    for warning in report.warnings:  # on stderr too, so that a --format json run shows it
        print(f"词库提醒：{warning}", file=sys.stderr)
    if args.format == "json":
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        write_text_report(report, sys.stdout)
    return exit_status(report, args.fail_on)


def exit_status(report: ScanReport, fail_on: str) -> int:
    if any(d.error for d in report.documents):
        return 2
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    if any(f.severity.rank >= threshold for d in report.documents for f in d.findings):
        return 1
    return 0


def _ocr_progress(done: int, total: int, page: int) -> None:
    """On a terminal: the page being recognised, on one line that is cleared after the last."""
    sys.stderr.write(f"\r文字识别：第 {page} 页（{done}/{total}）\033[K" if done < total else "\r\033[K")
    sys.stderr.flush()


def _progress(out: TextIO, index: int, total: int, path: str) -> None:
    width = 30
    done = int(width * index / max(total, 1))
    name = path if len(path) <= 40 else "…" + path[-39:]
    out.write(f"\r[{'#' * done}{'.' * (width - done)}] {index + 1}/{total} {name}\033[K")
    out.flush()


def write_text_report(report: ScanReport, out: TextIO) -> None:
    from app.scan import location_label

    lex = "、".join(f"{lx.name} {lx.version}" for lx in report.lexicons) or "无"
    out.write(f"密审 MiShen {report.tool_version}  词库：{lex}\n")
    for warning in report.warnings:
        out.write(f"【词库提醒】{warning}\n")
    totals = {s: 0 for s in Severity}
    for doc in report.documents:
        out.write("\n" + "=" * 72 + "\n")
        out.write(f"文件：{doc.path}\n")
        if doc.error:
            out.write(f"  无法读取：{doc.error}\n")
            continue
        pages = f"，{doc.pages} 页" if doc.pages else ""
        out.write(f"格式：{doc.format}，{doc.chars} 字{pages}，SHA-256 {doc.sha256}\n")
        if doc.kind is not None:
            signals = f"（依据：{'；'.join(doc.kind.signals)}）" if doc.kind.signals else ""
            out.write(f"文件类型：{doc.kind.label}{signals}\n")
        for n in doc.notices:
            out.write(f"  【注意】{n.message}\n")
        if not doc.findings:
            out.write("  未发现问题。\n")
            continue
        for sev in sorted(Severity, key=lambda s: -s.rank):
            group = [f for f in doc.findings if f.severity is sev]
            if not group:
                continue
            totals[sev] += len(group)
            out.write(f"\n  ■ {SEVERITY_NAMES[sev]}（{sev.value}）：{len(group)} 处\n")
            for f in group:
                where = location_label(f.location)
                if f.count > 1:
                    where = f"共 {f.count} 处：" + "；".join(location_label(o.location) for o in f.occurrences[:10])
                    where += "……" if f.count > 10 else ""
                out.write(f"    - [{CATEGORY_NAMES.get(f.category.value, f.category.value)}] “{f.text}”"
                          f"  位置：{where}\n")
                if f.message:
                    out.write(f"      说明：{f.message}\n")
                out.write(f"      上下文：…{f.context}…\n")
                out.write(f"      依据：{f.basis}\n")
                if f.suggestion:
                    out.write(f"      建议：{f.suggestion}\n")
                out.write(f"      规则：{f.rule_name}（{f.rule}）\n")
    out.write("\n" + "=" * 72 + "\n")
    summary = "，".join(f"{SEVERITY_NAMES[s]} {totals[s]}" for s in sorted(Severity, key=lambda s: -s.rank))
    errors = sum(1 for d in report.documents if d.error)
    out.write(f"共 {len(report.documents)} 个文件（{errors} 个无法读取）；{summary}\n")
