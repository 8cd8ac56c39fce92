"""`mishen redact` (partial-disclosure copy, 区分处理) and `mishen sanitize` (clean publishing copy).

Exit status: 0 the copy was written (and, with --review, recorded); 1 a check failed (a gate, a
password, the ledger) — no file was written; 2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli_common import add_password_flag
from app.errors import MishenError, UsageError
from app.plain_text import printable

if TYPE_CHECKING:
    from app.redact.model import RedactionResult, Region, Withheld


def _guard(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from app.redact.model import GateError

        try:
            return int(func(args))
        except GateError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return 1
        except UsageError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return 2
        except MishenError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return 2 if exc.code in ("corrupt", "unsupported", "not_found", "encrypted", "usage", "not_located",
                                     "nothing_selected", "too_large", "decode_failed") else 1
    return run


def _regions(values: list[str]) -> list[Region]:
    from app.redact.model import Box, Region

    out = []
    for value in values:
        try:
            page, coords = value.split(":", 1)
            left, bottom, right, top = (float(v) for v in coords.split(","))
            box = Box(left, bottom, right, top)
            if box.empty or int(page) < 1:
                raise ValueError
        except ValueError:
            raise UsageError(f"区域“{value}”格式不对，应为 页码:左,下,右,上（PDF 坐标，单位为点），"
                             "如 2:72,600,300,640。", code="usage") from None
        out.append(Region(int(page), box))
    return out


def _scan_items(args: argparse.Namespace) -> list[Withheld]:
    from app.paths import data_dir
    from app.redact.select import from_finding
    from app.scan import Engine

    engine = Engine.load(data_dir=data_dir(args.data_dir))
    report = engine.scan_file(args.doc)
    if report.error:
        raise MishenError(f"无法读取文件：{report.error}", code=report.error_code or "corrupt")
    return [from_finding(f) for f in report.findings]


def _print_result(result: RedactionResult, fmt: str, note: str) -> None:
    from app.redact.select import CATEGORY_LABELS

    if fmt == "json":
        print(json.dumps({**result.to_json(), "note": note}, ensure_ascii=False))
        return
    print(f"已生成区分处理副本：{result.output}")
    print(f"原文件 SHA-256 {result.source_sha256}")
    print(f"副本 SHA-256 {result.output_sha256}")
    print(f"不予公开的内容（{len(result.withheld)} 项）：")
    for w in result.withheld:
        cat = CATEGORY_LABELS.get(w.category, w.category or "指定区域")
        text = " ".join(w.text.split())
        print(printable(f"  - [{cat}/{w.severity}] {w.finding_id}：“{text}”  理由：{w.reason}"))
    print("处理情况：")
    for a in result.actions:
        print(printable(f"  - {a.message}"))
    if result.rasterised:
        pages = "、".join(str(p) for p in result.rasterised)
        print(f"注意：第 {pages} 页的字体无法逐字改写，已整页转为图像（遮盖处已涂黑），这些页不再有可选中的文字。")
    print("复查：两种提取方式均未读出被遮盖的内容，遮盖框内没有可提取的字符。")
    print(note)


def _redact(args: argparse.Namespace) -> int:
    from app.redact.select import from_ref, parse_severity, select
    from app.redact.service import redact_file, sha256_file

    regions = _regions(args.region or [])
    min_sev = parse_severity(args.min_severity) if args.min_severity else None
    doc = Path(args.doc)
    if not args.review:
        if args.by:
            raise UsageError("--by 只与 --review 一起使用（记入该审核单的台帐）。", code="usage")
        items = _scan_items(args)
        chosen = select(items, ids=args.finding or (), categories=args.category or (), min_severity=min_sev)
        if not chosen and not regions:
            raise MishenError("按所给条件没有要遮盖的问题，未生成副本。", code="nothing_selected")
        result = redact_file(doc, chosen, args.output, regions=regions, revisions=args.revisions, ocr=args.ocr)
        _print_result(result, args.format, "注意：未指定 --review，本副本未记入台帐。")
        return 0
    if not args.by:
        raise UsageError("按审核单制作副本须用 --by 指明办理人（并输入其密码），以便记入台帐。", code="usage")
    from app.cli_common import open_ledger as _open
    from app.cli_common import read_password as _password
    from app.redact.record import check_review_document, record_redaction
    from app.review import load_review
    from app.users.service import unlock

    with _open(args) as ledger:
        review = load_review(ledger, args.review)
        check_review_document(review, sha256_file(doc))
        items = [from_ref(f) for f in review.current.findings]
        chosen = select(items, ids=args.finding or (), categories=args.category or (), min_severity=min_sev)
        if not chosen and not regions:
            raise MishenError("按所给条件没有要遮盖的问题，未生成副本。", code="nothing_selected")
        _user, signer = unlock(ledger, args.by, _password(args, prompt=f"{args.by} 的密码："),
                               attempt=f"为审核单 {review.id} 制作区分处理副本")
        recorded: dict[str, int] = {}

        def record(tmp: Path, result: RedactionResult) -> None:
            event = record_redaction(ledger, review, result, user=args.by, signer=signer, output=Path(args.output))
            recorded["seq"] = event.seq

        result = redact_file(doc, chosen, args.output, regions=regions, revisions=args.revisions,
                             before_replace=record, ocr=args.ocr)
    _print_result(result, args.format, f"已记入台帐：第 {recorded['seq']} 条（审核单 {review.id}，办理人 {args.by}）。")
    return 0


def _sanitize(args: argparse.Namespace) -> int:
    from app.cli_scan import write_text_report
    from app.paths import data_dir
    from app.sanitize.service import sanitize_file
    from app.scan import Engine, build_report

    result = sanitize_file(args.doc, args.output, revisions=args.revisions)
    engine = Engine.load(data_dir=data_dir(args.data_dir))
    rescan = engine.scan_file(result.output)
    if args.format == "json":
        report = build_report(engine, [rescan])
        print(json.dumps({**result.to_json(), "rescan": report.to_json()}, ensure_ascii=False))
        return 0
    how = "接受" if result.revisions == "accept" else "拒绝"
    print(f"已生成清理后的发布稿：{result.output}（修订一律{how}）")
    print(f"副本 SHA-256 {result.output_sha256}")
    print("清理情况：")
    for a in result.actions or ():
        print(printable(f"  - {a.message}"))
    if not result.actions:
        print("  - 原文件中没有批注、修订、隐藏文字、个人属性或缩略图。")
    print("\n对清理后的文件重新扫描：")
    write_text_report(build_report(engine, [rescan]), sys.stdout)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("redact", help="制作区分处理副本（依申请公开：删去不予公开的内容，其余照常）",
                       description="按扫描结果或审核单删去所选问题的文字：PDF 从内容流中删除遮盖框下的文字并画出黑框，"
                                   "docx/xlsx/txt/html 以 ■ 代替，图片涂黑识别出的文字；写出前复查，复查不通过则不生成文件。")
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--review", metavar="ID", help="按该审核单的问题制作，并记入台帐（须 --by）")
    p.add_argument("--min-severity", metavar="LEVEL", help="遮盖该级别及以上的问题：block|high|medium|low（未给出任何条件时默认 high）")
    p.add_argument("--finding", nargs="+", action="extend", metavar="ID", help="遮盖这些编号的问题")
    p.add_argument("--category", nargs="+", action="extend", metavar="C", help="遮盖这些类别的问题（如 personal_info 或 个人信息）")
    p.add_argument("--region", action="append", metavar="PAGE:L,B,R,T", help="另行遮盖 PDF 某页的区域（如扫描页的图像区域）")
    p.add_argument("--revisions", choices=("accept", "reject"), default="reject", help="docx 修订：接受或拒绝（默认拒绝）")
    p.add_argument("--ocr", choices=("auto", "on", "off"), default="auto",
                   help="读取原文件和复查副本时的文字识别：auto（没有文字层的页面，默认）、on、off")
    p.add_argument("--by", metavar="USER", help="办理人（与 --review 一起使用，其签名记入台帐）")
    add_password_flag(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.set_defaults(func=_guard(_redact))

    p = sub.add_parser("sanitize", help="制作干净的发布稿（删除批注、修订、隐藏文字、个人属性、缩略图、PDF 文档信息）",
                       description="删除批注、修订（默认拒绝）、隐藏文字、作者等个人属性、缩略图，PDF 的文档信息、XMP、"
                                   "注释和脚本；逐项报告，并对结果重新扫描。")
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--revisions", choices=("accept", "reject"), default="reject", help="修订：接受或拒绝（默认拒绝）")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.set_defaults(func=_guard(_sanitize))
