"""Entry script of the frozen `mishen-gui` executable (build.spec); not imported by anything. The
executable is windowed, so it has no console streams: app.windowed gives it a log file and shows a
failed start in a message box."""

import multiprocessing

from app.windowed import run_windowed
from ui.__main__ import main

multiprocessing.freeze_support()  # the batch window's worker processes start here in the frozen build
raise SystemExit(run_windowed(main))
