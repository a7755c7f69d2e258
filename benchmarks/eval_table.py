"""The paper's Table 4 on this machine: every method, both negative modes, N seeds.

Usage: .venv/bin/python benchmarks/eval_table.py ecoli|yeast|human [--seeds 5]
       [--methods ...] [--dataset precise278]   (loads what it needs from ../shared/data)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd
from common import RESULTS, require_shared, save, server_db

from genekg.gne.model import GNEConfig
from genekg.ingest.writer import ingest_bundle
from genekg.linkpred.pipeline import Selection, evaluate_protocol
from genekg.loaders import LoadOptions, get_loader
from genekg.loaders.expression import ExpressionOptions
from genekg.organisms import resolve_organism

NETWORKS = {
    "ecoli": ("gne/ecoli/edgelist_biogrid_name.csv", [], "gne-2019"),
    "yeast": ("biogrid/GreenCUBIC_BioGRID-PPI/"
              "Saccharomyces_cerevisiae_S288c-3.5.187_ID_559292_positive_interactions.tsv",
              ["id_mapping/yeast_uniprot_orf_gene_derived.tsv"], None),
    "human": ("biogrid/GreenCUBIC_BioGRID-PPI/"
              "Homo_sapiens-4.2.192_ID_9606_c2_positive_interactions.tsv",
              ["id_mapping/uniprot_human_reviewed_gene_names.tab.gz"], None),
}
DATASETS = {
    "precise278": ("ecoli", "expression/ecoli_precise278/log_tpm.csv.gz",
                   ["expression/ecoli_precise278/gene_table.csv"]),
    "gasch2000": ("yeast", "expression/yeast_gasch2000/gasch2000_stress_expr.tsv.gz", []),
    "spellman1998": ("yeast", "expression/yeast_spellman1998/spellman1998_cellcycle_expr.tsv.gz",
                     []),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("organism", choices=sorted(NETWORKS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--methods",
                    default="gne,spectral,spectral-pos,spectral-reg,node2vec,deepwalk,fastrp,pa,"
                            "cn,aa,ra")
    ap.add_argument("--dataset", default=None)
    ap.add_argument("--negatives", default="uniform,degree")
    ap.add_argument("--lam", type=float, default=1.0)
    ap.add_argument("--tag", default="")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--append", action="store_true",
                    help="Add these methods' rows to the existing table (same seeds, same "
                    "splits), replacing earlier rows of the same methods.")
    args = ap.parse_args()
    data = require_shared()
    db = server_db()
    org = resolve_organism(args.organism)
    path, maps, release = NETWORKS[args.organism]
    b = get_loader("biogrid").load(data / path, LoadOptions(
        organism=org, release=release, id_maps=[data / m for m in maps]))
    ingest_bundle(db, b)
    if args.dataset:
        dorg, dpath, dmaps = DATASETS[args.dataset]
        assert dorg == args.organism
        ingest_bundle(db, get_loader("expression").load(data / dpath, LoadOptions(
            organism=org, id_maps=[data / m for m in dmaps],
            source=ExpressionOptions(dataset=args.dataset))))
    sel = Selection(org, source="biogrid", release=b.release, dataset=args.dataset)
    t0 = time.time()
    cfg = GNEConfig(lam=args.lam, epochs=args.epochs)
    rep = evaluate_protocol(db, sel, args.methods.split(","), seeds=list(range(1, args.seeds + 1)),
                            negatives=args.negatives.split(","), cfg=cfg,
                            on_step=lambda m: print(m, flush=True))
    name = f"table_{args.organism}{'_' + args.dataset if args.dataset else ''}{args.tag}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    seconds = round(time.time() - t0)
    rows_csv = RESULTS / f"{name}_rows.csv"
    if args.append and rows_csv.exists():
        old = pd.read_csv(rows_csv)
        old = old[~old["method"].isin(set(pd.DataFrame(rep.rows)["method"]))]
        rep.rows = old.to_dict("records") + rep.rows
        seconds += int(json.loads((RESULTS / f"{name}.json").read_text())["seconds"])
    pd.DataFrame(rep.rows).to_csv(rows_csv, index=False)
    save(name, {"network": rep.network, "seeds": args.seeds, "seconds": seconds,
                "summary": rep.summary()})


if __name__ == "__main__":
    main()
