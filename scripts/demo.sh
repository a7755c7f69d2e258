#!/usr/bin/env bash
# The README's main command: on a fresh machine, set up genekg, install and start the local
# Neo4j + GDS, load the bundled real sample, evaluate the methods side by side on the
# E. coli BioGRID network, train the default method (`auto`: the best validation AUROC of
# spectral-reg and the stack), write calibrated predictions back, summarise.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
G=.venv/bin/genekg
SEED=${SEED:-42}
$G server install
$G server start
$G ingest sample
$G --seed "$SEED" evaluate --organism ecoli --source biogrid --methods auto,stack,l3,spectral-reg,gne,pa \
   --negatives uniform,degree --out "runs/demo-eval-$(date +%Y%m%d-%H%M%S)"
mkdir -p runs
$G --seed "$SEED" train --organism ecoli --source biogrid --all-edges | tee runs/demo-train.txt
RUN=$(ls -t runs | grep -E -- '-ecoli-s[0-9]+$' | head -1)
$G predict --run "$RUN" --per-gene 5 --top-k 2000 --min-score 0.5
$G query top_partners --param gene=dnaA --param run="$RUN" --param limit=10
$G predictions list
$G server status
echo
echo "Explore in the Neo4j Browser: http://127.0.0.1:7474/browser/ (user neo4j, password in"
echo "  \$(genekg server status) home → conf/genekg-password) with e.g."
echo "  MATCH (g:Gene {symbol:'dnaA'})-[p:PREDICTED_INTERACTION]-(x) RETURN g, p, x"
