"""Expression of compounds never profiled (issue 26): `genekg expression evaluate --split
compound` on the real consensus signatures (1,170 DrugBank compounds × 978 landmark genes)
and the real human graph (BioGRID c2 4.2.192, 359 KEGG pathways, DrugBank targets), run
through the CLI as a user runs it; wall time and peak memory (client and server).

Run: .venv/bin/python benchmarks/bench_expression_compound.py [--reuse-graph]
     [--variant default|mtrs|extra-mo] [--seed 1]
     .venv/bin/python benchmarks/bench_expression_compound.py --seeds 0,1,2
       (the verdict over seeds: each seed redraws the graph's embeddings, and the command
       redraws the folds with 3 fold seeds of its own; saved as expression_verdict_<variant>)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, require_shared, save, server_db, server_rss_mib, wipe

from genekg.ingest.writer import ingest_bundle
from genekg.loaders import LoadOptions, get_loader

VARIANTS = {
    "default": [],
    "mtrs": ["--mtrs"],
    # forests over 978 outputs: core + chemistry only (the similarity sets would add
    # 6,846 columns to every split search), 50 trees, a 3-seed control
    "extra-mo": ["--learner", "extra-mo", "--trees", "50", "--sets", "", "--ensemble", "3"],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=list(VARIANTS), default="default")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", default=None,
                    help="Comma-separated seeds: run once per seed, save the verdict table.")
    ap.add_argument("--reuse-graph", action="store_true",
                    help="The server already holds this benchmark's graph.")
    args = ap.parse_args()
    d = require_shared()
    db = server_db()
    gm = d / "lincs/dhimmel_lincs/geneinfo.tsv.gz"
    um = d / "id_mapping/uniprot_human_reviewed_gene_names.tab.gz"
    consensi = d / "lincs/dhimmel_lincs/consensi-drugbank.tsv.gz"
    if not args.reuse_graph:
        wipe(db)
        for src, path, maps in [
            ("biogrid", d / "biogrid/GreenCUBIC_BioGRID-PPI/"
             "Homo_sapiens-4.2.192_ID_9606_c2_positive_interactions.tsv", [um]),
            ("kegg", d / "kegg/kgml_hsa_BioContrast", [gm]),
            ("drugs", d / "drug_targets/dhimmel_drugbank", [gm, um]),
            ("lincs-consensus", consensi, [gm]),
        ]:
            ingest_bundle(db, get_loader(src).load(path, LoadOptions(id_maps=maps)))
    if args.seeds:
        runs = [_run(args.variant, int(x), consensi) for x in args.seeds.split(",")]
        save(f"expression_verdict_{args.variant}",
             {"command": runs[0]["command"].replace(f"--seed {runs[0]['seed']}", "--seed S"),
              "variant": args.variant, "seeds": [r["seed"] for r in runs],
              "runs": [{k: r[k] for k in ("seed", "seconds_total", "peak_rss_mib",
                                          "fold_seeds", "over_fold_seeds")}
                       | {"mean_r2": {row["model"]: row["mean_r2"] for row in r["summary"]}}
                       for r in runs]})
        return
    save(f"expression_compound_{args.variant}", _run(args.variant, args.seed, consensi))


def _run(variant: str, seed: int, consensi: Path) -> dict[str, object]:
    # the run's own folder (predictions.npz: ~100 MB) stays out of git
    out = REPO / ".genekg-test" / f"bench-expression-compound-{variant}-s{seed}"
    cmd = [str(REPO / ".venv/bin/genekg"), "--seed", str(seed), "expression",
           "evaluate", "--split", "compound", "--lincs", str(consensi), "--out", str(out),
           *VARIANTS[variant]]
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "250"})
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(proc.stdout + proc.stderr)
    print(proc.stdout, flush=True)
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    record = json.loads((out / "run.json").read_text())
    return {"command": " ".join(["genekg", *cmd[1:]]).replace(str(REPO) + "/", ""),
            "variant": variant, "seed": seed, "seconds_total": round(seconds),
            "feature_seconds": record["metrics"]["feature_seconds"],
            "fit_seconds": round(record["metrics"]["fit_seconds"]),
            "peak_rss_mib": round(peak_kib / 1024), "server_rss_mib": server_rss_mib(),
            "data": record["data"], "summary": record["metrics"]["summary"],
            "fold_seeds": record["config"]["fold_seeds"],
            "over_fold_seeds": record["metrics"]["over_fold_seeds"],
            "explanations": _explanations(out)}


def _explanations(out: Path) -> list[dict[str, str]]:
    import pandas as pd

    f = out / "explanations.csv"
    return pd.read_csv(f).head(10).to_dict("records") if f.stat().st_size > 2 else []


if __name__ == "__main__":
    main()
