#!/usr/bin/env bash
# Run every benchmark against a dedicated server (own home and ports, so a test session
# cannot wipe its data). Results land in benchmarks/results/. Takes ~2.5 h on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export GENEKG_HOME="$PWD/.genekg-bench/neo4j" GENEKG_BOLT_PORT=7688 GENEKG_HTTP_PORT=7475
export NEO4J_URI=bolt://127.0.0.1:7688 GENEKG_RUNS_DIR="$PWD/.genekg-bench/runs"
unset NEO4J_PASSWORD
PY=.venv/bin/python
$PY benchmarks/bench_ingest.py
$PY benchmarks/bench_gne.py
$PY benchmarks/eval_table.py ecoli --seeds "${SEEDS:-5}"
$PY benchmarks/eval_table.py yeast --seeds "${SEEDS:-5}"
$PY benchmarks/eval_table.py human --seeds "${SEEDS:-5}"
# +expression methods; GNE topology-only, spectral and node2vec rows for the same seeds
# (same seeds = same splits) come from the tables above.
XM=gne+expr,node2vec+expr,spectral+expr,expr-corr
$PY benchmarks/eval_table.py ecoli --seeds 3 --dataset precise278 --methods $XM
$PY benchmarks/eval_table.py yeast --seeds 2 --dataset gasch2000 --methods $XM
# Experiments through the CLI (the tables above loaded the data they need).
D=../shared/data/biogrid/GreenCUBIC_BioGRID-PPI
G=.venv/bin/genekg
R=benchmarks/results
for r in 4.2.191 4.3.195; do
  $G ingest biogrid "$D/Saccharomyces_cerevisiae_S288c-${r}_ID_559292_c2_positive_interactions.tsv" \
    -o yeast --id-map ../shared/data/id_mapping/yeast_uniprot_orf_gene_derived.tsv
done
$G evaluate -o yeast --source biogrid --experiment temporal --old-release 4.2.191 \
  --new-release 4.3.195 --methods auto,stack,l3,gne,spectral,spectral-reg,spectral-pos,fastrp,node2vec,pa,cn,aa,ra \
  --seed 1 --out $R/exp_temporal_yeast
$G evaluate -o yeast --source biogrid --release 3.5.187 --dataset gasch2000 \
  --experiment lambda --lambdas 0,0.5,1,10 --negatives uniform --seed 1 --out $R/exp_lambda_yeast_gasch
$G evaluate -o yeast --source biogrid --release 3.5.187 --experiment sparsity \
  --train-fracs 0.1,0.2,0.4,0.6,0.8 --methods gne,spectral,spectral-reg,pa,aa --negatives uniform \
  --seed 1 --out $R/exp_sparsity_yeast
# Issue 12's tables: genekg's methods beside the peers on the splits of docs/peers.md, and
# the PyTorch Geometric GAE peer (needs: .venv/bin/pip install -e '.[bench]').
for org in ecoli yeast human; do $PY benchmarks/linkpred_table.py $org --seeds "${SEEDS:-5}"; done
$PY benchmarks/bench_gae.py ecoli --seeds "${SEEDS:-5}"
$PY benchmarks/report.py
