#!/usr/bin/env bash
# `genekg train` + `genekg predict` on human BioGRID c2 4.2.192 + the knowledge graph
# (KEGG pathways and relations, KEGG and DrugBank drug targets, COSMIC/GDSC cell lines),
# end to end against a local server of its own: the wall time of each step.
# Usage: benchmarks/bench_human_run.sh [--kg-genes]   (needs ../shared/data and .venv)
# Home: .genekg-bench/ (git-ignored; its own Neo4j on the default port — stop any other
# genekg server first). Prints one line per step; the last lines are the run's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
D=../shared/data
[ -d "$D" ] || { echo "../shared/data not found"; exit 1; }
export GENEKG_HOME=$PWD/.genekg-bench/neo4j GENEKG_RUNS_DIR=$PWD/.genekg-bench/runs
G=.venv/bin/genekg
GENES="--id-map $D/lincs/dhimmel_lincs/geneinfo.tsv.gz"
step() { local t0=$SECONDS; "$@" > .genekg-bench/last.log 2>&1 || { tail -20 .genekg-bench/last.log; exit 1; }
         echo "$(( SECONDS - t0 )) s  ${*:2:3}"; }
mkdir -p .genekg-bench
step $G server install
step $G server start
trap '$G server stop > /dev/null 2>&1 || true' EXIT
if [ ! -f .genekg-bench/loaded ]; then
  step $G ingest biogrid "$D/biogrid/GreenCUBIC_BioGRID-PPI/Homo_sapiens-4.2.192_ID_9606_c2_positive_interactions.tsv" \
       --id-map "$D/id_mapping/uniprot_human_reviewed_gene_names.tab.gz"
  step $G ingest kegg "$D/kegg/kgml_hsa_BioContrast" $GENES
  step $G ingest kegg-drugs "$D/kegg/drug_targets_PyDTI/kegg.txt" $GENES \
       --id-map "$D/kegg/drug_targets_PyDTI/kegg_drug_map.txt"
  step $G ingest drugs "$D/drug_targets/dhimmel_drugbank" $GENES \
       --id-map "$D/id_mapping/uniprot_human_reviewed_gene_names.tab.gz"
  step $G ingest cell-lines "$D/cosmic/subset_CosmicCLP_MutantExport.tsv.gz"
  step $G ingest cell-lines "$D/cell_lines/gdsc/test_omnibem_genomic_alterations.csv.gz"
  touch .genekg-bench/loaded
fi
t0=$SECONDS
$G --seed 1 train -o human --source biogrid --all-edges "$@" | tee .genekg-bench/train.txt
t1=$SECONDS
RUN=$(ls -t "$GENEKG_RUNS_DIR" | grep -E -- '-human-s1$' | head -1)
$G predict --run "$RUN" | tail -25
t2=$SECONDS
echo "train $(( t1 - t0 )) s, predict $(( t2 - t1 )) s, train + predict $(( t2 - t0 )) s (run $RUN)"
