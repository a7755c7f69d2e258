"""The paper's expression experiment with its control, on the real A375 L1000 plate and
the real human knowledge graph (359 KEGG pathways, Repurposing Hub drugs, GDSC cell lines):
baseline MTRS, the seven graph feature sets, stacking, and the seven-seed baseline
ensemble; wall time and peak memory of the whole run.

Run: .venv/bin/python benchmarks/bench_mtrs.py --genes 300 --trees 300 --learner rf
     [--split-seeds 3] [--sets cn,lpi,ent,le,lle,dw,n2v] [--reuse-graph]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import require_shared, save, server_db, server_rss_mib, wipe

from genekg.expression.experiment import _prepare, peak_rss_mib, run_expression_experiment
from genekg.ingest.writer import ingest_bundle
from genekg.loaders import LoadOptions, get_loader


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--genes", type=int, default=300)
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--learner", default="rf")
    ap.add_argument("--ensemble", type=int, default=7)
    ap.add_argument("--split-seeds", type=int, default=1)
    ap.add_argument("--sets", default="cn,lpi,ent,le,lle,dw,n2v")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reuse-graph", action="store_true",
                    help="The server already holds this benchmark's graph.")
    args = ap.parse_args()
    d = require_shared()
    db = server_db()
    if not args.reuse_graph:
        wipe(db)
        gm = [d / "lincs/dhimmel_lincs/geneinfo.tsv.gz"]
        for src, path, opts in [
            ("kegg", d / "kegg/kgml_hsa_BioContrast", LoadOptions(id_maps=gm)),
            ("drugs", d / "drug_targets/repurposing_hub/Repurposing_Hub_export.txt",
             LoadOptions()),
            ("cell-lines", d / "cell_lines/gdsc/cancer_cell_lines.csv", LoadOptions()),
            ("cell-lines", d / "cell_lines/gdsc/test_omnibem_genomic_alterations.csv.gz",
             LoadOptions()),
        ]:
            ingest_bundle(db, get_loader(src).load(path, opts))
    gct = d / "lincs/cmapPy_tests/test_l1000.gct"
    sets = tuple(s for s in args.sets.split(",") if s)
    t0 = time.perf_counter()
    prep = _prepare(db, gct, "A375", None, args.genes, args.seed)
    runs = []
    for k in range(args.split_seeds):
        ts = time.perf_counter()
        rep = run_expression_experiment(
            db, gct, cell="A375", n_genes=args.genes, sets=sets, n_trees=args.trees,
            seed=args.seed, learner=args.learner, ensemble=args.ensemble,
            split_seed=args.seed + k, prepared=prep,
            progress=lambda m: print(f"[{time.perf_counter() - t0:7.0f} s] {m}", flush=True)
            if m.endswith(("gene 16/" + str(len(prep["targets"])), "MTRS")) or "set" in m
            or "member" in m else None)
        runs.append({"split_seed": args.seed + k, "seconds": round(time.perf_counter() - ts),
                     "n_train": rep.n_train, "n_test": rep.n_test,
                     "comparison": rep.comparison, "timings_s": rep.timings,
                     "top_contributors": rep.top_contributors[:10]})
        st = rep.comparison.get("stacking", {})
        print(f"split {args.seed + k}: stacking {st.get('mean_r2', 0):.4f}, ensemble "
              f"{rep.comparison.get('baseline_ensemble', {}).get('mean_r2', 0):.4f}, "
              f"baseline {rep.comparison['baseline']['mean_r2']:.4f}; stacking wins vs "
              f"ensemble {st.get('wins_vs_ensemble')}/{len(rep.genes)} (sign p "
              f"{st.get('sign_p_vs_ensemble', 1):.2g}, Wilcoxon p "
              f"{st.get('wilcoxon_p_vs_ensemble', 1):.2g})", flush=True)
    total = time.perf_counter() - t0
    name = f"expression_paper_{args.learner}_{args.genes}g_{args.trees}t_{args.split_seeds}s"
    save(name, {"config": vars(args), "genes": prep["targets"], "seconds_total": round(total),
                "peak_rss_mib": peak_rss_mib(), "server_rss_mib": server_rss_mib(),
                "runs": runs})
    print(f"total {total:.0f} s; peak memory {peak_rss_mib()}")


if __name__ == "__main__":
    main()
