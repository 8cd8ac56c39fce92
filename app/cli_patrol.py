"""`mishen patrol`: patrol folders and saved website mirrors (读网 / 巡查) on every core or a Dask
cluster, incrementally, with a report an office can file.

    mishen patrol SOURCE... [--workers N] [--db PATH] [--report FILE.html] [--xlsx FILE]
                  [--format text|json] [--cluster ADDRESS] [--ocr auto|on|off]

The run is recorded in the ledger first and saved in the patrol database after (the comparison
of the next run starts from it): a run that cannot be recorded (read-only ledger, …) is an error
and leaves the database at the last recorded run — its scan results are kept, so the next run
does not scan the same files again.

Exit status: 0 the patrol completed (problems and unreadable files are listed in the output and
the report); 2 it could not run (bad source, lexicon, database, cluster, report path).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.errors import MishenError

if TYPE_CHECKING:
    from app.patrol.approval_cache import ApprovalPass
    from app.patrol.model import PatrolProgress, PatrolRun, PatrolSummary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("patrol", help="巡查网站镜像或文件夹（读网），增量、多核或集群",
                       description="巡查保存的网站镜像（wget/HTTrack）或文件夹：网页及其链接的附件逐一审查，"
                                   "只在镜像内跟随链接、不访问网络；再次巡查只审查新增或改动的文件。")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="文件夹或保存的网站镜像")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="本机工作进程数（默认：处理器核数）")
    p.add_argument("--db", default=None, metavar="PATH", help="巡查数据库（默认：数据目录下 patrol.sqlite3）")
    p.add_argument("--report", default=None, metavar="FILE.html", help="写出可存档的 HTML 报告（单个文件，可离线打开）")
    p.add_argument("--xlsx", default=None, metavar="FILE", help="写出 xlsx 报表")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="在 Dask 集群上巡查，如 tcp://10.0.0.5:8786（需安装 mishen[cluster]）")
    p.add_argument("--ocr", choices=("auto", "on", "off"), default="auto",
                   help="文字识别：auto 识别图片和没有文字层的页面（默认），on 全部页面都识别，off 不识别；"
                        "约 2 秒一页，多个工作进程同一时刻只有一个在识别")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                   help="单个文件的审查时间上限（默认 1000 秒；超时只影响该文件）")
    p.add_argument("--lexicon", action="append", default=[], metavar="PATH", help="本次巡查附加的词库文件")
    p.add_argument("--by", metavar="USER", default=None, help="以该用户身份在台帐中记录本次巡查（默认：工作站）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取 --by 用户的密码")
    p.set_defaults(func=run_patrol)


def _err(message: str) -> None:
    print(f"错误：{message}", file=sys.stderr)


def run_patrol(args: argparse.Namespace) -> int:
    from app.paths import data_dir as resolve_data_dir
    from app.patrol.db import default_db_path
    from app.patrol.model import PatrolProgress
    from app.patrol.pool import DEFAULT_TIME_LIMIT, default_workers
    from app.patrol.service import EngineChoice, engine_spec, patrol

    if args.workers is not None and args.workers < 1:
        _err("--workers 至少为 1。")
        return 2
    if args.time_limit is not None and args.time_limit <= 0:
        _err("--time-limit 须为正数（秒）。")
        return 2
    report_writers = _report_writers(args)
    if isinstance(report_writers, str):
        _err(report_writers)
        return 2
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    db_path = Path(args.db) if args.db else default_db_path(data_dir)
    workers = args.workers or default_workers()
    reports: list[tuple[Path, str]] = []
    try:
        choice = EngineChoice(data_dir, tuple(args.lexicon))
        spec, lexicons = engine_spec(choice, for_cluster=bool(args.cluster), ocr=args.ocr)
        who, signer = _who(args, data_dir)
        run: PatrolRun | None = None
        show = sys.stderr.isatty()
        last_phase = ""
        done: dict[str, object] = {}

        def finish(scanned: PatrolRun) -> PatrolRun:
            """Before the database: approvals, reports, the ledger record (see the module doc)."""
            if show:
                sys.stderr.write("\r比对审核通过版本、写出报告并记入台帐…\033[K")
            approved = _with_approvals(scanned, data_dir, db_path)
            done["approval"] = {"compared": approved.compared, "reused": approved.reused}
            history = _history(db_path, approved.run)
            for path, write in report_writers:
                write(approved.run, path, history)
                reports.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
            done["seq"] = _record(data_dir, approved.run, reports, signer, db_path)
            return approved.run

        for step in patrol(args.sources, spec=spec, lexicons=lexicons, db_path=db_path, workers=workers,
                           cluster=args.cluster, time_limit=args.time_limit or DEFAULT_TIME_LIMIT, who=who,
                           before_save=finish):
            if isinstance(step, PatrolProgress):
                last_phase = _progress(sys.stderr, step, show, last_phase)
            else:
                run = step
        if show:
            sys.stderr.write("\r\033[K")
        assert run is not None
        recorded = done["seq"]
    except MishenError as exc:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
        _err(exc.message)
        for p, _ in reports:
            print(f"注意：报告 {p} 已写出，但本次巡查未记入台帐，巡查数据库也未更新（已审查的结果已缓存）。", file=sys.stderr)
        return 2
    if args.format == "json":
        out = run.to_json()
        out["approval"] = done["approval"]
        out["reports"] = [{"file": str(p), "sha256": sha} for p, sha in reports]
        out["ledger_seq"] = recorded
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        write_text(run, sys.stdout)
        for p, sha in reports:
            sys.stdout.write(f"报告：{p}（SHA-256 {sha}）\n")
        if recorded is not None:
            sys.stdout.write(f"已记入台帐（第 {recorded} 条）。\n")
    return 0


WriteReport = Callable[["PatrolRun", Path, tuple["PatrolSummary", ...]], None]


def _report_writers(args: argparse.Namespace) -> list[tuple[Path, WriteReport]] | str:
    """(path, writer(run, path, history)) for each report asked for, or a message why not."""
    from app.patrol.report_html import write_html_report
    from app.patrol.report_xlsx import write_xlsx_report

    out: list[tuple[Path, WriteReport]] = []
    if args.report:
        def html(run: PatrolRun, path: Path, history: tuple[PatrolSummary, ...]) -> None:
            write_html_report(run, path, history)
        out.append((Path(args.report), html))
    if args.xlsx:
        def xlsx(run: PatrolRun, path: Path, history: tuple[PatrolSummary, ...]) -> None:
            write_xlsx_report(run, path)
        out.append((Path(args.xlsx), xlsx))
    for path, _ in out:
        if path.is_dir():
            return f"报告路径是文件夹：{path}"
        if not path.parent.is_dir():
            return f"报告所在的文件夹不存在：{path.parent}"
    return out


def _who(args: argparse.Namespace, data_dir: Path) -> tuple[str | None, object | None]:
    """(user name, unlocked signer) for --by, else (None, None): the workstation signs."""
    if not args.by:
        return None, None
    from app.cli_common import read_password
    from app.ledger import Ledger
    from app.users import unlock

    password = read_password(args, f"用户 {args.by} 的密码：")
    with Ledger.open(data_dir) as ledger:
        user, signer = unlock(ledger, args.by, password, attempt="记录巡查")
    return user.name, signer


def _with_approvals(run: PatrolRun, data_dir: Path, db_path: Path) -> ApprovalPass:
    """Approved / changed after approval / never reviewed, from the ledger (app.patrol.approval);
    the results of earlier runs are reused from the patrol database while the ledger's approved
    versions stay the same (app.patrol.approval_cache)."""
    from app.patrol.approval_cache import annotate_incrementally

    return annotate_incrementally(run, data_dir, db_path)


def _history(db_path: Path, run: PatrolRun) -> tuple[PatrolSummary, ...]:
    """The earlier runs (this one is saved after its ledger record)."""
    from app.patrol.db import PatrolDb

    with PatrolDb(db_path) as db:
        return db.history(run.sources)


def _record(data_dir: Path, run: PatrolRun, reports: list[tuple[Path, str]], signer: object | None,
            db_path: Path) -> int | None:
    from app.ledger import Ledger
    from app.patrol.record import record_patrol

    with Ledger.open(data_dir) as ledger:
        if ledger.read_only:
            raise MishenError(f"台帐 {ledger.path} 只读，本次巡查无法记入台帐（存档备查），已停止；"
                              "巡查数据库保持上次记入台帐的巡查。请在可写的数据目录中巡查。", code="read_only")
        event = record_patrol(ledger, run, reports, signer or ledger.workstation_signer(), db_path=db_path)  # type: ignore[arg-type]
        return event.seq


_PHASES = {"walk": "列出文件", "hash": "计算哈希", "scan": "审查", "save": "比对并保存"}


def _progress(out: TextIO, step: PatrolProgress, show: bool, last_phase: str) -> str:
    if not show:
        return step.phase
    name = step.current if len(step.current) <= 40 else "…" + step.current[-39:]
    label = _PHASES.get(step.phase, step.phase)
    if step.total:
        width = 30
        done = int(width * step.done / max(step.total, 1))
        out.write(f"\r{label} [{'#' * done}{'.' * (width - done)}] {step.done}/{step.total} {name}\033[K")
    else:
        out.write(f"\r{label} {step.done} {name}\033[K")
    out.flush()
    return step.phase


def write_text(run: PatrolRun, out: TextIO) -> None:
    from app.cli_scan import CATEGORY_NAMES, SEVERITY_NAMES
    from app.model import Severity
    from app.patrol.model import ItemStatus, finding_part
    from app.scan import location_label

    c = run.counts
    lex = "、".join(f"{lx.name} {lx.version}" for lx in run.lexicons) or "无"
    out.write(f"密审 MiShen {run.tool_version} 巡查  词库：{lex}\n")
    out.write(f"来源：{'；'.join(run.sources)}\n")
    out.write(f"时间：{run.started} — {run.finished}  "
              f"{'集群 ' + run.cluster if run.cluster else f'{run.workers} 个工作进程'}\n")
    if run.previous_run_id is None:
        out.write("首次巡查这些来源。\n")
    elif run.lexicons_changed:
        out.write("词库已变更：全部文件重新审查。\n")
    elif run.rescanned_all:
        out.write("程序版本或文字识别方式与上次不同：全部文件重新审查。\n")
    out.write(f"文件 {c.files} 个（网页 {c.pages}，附件 {c.attachments}）；本次审查 {c.scanned}，沿用上次结果 {c.reused}，"
              f"内容重复 {c.duplicates}\n")
    if c.ocr_pages or run.ocr != "auto":
        from app.ocr.options import MODE_NAMES

        out.write(f"文字识别：{MODE_NAMES.get(run.ocr, run.ocr)}；本次识别 {c.ocr_pages} 页\n")
    if run.previous_run_id is not None:
        out.write(f"与上次相比：新增 {c.new}，改动 {c.changed}，删除 {c.removed}；新问题 {c.new_findings}，"
                  f"已消除 {c.resolved_findings}\n")
    approvals = Counter(i.approval for i in run.items if i.approval)
    if approvals:
        from app.patrol.approval import APPROVAL_LABELS, ApprovalStatus

        out.write("发布审批：" + "，".join(f"{APPROVAL_LABELS[s]} {approvals.get(s.value, 0)}" for s in ApprovalStatus) + "\n")
    for item in run.items:
        if item.status is ItemStatus.REMOVED:
            out.write(f"\n[已删除] {item.location}\n")
            continue
        if not item.findings and not item.error and item.approval != "changed":
            continue
        tag = {"new": "新增", "changed": "改动", "unchanged": ""}.get(item.status.value, "")
        out.write("\n" + "-" * 72 + "\n")
        out.write(f"{'[' + tag + '] ' if tag else ''}{item.location}（{item.local_path}）\n")
        if item.approval_detail:
            out.write(f"  发布审批：{item.approval_detail}\n")
        if item.error:
            out.write(f"  未能审查：{item.error}\n")
        for f in sorted(item.findings, key=lambda f: -f.severity.rank):
            out.write(f"  - [{SEVERITY_NAMES[f.severity]}][{CATEGORY_NAMES.get(f.category.value, f.category.value)}]"
                      f" “{f.text}”  部位：{_PART_NAMES.get(finding_part(f, item.kind), finding_part(f, item.kind))}"
                      f"（{location_label(f.location)}）\n")
    if run.problems:
        out.write("\n" + "-" * 72 + "\n链接与文件问题：\n")
        for p in run.problems:
            out.write(f"  - {p.path}：{p.message}\n")
    out.write("\n" + "=" * 72 + "\n")
    summary = "，".join(f"{SEVERITY_NAMES[Severity(s)]} {n}" for s, n in c.by_severity)
    out.write(f"共 {c.files} 个文件，{c.with_findings} 个有问题（{summary}）；{c.errors} 个未能审查；"
              f"链接与文件问题 {c.problems} 条\n")


_PART_NAMES = {"title": "标题", "body": "正文", "attribute": "属性", "hidden": "隐藏元素", "metadata": "页面元信息"}
