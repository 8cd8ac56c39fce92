"""`mishen users …`, `mishen review …` and `mishen ledger …`: thin handlers over app.users,
app.review, app.ledger and app.exports. Every handler returns an exit code; expected failures are
printed in Chinese and change nothing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli_common import add_password_flag as _pw
from app.cli_common import err as _err
from app.cli_common import guard as _guard
from app.cli_common import open_ledger as _open
from app.cli_common import read_password as _password
from app.errors import MishenError
from app.paths import data_dir
from app.plain_text import printable

if TYPE_CHECKING:  # imported inside the handlers: `mishen scan` must not pay for sqlite-utils
    from app.ledger import Ledger
    from app.ledger.crypto import KeySigner
    from app.users import User


def _note_read_only(ledger: Ledger) -> None:
    if ledger.read_only:
        print(f"注意：数据目录 {ledger.data_dir} 只读，本次输出未记入台帐。", file=sys.stderr)


# --- users ------------------------------------------------------------------------------------

def _users_add(args: argparse.Namespace) -> int:
    from app.users import Role, add_user

    role = Role.parse(args.role)
    with _open(args) as ledger:
        password = _password(args, confirm=True)
        added_by = None
        if args.by:
            added_by = _admin(ledger, args, f"确认添加用户 {args.name}")
        user = add_user(ledger, args.name, role, password, unit=args.unit or "", added_by=added_by)
        print(f"已添加用户 {user.name}（{role.label}{'，' + user.unit if user.unit else ''}），公钥 {user.public_key[:16]}…")
    return 0


def _admin(ledger: Ledger, args: argparse.Namespace, attempt: str) -> tuple[User, KeySigner]:
    """The 保密管理员 named by `--by`, unlocked with their password (recorded as `attempt`)."""
    from app.users import unlock

    return unlock(ledger, args.by, _password(args, prompt=f"保密管理员 {args.by} 的密码："), attempt=attempt)


def _users_list(args: argparse.Namespace) -> int:
    from app.users import is_revoked, list_users
    from app.users.attempts import attempt_state, is_locked

    with _open(args) as ledger:
        for u in list_users(ledger):
            status = "已停用" if is_revoked(ledger, u.name) else (
                "已锁定" if is_locked(attempt_state(ledger, u.name).failures) else "")
            print(printable(f"{u.name}\t{u.role.label}\t{u.unit}\t{u.public_key[:16]}…" + (f"\t{status}" if status else "")))
    return 0


def _users_unlock(args: argparse.Namespace) -> int:
    from app.users import lift_lockout

    with _open(args) as ledger:
        admin = _admin(ledger, args, f"解锁用户 {args.name}")
        cleared = lift_lockout(ledger, args.name, admin)
    print(f"已解锁用户 {args.name}（清除连续 {cleared} 次密码错误记录；{args.by} 签名确认）。")
    return 0


def _users_revoke(args: argparse.Namespace) -> int:
    from app.users import revoke_user

    with _open(args) as ledger:
        admin = _admin(ledger, args, f"停用用户 {args.name}")
        user = revoke_user(ledger, args.name, admin, reason=args.reason or "")
    print(f"已停用用户 {user.name}（{user.role.label}）：此后不能再签署；{args.by} 签名确认。")
    return 0


# --- review -----------------------------------------------------------------------------------


def _review_route_register(args: argparse.Namespace) -> int:
    from app.review.route_registry import register_route

    with _open(args) as ledger:
        admin = _admin(ledger, args, f"登记审核流程 {args.name}")
        route = register_route(ledger, args.name, admin)
    print(f"已登记审核流程 {route.name}（{route.title}，共 {len(route.levels)} 级）；{args.by} 签名确认。")
    return 0

def _review_open(args: argparse.Namespace) -> int:
    from app.review import Disclosure, InfoClass, open_review

    info_class = InfoClass.parse(args.info_class) if args.info_class else None
    disclosure = Disclosure.parse(args.disclosure) if args.disclosure else Disclosure.PROACTIVE
    with _open(args) as ledger:
        review = open_review(ledger, args.path, title=args.title or "", unit=args.unit or "", info_class=info_class,
                             disclosure=disclosure, reason=args.reason or "", route=args.route,
                             by=_exporter(ledger, args, f"建立审核单 {Path(args.path).name}"))
    print(review.id)
    v = review.current
    note = f"（系统建议：{v.suggested_class.label}，已人工调整）" if v.class_overridden else ""
    print(f"已建立审核单：{review.title}；信息类别 {v.info_class.label}{note}；发现问题 {len(v.findings)} 处。",
          file=sys.stderr)
    return 0


def _review_resubmit(args: argparse.Namespace) -> int:
    from app.review import InfoClass, review_state
    from app.review.diff_text import diff_text
    from app.review.service import submit_revision

    info_class = InfoClass.parse(args.info_class) if args.info_class else None
    with _open(args) as ledger:
        review, diff = submit_revision(ledger, args.id, args.path, info_class=info_class,
                                       by=_exporter(ledger, args, f"提交审核单 {args.id} 的修改稿"))
    print(printable(diff_text(diff)))
    state = review_state(review)
    if diff.level:
        print(f"已提交第 {review.current.number} 版。当前状态：{state.message}")
    else:
        print(f"已提交第 {review.current.number} 版，须从第 1 级重新审核。")
    return 0


def _review_diff(args: argparse.Namespace) -> int:
    from app.review import load_review
    from app.review.diff_text import diff_text
    from app.review.revision import version_diff

    with _open(args) as ledger:
        review = load_review(ledger, args.id)
        to = args.to or review.current.number
        diff = version_diff(ledger.data_dir, review, args.from_version or to - 1, to)
    print(printable(diff_text(diff)))
    return 0


def _review_check(args: argparse.Namespace) -> int:
    from app.review.file_check import check_file

    with _open(args) as ledger:
        result = check_file(ledger, args.file)
    print(printable(result.message()))
    return 0 if result.approved is not None else 1


def _review_sign(args: argparse.Namespace) -> int:
    from app.review import Decision, load_review, review_state, sign_review
    from app.review.dispositions import parse_decide, parse_decide_file

    decision = Decision.parse(args.decision)
    decisions = [parse_decide(spec) for spec in args.decide or ()]
    if args.decide_file:
        decisions += parse_decide_file(args.decide_file)
    with _open(args) as ledger:
        s = sign_review(ledger, args.id, level=args.level, user=args.user, password=_password(args),
                        decision=decision, opinion=args.opinion or "", decisions=decisions)
        state = review_state(load_review(ledger, args.id))
        entry = ledger.event(s.seq)
    from app.ledger.receipt import receipt_for

    print(printable(f"第 {s.level} 级已签署：{s.decision.label}（{s.signer}，{s.time}），意见：{s.opinion}"))
    for d in s.dispositions:
        print(printable(f"  问题 {d.finding_id}“{d.finding_text[:30]}”：{d.label}"))
    print(f"当前状态：{state.message}")
    if entry is not None:
        print(f"回执：{receipt_for(entry)}（请记在纸面审查单上；mishen ledger verify --receipt 可据此核验台帐未被截断或改写）")
    return 0


def _review_waive(args: argparse.Namespace) -> int:
    from app.review import waive_finding

    with _open(args) as ledger:
        w = waive_finding(ledger, args.id, finding_id=args.finding, user=args.user, password=_password(args),
                          reason=args.reason or "")
    print(f"已豁免问题 {w.finding_id}（{w.signer}，理由：{w.reason}）。")
    return 0


def _review_dismiss(args: argparse.Namespace) -> int:
    from app.review import load_review
    from app.review.false_alarms import mark_false_alarm
    from app.users.service import unlock

    with _open(args) as ledger:
        _user, signer = unlock(ledger, args.user, _password(args), attempt=f"将审核单 {args.id} 的问题 {args.finding} 标为误报")
        fa = mark_false_alarm(ledger, load_review(ledger, args.id), finding_id=args.finding,
                              reason=args.reason or "", user=args.user, signer=signer)
    print(f"已将问题 {fa.finding_id} 标为误报（{fa.user}，理由：{fa.reason}）。")
    return 0


def _review_show(args: argparse.Namespace) -> int:
    from app.cli_consult import consultation_json, consultation_lines
    from app.review.consult import consultations_for, settle_overdue
    from app.review.show import review_json, review_text

    with _open(args) as ledger:
        settle_overdue(ledger, review_id=args.id.strip())  # 视为同意 once the due date has passed
        consulted = consultations_for(ledger, args.id.strip())
        if args.format == "json":
            data = review_json(ledger, args.id)
            data["consultations"] = [consultation_json(c) for c in consulted]
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print("\n".join([review_text(ledger, args.id), *consultation_lines(consulted)]))
    return 0


def _review_list(args: argparse.Namespace) -> int:
    from app.review import list_reviews, review_state
    from app.review.consult import settle_overdue

    with _open(args) as ledger:
        settle_overdue(ledger)  # 视为同意 once a consultation's due date has passed
        for r in list_reviews(ledger):
            print(printable(f"{r.id}\t{r.title}\t{r.current.info_class.label}\t{review_state(r).message}"))
    return 0


def _exporter(ledger: Ledger, args: argparse.Namespace, attempt: str) -> KeySigner | None:
    """`--user NAME`: the action (an export, a review opened, a revision submitted) is recorded as
    that user's (password asked); else the workstation's."""
    if not args.user or ledger.read_only:
        return None
    from app.users import unlock

    return unlock(ledger, args.user, _password(args, prompt=f"{args.user} 的密码："), attempt=attempt)[1]


def _review_sheet(args: argparse.Namespace) -> int:
    from app.exports.review_sheet import export_review_sheet

    with _open(args) as ledger:
        out = export_review_sheet(ledger, args.id, args.output, fmt=args.format,
                                  by=_exporter(ledger, args, f"输出审核单 {args.id} 的保密审查单"))
        _note_read_only(ledger)
    print(f"已输出保密审查单：{out}")
    return 0


def _export_package(args: argparse.Namespace) -> int:
    from app.cli_peers import admin_name
    from app.peers import unlock_unit
    from app.review.package import export_package

    with _open(args) as ledger:
        name = admin_name(ledger, args.by)
        unit = unlock_unit(ledger, name, _password(args, prompt=f"保密管理员 {name} 的密码（以本单位身份签名）："))
        out = export_package(ledger, args.id, args.output, unit)
    print(f"已导出审核包：{out}")
    return 0


def _import_package(args: argparse.Namespace) -> int:
    from app.review.package import import_package

    with _open(args) as ledger:
        result = import_package(ledger, args.file)
    print(result.message)
    return 0


# --- ledger -----------------------------------------------------------------------------------

def _ledger_verify(args: argparse.Namespace) -> int:
    from app.ledger import ledger_path

    try:
        from app.ledger import verify_ledger

        result = verify_ledger(ledger_path(args.data_dir), args.checkpoint, receipts=args.receipt or ())
    except MishenError as exc:
        _err(exc.message)
        return 2
    for note in result.notes:
        print(f"注意：{note}", file=sys.stderr)
    if result.ok:
        from app.ledger.model import Head
        from app.ledger.receipt import receipt_for

        print(f"台帐完好：共 {result.entries} 条记录，末条第 {result.head_seq} 条，哈希 {result.head_hash}")
        print(f"末条回执：{receipt_for(Head(result.head_seq, result.head_hash))}")
        for r in args.receipt or ():
            print(f"回执 {r.strip()} 与台帐相符")
        return 0
    print("!!! 台帐已被篡改 !!!", file=sys.stderr)
    if result.first_bad is not None:
        print(f"第一处异常：第 {result.first_bad} 条记录", file=sys.stderr)
    for p in result.problems:
        print(f"  - {p.message}", file=sys.stderr)
    return 1


def _ledger_checkpoint(args: argparse.Namespace) -> int:
    from app.exports.atomic import atomic_write_text
    from app.ledger import make_checkpoint

    with _open(args) as ledger:
        cp = make_checkpoint(ledger)
    atomic_write_text(Path(args.output), json.dumps(cp, ensure_ascii=False, indent=2) + "\n")
    body = cp["checkpoint"]
    print(f"已写出检查点：第 {body['seq']} 条，哈希 {body['hash']} → {args.output}")
    print("请将检查点文件交另一工作站或保密局保存；mishen ledger verify --checkpoint 文件 可据此发现其后的截断或改写。")
    return 0


def _ledger_export(args: argparse.Namespace) -> int:
    from app.exports.approval_ledger import export_approval_ledger

    levels = tuple(int(x) for x in args.levels.split(",") if x.strip()) if args.levels else None
    with _open(args) as ledger:
        out, rows = export_approval_ledger(ledger, args.output, fmt=args.format, levels=levels,
                                           since=args.since, until=args.until, unit=args.unit,
                                           by=_exporter(ledger, args, "输出领导审批台帐"))
        _note_read_only(ledger)
    print(f"已输出领导审批台帐（{rows} 条）：{out}")
    return 0


def _ledger_backup(args: argparse.Namespace) -> int:
    from app.ledger.backup import backup

    with _open(args) as ledger:
        out = backup(ledger, args.path)
    print(f"已备份台帐：{out}")
    return 0


def _ledger_restore(args: argparse.Namespace) -> int:
    from app.ledger.backup import restore

    out = restore(args.path, data_dir(args.data_dir))
    print(f"已从备份恢复台帐：{out}")
    return 0


# --- registration -----------------------------------------------------------------------------

def register(sub: Any) -> None:
    users = sub.add_parser("users", help="管理本机用户（角色、单位、签名密钥）")
    us = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    p = us.add_parser("add", help="添加用户")
    p.add_argument("name")
    p.add_argument("--role", required=True,
                   help="officer|section_chief|division_leader|principal|city_office|secrecy_admin|auditor（可用中文）")
    p.add_argument("--unit", default="")
    p.add_argument("--by", metavar="ADMIN",
                   help="办理添加的保密管理员（台帐已有保密管理员时必需；--password-stdin 时其密码为第二行）")
    _pw(p)
    p.set_defaults(func=_guard(_users_add))
    us.add_parser("list", help="列出用户").set_defaults(func=_guard(_users_list))
    p = us.add_parser("unlock", help="解除用户因连续输错密码而被锁定（保密管理员办理）")
    p.add_argument("name")
    p.add_argument("--by", metavar="ADMIN", required=True, help="办理解锁的保密管理员")
    _pw(p)
    p.set_defaults(func=_guard(_users_unlock))
    p = us.add_parser("revoke", help="停用用户：此后不能再签署（保密管理员办理）")
    p.add_argument("name")
    p.add_argument("--by", metavar="ADMIN", required=True, help="办理停用的保密管理员")
    p.add_argument("--reason")
    _pw(p)
    p.set_defaults(func=_guard(_users_revoke))

    review = sub.add_parser("review", help="审核单：建立、签署、豁免、查看、跨单位传递")
    rs = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    p = rs.add_parser("open", help="为一份文稿建立审核单（打印审核单编号）")
    p.add_argument("path")
    p.add_argument("--title")
    p.add_argument("--unit")
    p.add_argument("--class", dest="info_class", help="general|important|critical（一般/重要/特级）")
    p.add_argument("--disclosure", help="proactive|on_request|withheld（主动公开/依申请公开/不予公开）")
    p.add_argument("--reason")
    p.add_argument("--route", help="four_level（四级负责制，默认）、three_reviews（三审三校）或自定义流程名")
    p.add_argument("--user", help="建立人（记入台帐为该用户所为；不给出时记为本工作站）")
    _pw(p)
    p.set_defaults(func=_guard(_review_open))
    p = rs.add_parser("route-register", help="登记自定义审核流程 routes/<名称>.json（保密管理员办理；未登记的流程不能用于建立审核单）")
    p.add_argument("name")
    p.add_argument("--by", metavar="ADMIN", required=True, help="办理登记的保密管理员")
    _pw(p)
    p.set_defaults(func=_guard(_review_route_register))
    p = rs.add_parser("resubmit", help="提交修改后的新版本（重新扫描；有条件同意后核验修改稿，否则从第 1 级重新审核）")
    p.add_argument("id")
    p.add_argument("path")
    p.add_argument("--class", dest="info_class")
    p.add_argument("--user", help="提交人（记入台帐为该用户所为；不给出时记为本工作站）")
    _pw(p)
    p.set_defaults(func=_guard(_review_resubmit))
    p = rs.add_parser("sign", help="签署一级审核")
    p.add_argument("id")
    p.add_argument("--level", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--decision", required=True, help="approve|revise|return|reject|escalate（同意/修改后发布/退回修改/不予发布/报上级审核）")
    p.add_argument("--opinion", help="意见/批示（第 3、4 级必填；第 1、2 级不填时记为“经审核，同意。”等简短意见）")
    p.add_argument("--decide", action="append", metavar="FINDING_ID=agree:理由|change:须修改的内容",
                   help="对一处问题的处理：agree（同意公开）或 change（须修改）；决定级别同意前每处高风险问题都须处理（可多次给出）")
    p.add_argument("--decide-file", metavar="FILE", help="处理意见文件：每行 问题编号=agree:理由，或 JSON")
    _pw(p)
    p.set_defaults(func=_guard(_review_sign))
    p = rs.add_parser("diff", help="两个版本之间的差异（文字增删、问题消失/新出现）")
    p.add_argument("id")
    p.add_argument("--from", dest="from_version", type=int, help="旧版本号（默认：新版本的前一版）")
    p.add_argument("--to", type=int, help="新版本号（默认：当前版本）")
    p.set_defaults(func=_guard(_review_diff))
    p = rs.add_parser("check", help="核对一个文件是否正是经批准发布的版本（0 是，1 否）")
    p.add_argument("file")
    p.set_defaults(func=_guard(_review_check))
    p = rs.add_parser("waive", help="豁免一处禁止发布的问题（第三级及以上，须说明理由）")
    p.add_argument("id")
    p.add_argument("--finding", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--reason")
    _pw(p)
    p.set_defaults(func=_guard(_review_waive))
    p = rs.add_parser("dismiss", help="将一处问题标为误报（须说明理由，记入台帐；不代替豁免）")
    p.add_argument("id")
    p.add_argument("--finding", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--reason")
    _pw(p)
    p.set_defaults(func=_guard(_review_dismiss))
    p = rs.add_parser("show", help="查看审核单")
    p.add_argument("id")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_guard(_review_show))
    rs.add_parser("list", help="列出审核单").set_defaults(func=_guard(_review_list))
    p = rs.add_parser("sheet", help="输出保密审查单（docx 或 PDF）")
    p.add_argument("id")
    p.add_argument("--format", choices=("docx", "pdf"), default=None)
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--user", help="输出人（记入台帐为该用户的输出；不给出时记为本工作站）")
    _pw(p)
    p.set_defaults(func=_guard(_review_sheet))
    p = rs.add_parser("export-package", help="导出审核包（送另一单位审核；由保密管理员以本单位身份签名）")
    p.add_argument("id")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--by", metavar="ADMIN", help="以本单位身份签名的保密管理员（只有一位时可省略）")
    _pw(p)
    p.set_defaults(func=_guard(_export_package))
    p = rs.add_parser("import-package", help="导入审核包（核验全部内容，拒绝被改动的包）")
    p.add_argument("file")
    p.set_defaults(func=_guard(_import_package))
    from app import cli_consult

    cli_consult.register(rs)  # consult, consult-read, consult-reply, consult-import, consultations

    ledger = sub.add_parser("ledger", help="审计台帐：核验、检查点、导出、备份")
    ls = ledger.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    p = ls.add_parser("verify", help="核验台帐（0 完好，1 被篡改，2 出错）")
    p.add_argument("--checkpoint", help="另一工作站或保密局保存的检查点文件（ledger checkpoint --export）")
    p.add_argument("--receipt", action="append", metavar="RECEIPT",
                   help="签署时打印的回执，如 #42-3fa9c1d2e4b5a6b7（可多次给出）")
    p.set_defaults(func=_ledger_verify)
    p = ls.add_parser("checkpoint", help="写出带签名的台帐检查点（交另一工作站或保密局保存）")
    p.add_argument("--export", "-o", "--output", dest="output", metavar="FILE", required=True)
    p.set_defaults(func=_guard(_ledger_checkpoint))
    p = ls.add_parser("export", help="导出领导审批台帐")
    p.add_argument("--format", choices=("xlsx", "csv", "pdf", "docx"), default=None)
    p.add_argument("--levels", help="如 3,4（默认：流程中标记计入台帐的级别）")
    p.add_argument("--since", help="起始日期 YYYY-MM-DD")
    p.add_argument("--until", help="截止日期 YYYY-MM-DD（含）")
    p.add_argument("--unit")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--user", help="输出人（记入台帐为该用户的输出；不给出时记为本工作站）")
    _pw(p)
    p.set_defaults(func=_guard(_ledger_export))
    p = ls.add_parser("backup", help="在线备份台帐数据库")
    p.add_argument("path")
    p.set_defaults(func=_guard(_ledger_backup))
    p = ls.add_parser("restore", help="从（经核验的）备份恢复台帐")
    p.add_argument("path")
    p.set_defaults(func=_guard(_ledger_restore))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m app.cli_review …` is `mishen …` (one parser, in app.cli)."""
    from app.cli import main as mishen_main

    return mishen_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
