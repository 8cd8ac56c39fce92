"""`mishen lexicon …`: the secrecy bureau's signed lexicon packs (app.packs, docs/lexicon-packs.md).

Exit status: 0 success; 1 a check failed (signature, trust, vectors, dates, version, password);
2 usage or unreadable input (including import rows that are malformed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli_common import add_password_flag, err, guard
from app.plain_text import printable

if TYPE_CHECKING:
    from app.packs.format import Pack

Handler = Callable[[argparse.Namespace], int]


def _guard(func: Handler) -> Handler:
    """`cli_common.guard`, except that a malformed pack or word list is a usage error (exit 2)."""
    def pack_input(args: argparse.Namespace) -> int:
        from app.packs.errors import PackInputError

        try:
            return func(args)
        except PackInputError as exc:
            err(exc.message)
            return 2
    return guard(pack_input)


def _pw(args: argparse.Namespace, prompt: str) -> str:
    from app.cli_common import read_password as _password

    return _password(args, prompt=prompt)


def _data_dir(args: argparse.Namespace) -> Path:
    from app.paths import data_dir

    return data_dir(args.data_dir)


def _keygen(args: argparse.Namespace) -> int:
    from app.cli_common import read_password as _password
    from app.packs.signing import keygen

    password = _password(args, prompt="签名密钥的密码：", confirm=True)
    key, pub, fp = keygen(args.output, password)
    print(f"已生成词库签发密钥：{key}（私钥，已用密码加密，请妥善保管）")
    print(f"公钥：{pub}")
    print(f"指纹：{fp}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from app.model import Category, Severity
    from app.packs.errors import PackInputError
    from app.packs.format import Manifest, write_pack
    from app.packs.importer import DEFAULT_BASIS, Defaults, category_of, import_pack

    category = Category.SENSITIVE_TERM
    if args.category:
        found = category_of(args.category)
        if found is None:
            raise PackInputError(f"未知类别“{args.category}”。", code="usage")
        category = found
    try:
        severity = Severity.parse(args.severity) if args.severity else Severity.HIGH
    except ValueError:
        raise PackInputError(f"未知级别“{args.severity}”。", code="usage") from None
    manifest = Manifest(args.id, args.version, args.issuer, args.effective or "", args.expires or "",
                        args.min_mishen, args.changelog or "")
    pack = import_pack(args.sources, manifest, Defaults(category, severity, args.basis or DEFAULT_BASIS))
    path = write_pack(pack, args.output)
    print(f"已生成词库包 {pack.label}：{path}（{len(pack.entries)} 条，测试用例 "
          f"{len(pack.must_flag) + len(pack.must_not_flag)} 条，未签名）")
    return 0


def _sign(args: argparse.Namespace) -> int:
    import hashlib

    from app.exports.atomic import atomic_write_bytes
    from app.packs.signing import sign_pack

    pack = _read_unverified(args.pack)
    signed = sign_pack(pack, args.key, _pw(args, "签名密钥的密码："))
    data = signed.to_bytes()
    path = atomic_write_bytes(Path(args.output), data)
    sha = hashlib.sha256(data).hexdigest()
    print(f"已签名词库包 {signed.label}：{path}")
    print(f"SHA-256：{sha}")
    return 0


def _read_unverified(path: str) -> Pack:
    """A pack read and checked for its canonical layout, signature not checked (sign, diff,
    test and export work on unsigned candidates too)."""
    from app.packs.format import read_pack

    return read_pack(path)


def _trust(args: argparse.Namespace) -> int:
    from app.cli_peers import admin_name
    from app.ledger import Ledger
    from app.packs.errors import PackCheckError
    from app.packs.service import admin_signer, trust_key
    from app.packs.signing import read_public_key

    pub, fp = read_public_key(args.pubfile)
    print(f"词库签发公钥指纹：{fp}")
    if args.fingerprint is not None:
        if "".join(args.fingerprint.split()).upper() != "".join(fp.split()):
            raise PackCheckError("指纹与核对结果不符，已拒绝信任（公钥文件可能被调换）。", code="fingerprint_mismatch")
    elif not args.password_stdin:
        answer = input("已通过电话或书面与保密局核对，指纹一致？[y/N] ").strip().lower()
        if answer not in ("y", "yes", "是"):
            print("未信任。")
            return 1
    else:
        print("请与保密局通过电话或书面核对上面的指纹。")
    with Ledger.open(_data_dir(args)) as ledger:
        name = admin_name(ledger, args.by)
        signer = admin_signer(ledger, name, _pw(args, f"保密管理员 {name} 的密码："), "登记可信词库签发密钥")
        key = trust_key(ledger, pub, args.name or Path(args.pubfile).stem, signer)
    print(f"已信任该签发密钥（第 {key.seq} 条，保密管理员 {key.by} 加签）。")
    return 0


def _signer(args: argparse.Namespace, ledger: Any, what: str) -> Any:
    if not args.by:
        return None
    from app.packs.service import admin_signer

    return admin_signer(ledger, args.by, _pw(args, f"保密管理员 {args.by} 的密码："), what)


def _install(args: argparse.Namespace) -> int:
    from app.ledger import Ledger
    from app.packs.errors import PackInputError
    from app.packs.format import MAX_PACK_BYTES
    from app.packs.service import install

    p = Path(args.signed)
    try:
        if p.stat().st_size > MAX_PACK_BYTES:
            raise PackInputError(f"词库包 {p.name} 过大。")
        data = p.read_bytes()
    except OSError as exc:
        raise PackInputError(f"无法读取词库包 {p}：{exc.strerror or exc}") from exc
    data_dir = _data_dir(args)
    with Ledger.open(data_dir) as ledger:
        pack, notes = install(ledger, data, data_dir, _signer(args, ledger, "安装词库包"))
    print(f"已安装并启用词库包 {pack.label}（{len(pack.entries)} 条，SHA-256 {pack.sha256}）")
    for line in notes:
        print(f"  {line}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.ledger import Ledger
    from app.packs.service import history, installed, trusted_keys

    data_dir = _data_dir(args)
    with Ledger.open(data_dir) as ledger:
        packs = installed(ledger, data_dir)
        keys = trusted_keys(ledger)
        events = history(ledger)
    if not packs:
        print("尚未安装词库包：扫描使用程序内置词库。")
    for i in packs:
        mark = "*" if i.active else " "
        print(f"{mark} {i.id} {i.version}  {i.issuer}  SHA-256 {i.sha256}{'  （启用中）' if i.active else ''}")
    for k in keys:
        print(f"可信签发密钥：{k.name}  指纹 {k.fingerprint}（第 {k.seq} 条，{k.by} 登记）")
    from app.packs.layers import active_packs, expired
    from app.packs.local import read_local

    local = read_local(data_dir)
    if local.entries:
        print(f"本单位词库：{len(local.entries)} 条（第 {local.revision} 版；mishen lexicon local list 查看）")
    for warning in expired(active_packs(data_dir)):
        print(f"提醒：{warning}")
    if events:
        print("最近记录：")
    for seq, kind, actor, payload in events[-10:]:
        what = _KIND_NAMES.get(kind, kind)
        label = f"{payload.get('pack_id', '')} {payload.get('version', '')}".strip() or payload.get("fingerprint", "")
        reason = f"：{str(payload.get('reason', '')).splitlines()[0]}" if kind == "lexicon_pack_refused" else ""
        print(printable(f"  第 {seq} 条 {what} {label}（{actor}）{reason}"))
    return 0


_KIND_NAMES = {"lexicon_key_trusted": "信任签发密钥", "lexicon_pack_installed": "安装", "lexicon_pack_activated": "启用",
               "lexicon_pack_refused": "拒绝", "lexicon_pack_rolled_back": "回退"}


def _rollback(args: argparse.Namespace) -> int:
    from app.ledger import Ledger
    from app.packs.service import rollback

    data_dir = _data_dir(args)
    with Ledger.open(data_dir) as ledger:
        pack_id, old, new = rollback(ledger, data_dir, args.to, args.id, _signer(args, ledger, "回退词库包"))
    print(f"已将词库包 {pack_id} 从 {old} 回退到 {new}（已记入台帐）。")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from app.packs.diff import diff_lines, diff_packs

    old, new = _read_unverified(args.old), _read_unverified(args.new)
    for line in diff_lines(old, new, diff_packs(old, new)):
        print(line)
    return 0


def _test(args: argparse.Namespace) -> int:
    from app.packs.whatif import run_test

    return run_test(_read_unverified(args.pack), args.docs, _data_dir(args), sys.stdout)


def _export(args: argparse.Namespace) -> int:
    from app.packs.export import export_sections, export_xlsx

    pack = _read_unverified(args.pack)
    path = export_xlsx(pack, args.output)
    print(f"已导出 {pack.label}（{len(pack.entries)} 条）：{path}")
    sections = export_sections(pack, args.output)
    if sections is not None:
        print(f"规则参数与工作日历：{sections}（再导入时与表格一同给出）")
    return 0


def _local_add(args: argparse.Namespace) -> int:
    from app.ledger import Ledger
    from app.model import Severity
    from app.packs.errors import PackInputError
    from app.packs.format import PackEntry
    from app.packs.importer import category_of
    from app.packs.local import add_local

    category = category_of(args.category)
    if category is None:
        raise PackInputError(f"未知类别“{args.category}”。", code="usage")
    try:
        severity = Severity.parse(args.severity) if args.severity else (Severity.LOW if args.allow else Severity.HIGH)
    except ValueError:
        raise PackInputError(f"未知级别“{args.severity}”。", code="usage") from None
    options = tuple(sorted({o.lower() for o in (args.option or [])}))
    entry = PackEntry("", args.term, category.value, severity.value, args.basis or "本单位词库", args.suggestion or "",
                      args.note or args.reason or "", args.allow, options, args.scope or "", args.reason or "")
    data_dir = _data_dir(args)
    with Ledger.open(data_dir) as ledger:
        added = add_local(ledger, data_dir, entry, _signer(args, ledger, "修改本单位词库"))
    kind = "白名单" if added.allow else "词条"
    print(f"已加入本单位词库：{kind}“{added.term}”（{added.id}，{added.category}/{added.severity}，已记入台帐）")
    return 0


def _local_remove(args: argparse.Namespace) -> int:
    from app.ledger import Ledger
    from app.packs.local import remove_local

    data_dir = _data_dir(args)
    with Ledger.open(data_dir) as ledger:
        gone = remove_local(ledger, data_dir, args.key, _signer(args, ledger, "修改本单位词库"))
    print(f"已从本单位词库删除“{gone.term}”（{gone.id}，已记入台帐）")
    return 0


def _local_list(args: argparse.Namespace) -> int:
    from app.packs.local import read_local

    layer = read_local(_data_dir(args))
    if not layer.entries:
        print("本单位词库为空。")
        return 0
    print(f"本单位词库（第 {layer.revision} 版，{len(layer.entries)} 条）：")
    for e in layer.entries:
        kind = "白名单" if e.allow else "词条"
        extra = f"  理由：{e.reason}" if e.reason else ""
        print(printable(f"  {e.id}  {kind}  “{e.term}”  {e.category}/{e.severity}{extra}"))
    return 0


def _proposals(args: argparse.Namespace) -> int:
    from app.ledger import Ledger
    from app.packs.proposals import export_proposals

    with Ledger.open(_data_dir(args)) as ledger:
        path, count = export_proposals(ledger, args.output)
    print(f"已导出误报建议 {count} 条：{path}（可用 mishen lexicon import 或词库管理窗口导入为候选白名单）")
    return 0


def register(sub: Any) -> None:
    lx = sub.add_parser("lexicon", help="词库包：保密局签发、本机信任、安装、回退、比较、测试")
    ls = lx.add_subparsers(dest="lexicon_command", metavar="ACTION", required=True)
    p = ls.add_parser("keygen", help="生成词库签发密钥（写出 KEYFILE 与 KEYFILE.pub）")
    p.add_argument("-o", "--output", required=True, metavar="KEYFILE")
    add_password_flag(p)
    p.set_defaults(func=_guard(_keygen))
    p = ls.add_parser("import", help="从 xlsx/csv/txt 词表生成（未签名的）词库包")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("-o", "--output", required=True, metavar="PACK")
    p.add_argument("--id", required=True)
    p.add_argument("--version", required=True, help="版本号，如 2026.1")
    p.add_argument("--issuer", required=True, help="发布单位")
    p.add_argument("--category", help="缺少“类别”列时的类别（默认 敏感事项）")
    p.add_argument("--severity", help="缺少“级别”列时的级别（默认 高）")
    p.add_argument("--basis", help="缺少“依据”列时的依据")
    p.add_argument("--effective", help="生效日期 YYYY-MM-DD")
    p.add_argument("--expires", help="失效日期 YYYY-MM-DD")
    p.add_argument("--min-mishen", default="0.1.0", help="要求的最低密审版本")
    p.add_argument("--changelog", help="本版本变更说明")
    p.set_defaults(func=_guard(_import))
    p = ls.add_parser("sign", help="用签发密钥签名词库包")
    p.add_argument("pack", metavar="PACK")
    p.add_argument("--key", required=True, metavar="KEYFILE")
    p.add_argument("-o", "--output", required=True, metavar="SIGNED")
    add_password_flag(p)
    p.set_defaults(func=_guard(_sign))
    p = ls.add_parser("trust", help="信任保密局的词库签发公钥（显示指纹，由保密管理员加签）")
    p.add_argument("pubfile", metavar="PUBFILE")
    p.add_argument("--by", metavar="ADMIN")
    p.add_argument("--name", help="签发单位名称（默认取文件名）")
    p.add_argument("--fingerprint", default=None, help="已与保密局核对的指纹；不一致则拒绝")
    add_password_flag(p)
    p.set_defaults(func=_guard(_trust))
    p = ls.add_parser("install", help="校验并安装、启用已签名的词库包")
    p.add_argument("signed", metavar="SIGNED")
    p.add_argument("--by", metavar="ADMIN")
    add_password_flag(p)
    p.set_defaults(func=_guard(_install))
    p = ls.add_parser("list", help="列出已安装的词库包（* 为启用中）和可信签发密钥")
    p.set_defaults(func=_guard(_list))
    p = ls.add_parser("rollback", help="明确回退到已安装的较早版本")
    p.add_argument("--to", metavar="VERSION")
    p.add_argument("--id", help="词库包编号（启用了多个词库包时必填）")
    p.add_argument("--by", metavar="ADMIN")
    add_password_flag(p)
    p.set_defaults(func=_guard(_rollback))
    p = ls.add_parser("diff", help="比较两个词库包：新增、删除、修改的词条")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.set_defaults(func=_guard(_diff))
    p = ls.add_parser("test", help="运行词库包的测试用例，并与已启用词库对照扫描文稿")
    p.add_argument("pack", metavar="PACK")
    p.add_argument("docs", nargs="*", metavar="DOC")
    p.set_defaults(func=_guard(_test))
    p = ls.add_parser("export", help="把词库包导出为 xlsx 供人审阅")
    p.add_argument("pack", metavar="PACK")
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=_guard(_export))
    # additions beyond the contract commands: the unit's own layer, false-alarm proposals
    p = ls.add_parser("local", help="本单位词库：在保密局词库之后、--lexicon 之前生效的本单位词条和白名单")
    loc = p.add_subparsers(dest="local_command", metavar="ACTION", required=True)
    q = loc.add_parser("add", help="加入一条本单位词条或白名单")
    q.add_argument("term", metavar="TERM")
    q.add_argument("--category", default="敏感事项", help="类别（默认 敏感事项）")
    q.add_argument("--severity", help="级别（默认 高；白名单 提示）")
    q.add_argument("--allow", action="store_true", help="白名单（例外）：放行同类别、被其覆盖的命中")
    q.add_argument("--basis", help="依据（默认 本单位词库）")
    q.add_argument("--suggestion", help="建议")
    q.add_argument("--note", help="说明")
    q.add_argument("--scope", help="白名单的适用范围")
    q.add_argument("--reason", help="白名单的理由（如已确认的误报）")
    q.add_argument("--option", action="append", choices=("word", "context_lower", "not_in_title"),
                   help="选项，可重复")
    q.add_argument("--by", metavar="ADMIN")
    add_password_flag(q)
    q.set_defaults(func=_guard(_local_add))
    q = loc.add_parser("remove", help="按编号或词条删除一条本单位词条")
    q.add_argument("key", metavar="ID_OR_TERM")
    q.add_argument("--by", metavar="ADMIN")
    add_password_flag(q)
    q.set_defaults(func=_guard(_local_remove))
    q = loc.add_parser("list", help="列出本单位词库")
    q.set_defaults(func=_guard(_local_list))
    p = ls.add_parser("proposals", help="把审核人员标记的误报导出为建议白名单（CSV，可再导入）")
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    p.set_defaults(func=_guard(_proposals))
