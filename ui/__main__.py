"""`python -m ui`: the window, as `mishen gui ARGS...` (the frozen `mishen-gui` runs the same
through ui/shell/gui_entry.py). Options before the paths (`--data-dir DIR`) go to `mishen`'s top level."""

from __future__ import annotations

import sys

from app.cli import main as cli_main


def gui_argv(args: list[str]) -> list[str]:
    top: list[str] = []
    while args and args[0].startswith("--data-dir"):
        if "=" in args[0]:
            top.append(args.pop(0))
        elif len(args) > 1:
            top += [args.pop(0), args.pop(0)]
        else:
            break
    return [*top, "gui", *args]


def main() -> int:
    return cli_main(gui_argv(list(sys.argv[1:])))


if __name__ == "__main__":
    raise SystemExit(main())
