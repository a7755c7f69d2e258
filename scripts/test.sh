#!/usr/bin/env bash
# The README's test command: installs everything (Python packages incl. PyTorch, the
# Neo4j 5.26.24 + GDS 2.13.9 server from Maven Central), then lint, types, and the suite.
# The integration suite uses its own server home (.genekg-test/) so it never touches a
# user's own database, and stops that server when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
./scripts/bootstrap.sh
export GENEKG_HOME="${GENEKG_TEST_HOME:-$PWD/.genekg-test/neo4j}"
export GENEKG_RUNS_DIR="$PWD/.genekg-test/runs"
unset NEO4J_URI NEO4J_USER NEO4J_PASSWORD
# torch and scikit-learn each bring an OpenMP runtime; spinning idle threads of one starve
# the other on 2 cores (the unit tests after the integration tests ran several times slower),
# and with PASSIVE waits every one of a booster's thousands of small parallel regions wakes
# sleeping threads: the stack's tests ran 6x slower (147 s vs 23 s for one). One OpenMP
# thread per runtime avoids both (22 s); the tests check results, not parallel speed.
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1
.venv/bin/genekg server install
# A real Chromium for the Browser's network check (tests/integration/test_browser.py).
# Best effort: where apt-get cannot install it, that one test says so and skips.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    timeout 600 apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
      || echo "chromium could not be installed; the Browser check will be skipped"
  fi
fi
.venv/bin/ruff check genekg loaders cypher tests benchmarks scripts examples
.venv/bin/mypy genekg loaders
MYPYPATH=tests/unit .venv/bin/mypy --explicit-package-bases tests  # the tests, like the package
.venv/bin/python -m pytest "$@"
echo "test command finished in $(( $(date +%s) - t0 )) s"
