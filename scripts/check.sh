#!/usr/bin/env bash
# The test command: set up, then lint, type-check, check the core/UI import boundary, run the tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
V=.venv/bin
echo "== ruff"; $V/ruff check app ui tests benchmarks scripts
echo "== mypy (strict, app/)"; $V/mypy
echo "== import contract"; $V/lint-imports
echo "== pytest"
set +e
$V/python -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
