#!/usr/bin/env bash
# The whole-human tour: "does genekg find what was found later?"
#
# Loads BioGRID 3.4.126 (about 2015, 144k human physical pairs) with the knowledge graph
# (KEGG pathways and relations, KEGG and DrugBank drug targets, COSMIC/GDSC cell lines),
# trains the default method on 3.4.126 alone, predicts (the global top 100,000 plus each
# gene's 10 best, with evidence, written back), then loads BioGRID 4.4.203 (about 2021)
# into the live graph as a second release, and prints how many of the predictions the
# later release confirmed, by rank, and TP53's top partners with their evidence.
#
# Usage: scripts/tour_human.sh            (make tour; needs ../shared/data and .venv)
# Home: .genekg-tour/ (git-ignored; its own Neo4j on the default port: stop any other
# genekg server first). Each step prints its wall time, genekg's peak RSS and the server's
# peak RSS so far; a re-run reuses the loaded graph (delete .genekg-tour/ to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
D=../shared/data
H=$D/biogrid/human_physical_releases
[ -d "$H" ] || { echo "$H not found: the tour needs ../shared/data beside the clone"; exit 1; }
[ -x .venv/bin/genekg ] || ./scripts/bootstrap.sh
export GENEKG_HOME=$PWD/.genekg-tour/neo4j GENEKG_RUNS_DIR=$PWD/.genekg-tour/runs
G=.venv/bin/genekg
GENES="--id-map $H/GENCODEv22_ensg_entrez_symbol.tsv.gz"
OLD=3.4.126 NEW=4.4.203
mkdir -p .genekg-tour
server_peak() {  # the server's peak resident memory so far (MiB)
  local pid; pid=$(cat "$GENEKG_HOME"/run/genekg-neo4j.pid 2>/dev/null || true)
  [ -n "$pid" ] && awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo "?"
}
step() {  # run one genekg command quietly; print its time and memory, or its last lines
  local name=$1; shift
  if ! /usr/bin/time -f "%e %M" -o .genekg-tour/time "$@" > .genekg-tour/last.log 2>&1; then
    tail -20 .genekg-tour/last.log; exit 1
  fi
  read -r secs kib < .genekg-tour/time
  printf "%-44s %8.1f s  genekg peak %5d MiB  server peak %s\n" "$name" "$secs" \
    $(( kib / 1024 )) "$(server_peak)"
}
step "server install" $G server install
step "server start" $G server start
trap '$G server stop > /dev/null 2>&1 || true' EXIT
if [ ! -f .genekg-tour/loaded ]; then
  step "ingest BioGRID $OLD (144,481 pairs)" $G ingest biogrid \
       "$H/BioGRID-${OLD}_human_physical_entrez_pairs.tsv.gz" -o human --release $OLD $GENES
  grep -E "pairs|unmapped" .genekg-tour/last.log | head -5 || true
  step "ingest KEGG pathways" $G ingest kegg "$D/kegg/kgml_hsa_BioContrast" $GENES
  step "ingest KEGG drug targets" $G ingest kegg-drugs "$D/kegg/drug_targets_PyDTI/kegg.txt" \
       $GENES --id-map "$D/kegg/drug_targets_PyDTI/kegg_drug_map.txt"
  step "ingest DrugBank targets" $G ingest drugs "$D/drug_targets/dhimmel_drugbank" $GENES \
       --id-map "$D/id_mapping/uniprot_human_reviewed_gene_names.tab.gz"
  step "ingest COSMIC cell lines" $G ingest cell-lines "$D/cosmic/subset_CosmicCLP_MutantExport.tsv.gz"
  step "ingest GDSC cell lines" $G ingest cell-lines \
       "$D/cell_lines/gdsc/test_omnibem_genomic_alterations.csv.gz"
  touch .genekg-tour/loaded
fi
if [ ! -f .genekg-tour/run ]; then
  step "train on $OLD only (default method)" $G --seed 1 train -o human --source biogrid \
       --release $OLD --all-edges
  ls -t "$GENEKG_RUNS_DIR" | grep -E -- '-human-s1$' | head -1 > .genekg-tour/run
  step "predict top 100,000 + 10 per gene" $G predict --run "$(cat .genekg-tour/run)" \
       --top-k 100000 --per-gene 10
  grep -E "scored|wrote|selected|genes in the most|switching" .genekg-tour/last.log || true
fi
RUN=$(cat .genekg-tour/run)
if [ ! -f .genekg-tour/loaded-new ]; then
  step "ingest BioGRID $NEW as a second release" $G ingest biogrid \
       "$H/BioGRID-${NEW}_human_physical_LCC_entrez_pairs.tsv.gz" -o human --release $NEW $GENES
  grep -E "INTERACTS_WITH|pairs new|absent from it|pairs in both|genes new" \
    .genekg-tour/last.log || true
  echo "  (absent pairs: mostly 4.4.203's largest-connected-component filter, not retractions)"
  touch .genekg-tour/loaded-new
fi
echo
echo "== Predictions of run $RUN (trained on $OLD) that $NEW confirmed =="
$G query confirmed_by_release -p run="$RUN" -p tag=biogrid@$NEW -p limit=1000000 --format tsv \
  > .genekg-tour/confirmed.tsv
awk -F'\t' 'NR > 1 { r = $4 + 0; for (k = 100; k <= 100000; k *= 10) if (r <= k) hit[k]++ }
  END { for (k = 100; k <= 100000; k *= 10)
          printf "  top %7d: %6d confirmed (%.1f%%)\n", k, hit[k], 100 * hit[k] / k }' \
  .genekg-tour/confirmed.tsv
echo
echo "== TP53's top predicted partners, with evidence =="
$G query top_partners -p gene=TP53 -p limit=10 -p run="$RUN"
