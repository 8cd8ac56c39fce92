"""`python -m ui`: the window, as `mishen gui ARGS...` (the frozen `mishen-gui` runs the same
through ui/shell/gui_entry.py, or on Linux as a link to `mishen`, app/__main__.py). Options before
the paths (`--data-dir DIR`) go to `mishen`'s top level (app.cli.gui_argv)."""

from __future__ import annotations

from app.cli import gui_main as main

if __name__ == "__main__":
    raise SystemExit(main())
