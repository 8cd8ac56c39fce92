"""`mishen peers …`: this unit's public identity and the other units it accepts signatures from."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from app.cli_common import add_password_flag as _pw
from app.cli_common import guard as _guard
from app.cli_common import open_ledger as _open
from app.cli_common import read_password as _password
from app.errors import MishenError

if TYPE_CHECKING:
    from app.ledger import Ledger


def admin_name(ledger: Ledger, given: str | None) -> str:
    """`--by ADMIN`, or the one 保密管理员 when the ledger has exactly one."""
    if given:
        return given
    from app.users import Role, list_users

    admins = [u.name for u in list_users(ledger) if u.role is Role.SECRECY_ADMIN]
    if len(admins) == 1:
        return admins[0]
    if not admins:
        raise MishenError("本台帐还没有保密管理员：单位身份密钥由保密管理员掌管，请先添加保密管理员"
                          "（users add NAME --role secrecy_admin）。", code="no_admin")
    raise MishenError(f"请用 --by 指定办理的保密管理员（{'、'.join(admins)}）。", code="admin_required")


def _normalise(fp: str) -> str:
    return "".join(fp.split()).upper()


def _export(args: argparse.Namespace) -> int:
    from app.peers import export_identity, unlock_unit
    from app.peers.identity import unit_identity_record

    with _open(args) as ledger:
        if unit_identity_record(ledger) is None or args.by:
            name = admin_name(ledger, args.by)
            unlock_unit(ledger, name, _password(args, prompt=f"保密管理员 {name} 的密码："), unit_name=args.unit_name)
        path, fp = export_identity(ledger, args.output)
    print(f"已导出本单位身份：{path}")
    print(f"指纹：{fp}")
    print("请把文件交给对方，并通过电话或书面与对方核对上面的指纹。")
    return 0


def _add(args: argparse.Namespace) -> int:
    from app.peers import add_peer, read_identity

    ident = read_identity(args.file)
    print(f"外单位：{ident.unit_name}")
    print(f"指纹：{ident.fingerprint}")
    if args.fingerprint is not None and _normalise(args.fingerprint) != _normalise(ident.fingerprint):
        raise MishenError("指纹与核对结果不符，已拒绝登记（文件可能被调换）。", code="fingerprint_mismatch")
    if args.fingerprint is None and not args.password_stdin:
        answer = input("已通过电话或书面与对方核对，指纹一致？[y/N] ").strip().lower()
        if answer not in ("y", "yes", "是"):
            print("未登记。")
            return 1
    with _open(args) as ledger:
        name = admin_name(ledger, args.by)
        peer = add_peer(ledger, ident, name, _password(args, prompt=f"保密管理员 {name} 的密码："))
    print(f"已登记外单位“{peer.unit_name}”（第 {peer.added_seq} 条，保密管理员 {peer.added_by} 加签）。")
    return 0


def _share(args: argparse.Namespace) -> int:
    from app.peers import share_unit_key

    with _open(args) as ledger:
        holder = args.by or _holder(ledger)
        user = share_unit_key(ledger, holder, _password(args, prompt=f"保密管理员 {holder} 的密码："),
                              args.admin, _password(args, prompt=f"保密管理员 {args.admin} 的密码："))
    print(f"保密管理员 {user.name} 现在也可以使用本单位身份密钥（{holder} 加签）。")
    return 0


def _holder(ledger: Ledger) -> str:
    holders = [str(r[0]) for r in ledger.conn.execute("SELECT admin FROM unit_keys")]
    if len(holders) != 1:
        raise MishenError("请用 --by 指定持有本单位身份密钥的保密管理员。", code="admin_required")
    return holders[0]


def _list(args: argparse.Namespace) -> int:
    from app.peers import list_peers
    from app.peers.identity import unit_identity_record

    with _open(args) as ledger:
        peers = list_peers(ledger)
        own = unit_identity_record(ledger)
    if args.format == "json":
        data: dict[str, Any] = {"unit": None if own is None else {k: own[k] for k in ("unit_name", "public_key",
                                                                                    "fingerprint")},
                                "peers": [p.to_json() for p in peers]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"本单位：{own['unit_name']}  指纹 {own['fingerprint']}" if own else "本单位：尚未建立单位身份")
    if not peers:
        print("尚未登记外单位。")
    for p in peers:
        print(f"  {p.unit_name}  指纹 {p.fingerprint}  （第 {p.added_seq} 条，{p.added_by} 登记，{p.time}）")
    return 0


def register(sub: Any) -> None:
    peers = sub.add_parser("peers", help="外单位：交换并登记单位身份（审核包只接受已登记单位的签署）")
    ps = peers.add_subparsers(dest="peers_command", metavar="ACTION", required=True)
    p = ps.add_parser("export", help="导出本单位的公开身份（单位名称、公钥、指纹）")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--by", metavar="ADMIN", help="保密管理员（首次导出时建立单位身份，须其密码）")
    p.add_argument("--unit-name", default=None, help="单位名称（默认取保密管理员登记的单位）")
    _pw(p)
    p.set_defaults(func=_guard(_export))
    p = ps.add_parser("add", help="登记外单位（显示指纹供电话或书面核对，由保密管理员加签）")
    p.add_argument("file")
    p.add_argument("--by", metavar="ADMIN", help="办理登记的保密管理员（只有一位时可省略）")
    p.add_argument("--fingerprint", default=None, help="已与对方核对的指纹；不一致则拒绝登记")
    _pw(p)
    p.set_defaults(func=_guard(_add))
    p = ps.add_parser("share", help="让另一位保密管理员也能使用本单位身份密钥（--password-stdin 时第一行为持有人密码）")
    p.add_argument("admin", metavar="ADMIN")
    p.add_argument("--by", metavar="HOLDER", help="已持有本单位身份密钥的保密管理员")
    _pw(p)
    p.set_defaults(func=_guard(_share))
    p = ps.add_parser("list", help="列出本单位身份和已登记的外单位")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_guard(_list))
