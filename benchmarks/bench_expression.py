"""Feature sets on the KEGG human graph (359 pathways + drug and cell-line super nodes):
wall time and peak memory per set; MTRS training time vs number of target genes; and the
full comparison (baseline, seven sets, stacking) on the real A375 L1000 plate.

Run: .venv/bin/python benchmarks/bench_expression.py [--genes 20] [--trees 100]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from common import require_shared, save, server_db, wipe

from genekg.expression.experiment import run_expression_experiment, standard_features
from genekg.expression.mtrs import MTRS
from genekg.features.kg import FEATURE_SETS, compute, pull_kg
from genekg.ingest.writer import ingest_bundle
from genekg.loaders import LoadOptions, get_loader
from genekg.loaders.lincs import read_signatures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--genes", type=int, default=20)
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--scaling", default="5,10,20,40")
    args = ap.parse_args()
    d = require_shared()
    db = server_db()
    wipe(db)
    gm = [d / "lincs/dhimmel_lincs/geneinfo.tsv.gz"]
    for src, path, opts in [
        ("kegg", d / "kegg/kgml_hsa_BioContrast", LoadOptions(id_maps=gm)),
        ("drugs", d / "drug_targets/repurposing_hub/Repurposing_Hub_export.txt", LoadOptions()),
        ("cell-lines", d / "cell_lines/gdsc/cancer_cell_lines.csv", LoadOptions()),
        ("cell-lines", d / "cell_lines/gdsc/test_omnibem_genomic_alterations.csv.gz",
         LoadOptions()),
    ]:
        ingest_bundle(db, get_loader(src).load(path, opts))
    kg = pull_kg(db)
    out: dict[str, object] = {"kg_nodes": len(kg.nodes), "kg_edges": int(kg.adj.nnz // 2)}
    sets = {}
    genes = np.array([i for i, lab in enumerate(kg.labels) if lab == "Gene"])
    supers = np.array([i for i, lab in enumerate(kg.labels) if lab in ("Drug", "CellLine")])
    pairs = np.array([[a, b] for a in supers[:200] for b in genes])
    for name in FEATURE_SETS:
        tracemalloc.start()
        t0 = time.perf_counter()
        fs = compute(kg, name, dim=32, seed=0, db=db)
        vals = fs.pair(pairs)
        sec = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        sets[name] = {"seconds": round(sec, 2), "python_peak_mib": round(peak / 2**20, 1),
                      "pairs_scored": len(pairs), "finite": int(np.isfinite(vals).sum())}
        print(name, sets[name], flush=True)
    out["feature_sets"] = sets
    gct = d / "lincs/cmapPy_tests/test_l1000.gct"
    _, meta, mat = read_signatures(gct, "A375")
    x, _ = standard_features(meta)
    scaling = {}
    for g in [int(v) for v in args.scaling.split(",")]:
        y = mat[:, :g].astype(float)
        tracemalloc.start()
        t0 = time.perf_counter()
        MTRS(n_trees=args.trees, seed=0).fit_predict(x[:280], y[:280], x[280:], y[280:])
        sec = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        scaling[g] = {"seconds": round(sec, 1), "python_peak_mib": round(peak / 2**20, 1),
                      "seconds_per_gene": round(sec / g, 2)}
        print("mtrs", g, scaling[g], flush=True)
    out["mtrs_baseline_scaling"] = scaling
    t0 = time.perf_counter()
    rep = run_expression_experiment(db, gct, cell="A375", n_genes=args.genes,
                                    n_trees=args.trees, seed=0, progress=None)
    out["comparison_A375"] = {"genes": rep.genes, "n_train": rep.n_train, "n_test": rep.n_test,
                              "drugs_in_graph": rep.drugs_in_graph,
                              "seconds": round(time.perf_counter() - t0),
                              "summary": rep.comparison,
                              "top_contributors": rep.top_contributors[:10]}
    save("expression", out)


if __name__ == "__main__":
    main()
