"""`python -m app` is the `mishen` command."""

import multiprocessing

from app.cli import main

multiprocessing.freeze_support()  # a frozen build: the patrol's worker processes start here
raise SystemExit(main())
