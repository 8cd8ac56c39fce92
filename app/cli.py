"""The `mishen` command. Subcommands live in their own modules and register themselves here:
`app.cli_scan` (scan), `app.cli_review` (users, review, ledger), and `gui` (the window, imported
only when asked for, so the CLI runs on machines without a display)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__


def _gui(args: argparse.Namespace) -> int:
    try:
        from ui.shell.main import run  # loads Qt: libGL/libEGL/libxkbcommon/libfontconfig
    except (ImportError, OSError) as exc:  # PySide6 missing or a Qt system library missing
        from app.gui_requirements import qt_failure_message

        print(qt_failure_message(str(exc)), file=sys.stderr)
        return 2
    status: int = run(list(args.paths), data_dir=args.data_dir)
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mishen", description="密审 MiShen — 信息发布保密审查工作站")
    parser.add_argument("--version", action="version", version=f"mishen {__version__}")
    parser.add_argument("--data-dir", default=None, help="数据目录（台帐、文档副本、密钥）；默认见 MISHEN_HOME 或系统用户数据目录")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    from app import cli_lexicon, cli_patrol, cli_peers, cli_review, cli_scan

    cli_scan.register(sub)
    cli_review.register(sub)
    cli_peers.register(sub)
    cli_lexicon.register(sub)
    from app import cli_stats

    cli_stats.register(sub)
    cli_patrol.register(sub)
    from app import cli_redact  # redact, sanitize (issue 12)

    cli_redact.register(sub)

    gui = sub.add_parser("gui", help="打开审查工作站窗口")
    gui.add_argument("paths", nargs="*", help="要打开的文稿")
    gui.set_defaults(func=_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    # `--password-stdin`: UTF-8 whatever the console code page (GBK on Chinese Windows), BOM dropped
    stdin_reconfigure = getattr(sys.stdin, "reconfigure", None)
    if stdin_reconfigure is not None:
        stdin_reconfigure(encoding="utf-8-sig", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        result: int = func(args)
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _closed_pipe()
    try:
        sys.stdout.flush()  # a reader that stopped early (`| head -1`) is noticed here, not at exit
    except BrokenPipeError:
        return _closed_pipe()
    return result


def _closed_pipe() -> int:
    """The reader of stdout went away (`mishen scan … | head -1`): point stdout at devnull so the
    interpreter's final flush stays quiet, and exit with the status a closed pipe gets (141)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13  # SIGPIPE, as a shell reports it


def gui_argv(args: Sequence[str]) -> list[str]:
    """`mishen-gui ARGS` as `mishen … gui ARGS`: options before the paths (`--data-dir DIR`) go to
    the top level."""
    rest = list(args)
    top: list[str] = []
    while rest and rest[0].startswith("--data-dir"):
        if "=" in rest[0]:
            top.append(rest.pop(0))
        elif len(rest) > 1:
            top += [rest.pop(0), rest.pop(0)]
        else:
            break
    return [*top, "gui", *rest]


def gui_main() -> int:
    """The `mishen-gui` executable and `python -m ui`: the window."""
    return main(gui_argv(sys.argv[1:]))
