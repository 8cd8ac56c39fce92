"""`mishen stats [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--unit U] [--format text|json] [-o FILE]`:
the review work counted from the ledger; `-o 统计.docx|.pdf|.xlsx` writes the printable report."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from app.errors import MishenError
from app.paths import data_dir


def _stats(args: argparse.Namespace) -> int:
    from app.ledger import Ledger
    from app.stats import compute_stats, parse_day
    from app.stats.report import export_stats, stats_text

    try:
        since, until = parse_day(args.since, "起始日期"), parse_day(args.until, "截止日期")
        with Ledger.open(data_dir(args.data_dir)) as ledger:
            stats = compute_stats(ledger, since=since, until=until, unit=args.unit)
            if args.output:
                out = export_stats(ledger, stats, args.output)
                if ledger.read_only:
                    print(f"注意：数据目录 {ledger.data_dir} 只读，本次输出未记入台帐。", file=sys.stderr)
    except MishenError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
    else:
        print(stats_text(stats), end="")
    if args.output:
        print(f"已输出统计报告：{out}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("stats", help="审查工作统计（审核文稿、发现问题、处理、退回、各级用时、征求意见）")
    p.add_argument("--since", help="起始日期 YYYY-MM-DD（本机时区，含当日）")
    p.add_argument("--until", help="截止日期 YYYY-MM-DD（含当日）")
    p.add_argument("--unit", help="只统计该报送单位的审核单")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="输出统计报告：.docx、.pdf 或 .xlsx")
    p.set_defaults(func=_stats)
