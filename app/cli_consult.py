"""`mishen review consult …`: consultation (征求意见) of another registered unit.

    review consult ID --to UNIT -o FILE [--by ADMIN] [--opinion TEXT] [--password-stdin]
    review consult-read LETTER [--save-document FILE]          # at the consulted unit
    review consult-reply LETTER --decision agree|revise|disagree [--opinion TEXT] -o REPLY [--by ADMIN]
    review consult-import REPLY                                # back at the asking unit
    review consultations [ID] [--format text|json]

The letter and the reply are signed with the unit identity key, so sending and replying need the
保密管理员 (`--by`, optional when the ledger has exactly one). Handlers return an exit code and print
expected failures in Chinese (nothing changed)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli_common import add_password_flag, read_password
from app.cli_common import guard as _guard
from app.cli_common import open_ledger as _open
from app.plain_text import printable

if TYPE_CHECKING:
    from app.review.consult_model import Consultation

def consultation_json(c: Consultation) -> dict[str, Any]:
    return {"id": c.id, "review_id": c.review_id, "to_unit": c.to_unit, "sent_by": c.sent_by,
            "sent_date": c.sent_date.isoformat(), "due_date": c.due_date.isoformat(), "status": c.status.value,
            "status_label": c.status.label, "state": c.state_text,
            "decision": c.decision.value if c.decision else None,
            "decision_label": c.decision.label if c.decision else None, "opinion": c.opinion,
            "reply_date": c.reply_date.isoformat() if c.reply_date else None,
            "deemed_date": c.deemed_date.isoformat() if c.deemed_date else None, "on_time": c.on_time,
            "version": c.version, "calendar_warning": c.calendar_warning}


def consultation_lines(items: tuple[Consultation, ...]) -> list[str]:
    from app.review.consult_model import objection_note

    out = []
    for c in items:
        line = f"征求意见 {c.id}：{c.to_unit}，{c.sent_date:%Y-%m-%d} 发出（第 {c.version} 版），{c.state_text}"
        if c.opinion:
            line += f"；意见：{c.opinion}"
        out.append(printable(line))
    note = objection_note(items)
    if note:
        out.append(printable(f"注意：{note}"))
    return out


def _consult(args: argparse.Namespace) -> int:
    from app.cli_peers import admin_name
    from app.review.consult import send_consultation

    with _open(args) as ledger:
        name = admin_name(ledger, args.by)
        c = send_consultation(ledger, args.id, to=args.to, output=args.output, admin=name,
                              password=read_password(args, f"保密管理员 {name} 的密码（以本单位身份签名）："),
                              opinion=args.opinion or "")
    if args.print_to:
        from app.review.consult_print import print_letter

        with _open(args) as ledger:
            printed = print_letter(ledger, c, args.print_to)
        print(f"已输出纸面征求意见函：{printed}")
    print(f"已写出征求意见函：{args.output}（{c.id}）")
    print(f"征求{c.to_unit}意见，{c.sent_date:%Y-%m-%d} 发出，答复期限 {c.due_date:%Y-%m-%d}"
          f"（{c.working_days} 个工作日，按国务院办公厅公布的节假日安排计算）；期满未答复视为同意。")
    if c.calendar_warning:
        print(c.calendar_warning, file=sys.stderr)
    return 0


def _consult_read(args: argparse.Namespace) -> int:
    from app.exports.atomic import atomic_write_bytes
    from app.review.consult import read_letter

    with _open(args) as ledger:
        letter, _body, data = read_letter(ledger, args.letter)
    print(printable(f"征求意见函 {letter.consultation_id}：来自{letter.from_unit}（指纹 {letter.from_fingerprint}）"))
    print(printable(f"事项：{letter.title}（审核单 {letter.review_id}，文稿 {letter.document_name}）"))
    print(f"发出 {letter.sent_date:%Y-%m-%d}，请于 {letter.due_date:%Y-%m-%d} 前答复（逾期未答复视为同意）。")
    print(printable(f"对方意见：{letter.opinion}"))
    for f in letter.findings:
        print(printable(f"  {f['id']}\t{f['severity']}\t{f['where']}\t{f['text']}"))
    if letter.answered:
        print("本单位已答复过这份征求意见函。")
    if args.save_document:
        atomic_write_bytes(Path(args.save_document), data)
        print(f"已保存文稿：{args.save_document}")
    return 0


def _consult_reply(args: argparse.Namespace) -> int:
    from app.cli_peers import admin_name
    from app.review.consult import reply_consultation
    from app.review.consult_model import ConsultDecision

    decision = ConsultDecision.parse(args.decision)
    with _open(args) as ledger:
        name = admin_name(ledger, args.by)
        sent = reply_consultation(ledger, args.letter, decision=decision, opinion=args.opinion or "",
                                  output=args.output, admin=name,
                                  password=read_password(args, f"保密管理员 {name} 的密码（以本单位身份签名）："))
    print(f"已写出答复意见：{sent.path}（{sent.consultation_id}：{decision.label}）；请交回征求意见的单位导入"
          "（mishen review consult-import）。")
    return 0


def _consult_import(args: argparse.Namespace) -> int:
    from app.review.consult import import_reply

    with _open(args) as ledger:
        c, new = import_reply(ledger, args.reply)
    if not new:
        print(f"答复已记录过（{c.id}）：{c.state_text}")
        return 0
    print(printable(f"已记录{c.to_unit}的答复（{c.id}，审核单 {c.review_id}）：{c.state_text}；意见：{c.opinion}"))
    return 0


def _consultations(args: argparse.Namespace) -> int:
    from app.review.consult import consultations_for, settle_overdue
    from app.review.consult_model import ANSWERED, CONSULT_DECISION_LABELS, ConsultDecision

    with _open(args) as ledger:
        settle_overdue(ledger, review_id=args.id)
        items = consultations_for(ledger, args.id)
        answered = [e for e in ledger.events(kinds=(ANSWERED,), review_id=args.id)]
    received = [{"consultation_id": e.payload.get("consultation_id"), "from_unit": e.payload.get("from_unit"),
                 "review_id": e.payload.get("review_id"), "decision": e.payload.get("decision"),
                 "opinion": e.payload.get("opinion"), "by": e.actor, "time": e.time} for e in answered]
    if args.format == "json":
        print(json.dumps({"consultations": [consultation_json(c) for c in items], "answered": received},
                         ensure_ascii=False, indent=2))
        return 0
    lines = consultation_lines(items)
    for r in received:
        try:
            label = CONSULT_DECISION_LABELS[ConsultDecision(str(r["decision"]))]
        except ValueError:
            label = str(r["decision"])
        lines.append(printable(f"已答复{r['from_unit']}的征求意见 {r['consultation_id']}：{label}（{r['by']}）"))
    for line in lines or ["（没有征求意见记录）"]:
        print(line)
    return 0


def register(rs: Any) -> None:
    """Add the consultation actions to `mishen review`'s subparsers."""
    def pw(p: argparse.ArgumentParser) -> None:
        add_password_flag(p)

    p = rs.add_parser("consult", help="就审核单征求另一已登记单位的意见（5 个工作日内答复，逾期视为同意）")
    p.add_argument("id")
    p.add_argument("--to", required=True, metavar="UNIT", help="已登记外单位的名称或指纹")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="征求意见函文件")
    p.add_argument("--by", metavar="ADMIN", help="以本单位身份签名的保密管理员（只有一位时可省略）")
    p.add_argument("--opinion", help="本单位的意见和依据（第十一条；默认：拟公开及审查发现的问题数）")
    p.add_argument("--print", dest="print_to", metavar="LETTER", help="另输出纸面征求意见函（.pdf 或 .docx，书面征求用）")
    pw(p)
    p.set_defaults(func=_guard(_consult))
    p = rs.add_parser("consult-read", help="查看收到的征求意见函（核验签名和来源单位）")
    p.add_argument("letter")
    p.add_argument("--save-document", metavar="FILE", help="把函中的文稿另存为文件")
    p.set_defaults(func=_guard(_consult_read))
    p = rs.add_parser("consult-reply", help="答复收到的征求意见函（以本单位身份签名）")
    p.add_argument("letter")
    p.add_argument("--decision", required=True, help="agree|revise|disagree（同意公开/修改后同意公开/不同意公开）")
    p.add_argument("--opinion", help="答复意见（修改后同意、不同意时必填）")
    p.add_argument("-o", "--output", required=True, metavar="REPLY")
    p.add_argument("--by", metavar="ADMIN", help="以本单位身份签名的保密管理员（只有一位时可省略）")
    pw(p)
    p.set_defaults(func=_guard(_consult_reply))
    p = rs.add_parser("consult-import", help="导入外单位的答复意见（只接受被征求意见的已登记单位）")
    p.add_argument("reply")
    p.set_defaults(func=_guard(_consult_import))
    p = rs.add_parser("consultations", help="列出征求意见及其状态（逾期未答复的记为视为同意）")
    p.add_argument("id", nargs="?")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_guard(_consultations))
