"""What the ledger-touching subcommands share: the error guard (expected failures printed in
Chinese, exit 1), opening the data directory's ledger, reading a password (a terminal prompt, or
one line of stdin with --password-stdin) and the `--password-stdin` flag."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.errors import MishenError
from app.paths import data_dir

if TYPE_CHECKING:  # imported when used: `mishen scan` must not pay for sqlite-utils
    from app.ledger import Ledger

Handler = Callable[[argparse.Namespace], int]


def err(message: str) -> None:
    print(f"错误：{message}", file=sys.stderr)


def guard(func: Handler) -> Handler:
    """Run a handler; a MishenError becomes its Chinese message on stderr and exit 1."""
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except MishenError as exc:
            if exc.code == "ledger_tampered":
                print("!!! 台帐已被篡改，操作被拒绝 !!!", file=sys.stderr)
            err(exc.message)
            return 1
    return run


def open_ledger(args: argparse.Namespace) -> Ledger:
    from app.ledger import Ledger

    return Ledger.open(data_dir(args.data_dir))


def read_password(args: argparse.Namespace, prompt: str = "密码：", confirm: bool = False) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("再次输入密码：") != first:
            raise MishenError("两次输入的密码不一致。", code="password_mismatch")
    except EOFError:
        raise MishenError("没有输入密码（无终端时请用 --password-stdin 从标准输入提供）。", code="no_password") from None
    return first


def add_password_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取一行作为密码")
