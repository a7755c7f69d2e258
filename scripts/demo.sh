#!/usr/bin/env bash
# The README's main command: from a fresh machine, set up genekg, install and start the
# local Neo4j + GDS, load the bundled real sample, and print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
G=.venv/bin/genekg
$G server install
$G server start
$G server status
