"""Entry script of the frozen `mishen-gui` executable (build.spec); not imported by anything."""

from ui.__main__ import main

raise SystemExit(main())
