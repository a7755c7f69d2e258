"""Interaction prediction: genekg's methods beside the peers, same splits, N seeds.

Usage: .venv/bin/python benchmarks/linkpred_table.py ecoli|yeast|human [--seeds 5]
       [--methods auto,stack,stack-nokegg,stack-cheap,l3,spectral-reg,...] [--no-kg]

Reads the real files in ../shared/data through genekg's own loaders (the same parsing as
`genekg ingest`) and evaluates in memory, with `genekg.linkpred.protocol.run_methods` —
the loop `genekg evaluate` runs — on `split_edges` splits of seeds 1..N (the splits of
docs/peers.md). For human, the knowledge-graph context (KEGG pathways and relations,
KEGG and DrugBank drug targets, COSMIC/GDSC cell-line mutations) is built from the same
bundles `genekg ingest` would write, so no server is needed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
from common import RESULTS, peak_rss_mib, require_shared
from eval_table import NETWORKS  # the same networks and files as the GNE tables

from genekg.graphdata import Network
from genekg.linkpred.kgcontext import GeneContext, build_context
from genekg.linkpred.protocol import run_methods
from genekg.linkpred.split import split_edges
from genekg.loaders import Bundle, LoadOptions, get_loader
from genekg.organisms import resolve_organism

GENE_MAPS = ["lincs/dhimmel_lincs/geneinfo.tsv.gz",
             "id_mapping/uniprot_human_reviewed_gene_names.tab.gz"]
KG_SOURCES = [  # (loader, path, id maps) — the human knowledge graph of the README
    ("kegg", "kegg/kgml_hsa_BioContrast", GENE_MAPS[:1]),
    ("kegg-drugs", "kegg/drug_targets_PyDTI/kegg.txt",
     [*GENE_MAPS[:1], "kegg/drug_targets_PyDTI/kegg_drug_map.txt"]),
    ("drugs", "drug_targets/dhimmel_drugbank", GENE_MAPS),
    ("cell-lines", "cosmic/subset_CosmicCLP_MutantExport.tsv.gz", []),
    ("cell-lines", "cell_lines/gdsc/test_omnibem_genomic_alterations.csv.gz", []),
]
DEFAULT = "auto,stack,stack-nokegg,stack-cheap,l3,a3,spectral-reg,pa,cn,aa,ra,jaccard"


def network_from_bundle(b: Bundle, taxon: int) -> Network:
    pairs = list(b.edges[("INTERACTS_WITH", "Gene", "Gene")])
    genes = sorted({g for p in pairs for g in p})
    idx = {g: i for i, g in enumerate(genes)}
    e = np.array([[idx[a], idx[c]] for a, c in pairs if a != c], dtype=np.int64)
    return Network(taxon, genes, np.unique(np.sort(e, axis=1), axis=0))


def load_network(organism: str, c2_release: str | None = None) -> Network:
    """The organism's benchmark network (eval_table.NETWORKS) through genekg's loader, or
    with `c2_release` its GreenCUBIC c2 file of that BioGRID release (yeast, human)."""
    data = require_shared()
    org = resolve_organism(organism)
    path, maps, release = NETWORKS[organism]
    if c2_release is not None:
        path, release = C2_FILES[organism].format(r=c2_release), c2_release
        if not (data / path).exists():
            raise SystemExit(f"{data / path} not found")
    b = get_loader("biogrid").load(data / path, LoadOptions(
        organism=org, release=release, id_maps=[data / m for m in maps]))
    return network_from_bundle(b, org.taxon)


C2_FILES = {
    "yeast": "biogrid/GreenCUBIC_BioGRID-PPI/"
             "Saccharomyces_cerevisiae_S288c-{r}_ID_559292_c2_positive_interactions.tsv",
    "human": "biogrid/GreenCUBIC_BioGRID-PPI/Homo_sapiens-{r}_ID_9606_c2_positive_interactions.tsv",
}


def context_from_bundles(genes: list[str], bundles: list[Bundle]) -> GeneContext:
    """The rows `pull_context` would read from a graph holding these bundles."""
    rows: dict[str, dict[str, list[str]]] = {
        g: {"gene": g, "pathway": [], "drug": [], "cell_line": [], "kegg": []}  # type: ignore[dict-item]
        for g in genes}
    for b in bundles:
        for (rel, _sl, _el), table in b.edges.items():
            for s, e in table:
                if rel == "IN_PATHWAY" and s in rows:
                    rows[s]["pathway"].append(e)
                elif rel == "TARGETS" and e in rows:
                    rows[e]["drug"].append(s)
                elif rel == "HAS_MUTATION" and e in rows:
                    rows[e]["cell_line"].append(s)
                elif rel == "KEGG_RELATION":
                    if s in rows:
                        rows[s]["kegg"].append(e)
                    if e in rows:
                        rows[e]["kegg"].append(s)
    for r in rows.values():
        for k in ("pathway", "drug", "cell_line", "kegg"):
            r[k] = sorted(set(r[k]))
    return build_context(genes, list(rows.values()))


LOG_LINE = re.compile(r"(uniform|degree) seed (\d+) (\S+)\s+AUROC ([\d.]+) AUPR ([\d.]+) "
                      r"Brier ([\d.na]+) (\d+) s")


def rows_from_log(log: Path) -> pd.DataFrame:
    """The rows of a run that was stopped before its end, from its printed lines."""
    rows = [{"negatives": m[1], "seed": int(m[2]), "method": m[3], "auroc": float(m[4]),
             "aupr": float(m[5]), "brier": float(m[6]), "seconds": float(m[7])}
            for m in map(LOG_LINE.match, log.read_text().splitlines()) if m]
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("organism", choices=sorted(NETWORKS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--methods", default=DEFAULT)
    ap.add_argument("--negatives", default="uniform,degree")
    ap.add_argument("--no-kg", action="store_true", help="No knowledge-graph context.")
    ap.add_argument("--tag", default="")
    ap.add_argument("--merge", action="store_true",
                    help="Replace only the methods run now in the existing rows file (same "
                         "seeds = same splits); keep the other methods' rows.")
    ap.add_argument("--from-log", type=Path, default=None,
                    help="Only write the rows CSV from the log of an interrupted run.")
    args = ap.parse_args()
    if args.from_log:
        df = rows_from_log(args.from_log)
        df.to_csv(RESULTS / f"linkpred_{args.organism}{args.tag}_rows.csv", index=False)
        print(f"{len(df)} rows from {args.from_log}")
        return
    data = require_shared()
    t0 = time.time()
    net = load_network(args.organism)
    ctx = None
    if args.organism == "human" and not args.no_kg:
        kg = [get_loader(name).load(data / p, LoadOptions(id_maps=[data / m for m in ms]))
              for name, p, ms in KG_SOURCES]
        ctx = context_from_bundles(net.genes, kg)
    print(f"{args.organism}: {len(net.genes):,} genes, {len(net.edges):,} pairs; "
          f"KG context {ctx.fingerprint() if ctx else None} ({time.time() - t0:.0f} s)",
          flush=True)
    rows = []
    methods = args.methods.split(",")
    for neg in args.negatives.split(","):
        for seed in range(1, args.seeds + 1):
            split = split_edges(net.edges, len(net.genes), seed=seed, negatives=neg)
            for r in run_methods(net, split, methods, seed=seed, gene_context=ctx):
                row = {"method": r.method, "negatives": neg, "seed": seed, "auroc": r.auroc,
                       "aupr": r.aupr, "seconds": r.seconds, **r.row()}
                rows.append(row)
                print(f"{neg} seed {seed} {r.method:14s} AUROC {r.auroc:.4f} "
                      f"AUPR {r.aupr:.4f} Brier {r.brier or float('nan'):.3f} "
                      f"{r.seconds:.0f} s {r.row().get('chosen', '')}", flush=True)
    df = pd.DataFrame(rows)
    name = f"linkpred_{args.organism}{args.tag}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    old = RESULTS / f"{name}_rows.csv"
    if args.merge and old.exists():
        prev = pd.read_csv(old)
        keep = prev[~prev["method"].isin(methods)]
        order = list(dict.fromkeys([*prev["method"], *methods]))  # the table's row order
        df = pd.concat([df, keep], ignore_index=True)
        df["_o"] = df["method"].map(order.index)
        df = df.sort_values(["_o", "negatives", "seed"], kind="stable").drop(columns="_o")
    df.to_csv(RESULTS / f"{name}_rows.csv", index=False)
    summary = (df.groupby(["method", "negatives"])
               .agg(auroc=("auroc", "mean"), auroc_sd=("auroc", "std"), aupr=("aupr", "mean"),
                    brier=("brier", "mean"), seconds=("seconds", "mean"),
                    seeds=("seed", "count")).reset_index())
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    imp = [c for c in df.columns if c.startswith("importance:")]
    (RESULTS / f"{name}.json").write_text(json.dumps({
        "network": {"genes": len(net.genes), "edges": len(net.edges)},
        "kg": ctx.fingerprint() if ctx else None, "seeds": args.seeds,
        "seconds": round(time.time() - t0), "peak_rss_mib": round(peak_rss_mib()),
        "summary": summary.to_dict("records"),
        "importance_top": df[df["method"] == "stack"][imp].mean().dropna()
        .sort_values(ascending=False).head(10).to_dict() if imp else {},
    }, indent=2, default=float))


if __name__ == "__main__":
    main()
