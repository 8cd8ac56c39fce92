#!/usr/bin/env bash
# Set up, then open the workstation window on the bundled sample draft (or on the files given).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/bootstrap.sh
if [ "$#" -eq 0 ]; then set -- resources/samples/sample-draft.docx; fi
exec .venv/bin/mishen gui "$@"
