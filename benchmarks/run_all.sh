#!/usr/bin/env bash
# Run every benchmark against a dedicated server (own home and ports, so a test session
# cannot wipe its data). Results land in benchmarks/results/. Takes ~1 h on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export GENEKG_HOME="$PWD/.genekg-bench/neo4j" GENEKG_BOLT_PORT=7688 GENEKG_HTTP_PORT=7475
export NEO4J_URI=bolt://127.0.0.1:7688 GENEKG_RUNS_DIR="$PWD/.genekg-bench/runs"
unset NEO4J_PASSWORD
PY=.venv/bin/python
$PY benchmarks/bench_ingest.py
$PY benchmarks/bench_gne.py
$PY benchmarks/eval_table.py ecoli --seeds "${SEEDS:-5}"
$PY benchmarks/eval_table.py ecoli --seeds 3 --dataset precise278 \
    --methods gne,gne+expr,node2vec,node2vec+expr,spectral+expr,expr-corr
$PY benchmarks/eval_table.py yeast --seeds "${SEEDS:-5}"
$PY benchmarks/eval_table.py human --seeds "${SEEDS:-5}"
