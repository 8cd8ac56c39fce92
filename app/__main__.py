"""`python -m app` is the `mishen` command."""

from app.cli import main

raise SystemExit(main())
