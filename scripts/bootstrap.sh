#!/usr/bin/env bash
# Create/refresh the project virtualenv and install genekg with its dev tools.
# Re-running is cheap: pip's cache and an existing .venv are reused, never required.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
