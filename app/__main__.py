"""`python -m app` is the `mishen` command. In the frozen Linux build `mishen-gui` is a link to the
`mishen` executable (scripts/build.sh; one executable, one module archive: on Linux a windowed and a
console program are the same file), so the name it was started under chooses the window."""

import multiprocessing
import sys
from pathlib import Path

multiprocessing.freeze_support()  # a frozen build: the patrol's worker processes start here
if getattr(sys, "frozen", False) and Path(sys.argv[0]).name == "mishen-gui":
    from app.cli import gui_main
    from app.windowed import run_windowed

    raise SystemExit(run_windowed(gui_main))

from app.cli import main  # noqa: E402 - after the dispatch above

raise SystemExit(main())
