"""Retrieval: held-out pairs ranked among ALL candidate pairs, genekg beside the peers.

Usage: .venv/bin/python benchmarks/retrieval_table.py ecoli|yeast|human [--seeds 2]
       [--methods auto,stack,stack-cheap,spectral-reg,spectral+kg,l3,a3,aa,ra,cn,pa]
       [--temporal OLD NEW]   (yeast 4.2.191 4.3.195, human 4.2.191 4.2.192)
       [--kg-genes]           (human: also the genes the KG places without an interaction,
                               what `genekg train/evaluate --kg-genes` pulls)
       [--whole]              (human: the whole physical BioGRID releases of
                               biogrid/human_physical_releases with GENCODE v22 as the gene
                               map, KG included: --temporal 3.4.126 4.4.203, or a random
                               split of 3.4.126 without --temporal)

The same code as `genekg evaluate --experiment retrieval` (`protocol.run_retrieval`: every
method through `stage_scores`, the path `genekg predict` takes), in memory on the real
files of ../shared/data read through genekg's loaders (human: with the knowledge-graph
context of linkpred_table.py). Split per seed: 80% training, 10% validation, 10% held out;
with --temporal, the older release's edges (90% training, 10% validation) and, held out,
every pair the newer release adds between the older release's genes
(`pipeline.temporal_split_of`, what `evaluate --old-release/--new-release` uses); the seed
then changes only the validation draw.
Writes benchmarks/results/retrieval_<organism>_rows.csv and prints the mean table with
the wall time of each method (fit + ranking of every pair).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
from common import RESULTS, peak_rss_mib, require_shared
from linkpred_table import (
    GENE_MAPS,
    KG_SOURCES,
    context_from_bundles,
    load_network,
    network_from_bundle,
)

from genekg.gne.config import GNEConfig
from genekg.graphdata import Network
from genekg.linkpred import scores as S
from genekg.linkpred.base import SplitCache, SplitInputs
from genekg.linkpred.kgcontext import GeneContext
from genekg.linkpred.methods import METHODS
from genekg.linkpred.pipeline import temporal_split_of
from genekg.linkpred.protocol import run_retrieval
from genekg.linkpred.retrieval import (
    expected_precision_curve,
    read_expected_precision,
    stage_scores,
)
from genekg.linkpred.split import EdgeSplit, split_edges
from genekg.loaders import Bundle, LoadOptions, get_loader
from genekg.organisms import resolve_organism

DEFAULT = "auto,stack,stack-cheap,spectral-reg,spectral+kg,l3,a3,aa,ra,cn,pa"
SHOW = ["method", "ceiling", "recall@100", "recall@1000", "recall@10000", "recall@20000",
        "recall@100000", "precision@100", "mrr", "hits@10", "mrr[0]", "hits@10[0]",
        "orphan_positives", "orphan_recall@10000", "orphan_recall@20000", "seconds"]


WHOLE_DIR = "biogrid/human_physical_releases"
WHOLE_MAP = f"{WHOLE_DIR}/GENCODEv22_ensg_entrez_symbol.tsv.gz"
WHOLE_OLD = "3.4.126"
WHOLE_FILES = {"3.4.126": "BioGRID-3.4.126_human_physical_entrez_pairs.tsv.gz",
               "4.4.203": "BioGRID-4.4.203_human_physical_LCC_entrez_pairs.tsv.gz"}


def load_whole(release: str) -> Network:
    """A whole human physical BioGRID release, mapped with GENCODE v22 (what `make tour`
    loads)."""
    data = require_shared()
    if release not in WHOLE_FILES:
        raise SystemExit(f"--whole releases: {', '.join(WHOLE_FILES)}")
    org = resolve_organism("human")
    b = get_loader("biogrid").load(data / WHOLE_DIR / WHOLE_FILES[release], LoadOptions(
        organism=org, release=release, id_maps=[data / WHOLE_MAP]))
    return network_from_bundle(b, org.taxon)


def with_kg_genes(net: Network, bundles: list[Bundle]) -> Network:
    """`net` plus every gene the KG bundles place (pathway, KEGG relation, drug target,
    cell-line mutation) without an interaction in it, as genes without edges — the genes
    `pull_network(kg_genes=True)` adds from a graph holding these bundles."""
    placed = {x for b in bundles for (_r, sl, el), table in b.edges.items()
              for s, e in table for x, lab in ((s, sl), (e, el)) if lab == "Gene"}
    genes = sorted(set(net.genes) | placed)
    idx = {g: i for i, g in enumerate(genes)}
    remap = np.array([idx[g] for g in net.genes], dtype=np.int64)
    return Network(net.organism, genes, np.sort(remap[net.edges], axis=1),
                   {**net.selection, "kg_genes": len(genes) - len(net.genes)})


def ep_check(net: Network, split: EdgeSplit, method: str, seed: int,
             ctx: GeneContext | None) -> list[dict[str, float]]:
    """Expected precision as a run states it (validation edges, honest scores, test edges
    excluded from the candidates) against the precision the test edges show at the same
    scores (validation edges excluded): one row per threshold, with the global rank."""
    n = len(net.genes)
    p = METHODS[method].make().fit(SplitInputs(net, split, seed, GNEConfig(), None, None,
                                               "cpu", ctx), SplitCache())
    val_s, val_y = p.validation(split)

    def curve(held: np.ndarray, other: np.ndarray, honest: np.ndarray | None
              ) -> dict[str, list[float]]:
        ex = S.adjacency(np.vstack([split.train, other]), n)
        return expected_precision_curve(stage_scores(p, ex, None,
                                                     honest=True), n, ex, held,
                                        lambda s: s, honest)

    est = curve(split.val_pos, split.test_pos, val_s[val_y == 1])
    seen = curve(split.test_pos, split.val_pos, None)
    thr = np.asarray(est["threshold"])
    e, o = read_expected_precision(est, thr), read_expected_precision(seen, thr)
    return [{"method": method, "rank": c, "positives": q, "expected": a, "observed": b}
            for c, q, a, b in zip(est["candidates"], est["positives"], e, o, strict=True)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("organism", choices=["ecoli", "yeast", "human"])
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--methods", default=DEFAULT)
    ap.add_argument("--tag", default="")
    ap.add_argument("--temporal", nargs=2, metavar=("OLD", "NEW"), default=None,
                    help="Releases of the organism's c2 file in ../shared: hold out the pairs "
                    "NEW adds.")
    ap.add_argument("--ep", default="", help="Methods whose expected precision is checked "
                    "against the test edges (seed 1), e.g. spectral-reg,stack-rank,l3.")
    ap.add_argument("--whole", action="store_true",
                    help="human: the whole releases (3.4.126, 4.4.203) with GENCODE v22.")
    ap.add_argument("--kg-genes", action="store_true",
                    help="human: the run's genes include those the KG places without an "
                    "interaction (their held-out pairs: orphan_* columns).")
    args = ap.parse_args()
    data = require_shared()
    t0 = time.time()
    if args.whole:
        if args.organism != "human":
            raise SystemExit("--whole: human only")
        net = load_whole(args.temporal[0] if args.temporal else WHOLE_OLD)
        new_net = load_whole(args.temporal[1]) if args.temporal else None
        sources = [(name, p, [WHOLE_MAP if m == GENE_MAPS[0] else m for m in ms])
                   for name, p, ms in KG_SOURCES]
    else:
        net = load_network(args.organism, args.temporal[0] if args.temporal else None)
        new_net = load_network(args.organism, args.temporal[1]) if args.temporal else None
        sources = KG_SOURCES
    ctx = None
    if args.organism == "human":
        kg = [get_loader(name).load(data / p, LoadOptions(id_maps=[data / m for m in ms]))
              for name, p, ms in sources]
        if args.kg_genes:
            net = with_kg_genes(net, kg)
            print(f"--kg-genes: {net.selection['kg_genes']:,} genes without an interaction "
                  "join the run", flush=True)
        ctx = context_from_bundles(net.genes, kg)
    print(f"{args.organism}: {len(net.genes):,} genes, {len(net.edges):,} pairs "
          f"({time.time() - t0:.0f} s to load)", flush=True)
    if args.ep:
        split = split_edges(net.edges, len(net.genes), seed=1, val_frac=0.1, test_frac=0.1,
                            train_frac=0.8)
        ep = pd.DataFrame([r for m in args.ep.split(",") for r in ep_check(net, split, m, 1,
                                                                           ctx)])
        ep["ratio"] = ep["expected"] / ep["observed"].where(ep["observed"] > 0)
        ep.to_csv(RESULTS / f"retrieval_ep_{args.organism}{args.tag}.csv", index=False)
        for m, part in ep.groupby("method", sort=False):
            sel = part[(part["rank"] >= 100) & (part["rank"] <= 100_000)
                       & (part["positives"] >= 20)]
            print(f"{m}: expected/observed at ranks 100-100,000 (20+ positives): "
                  f"min {sel['ratio'].min():.2f} median {sel['ratio'].median():.2f} "
                  f"max {sel['ratio'].max():.2f} over {len(sel)} thresholds", flush=True)
        return
    rows = []
    for seed in range(1, args.seeds + 1):
        if new_net is not None:
            split = temporal_split_of(net, new_net, seed=seed)
            print(f"seed {seed}: {len(split.test_pos)} pairs new in {args.temporal[1]} "
                  f"between genes of {args.temporal[0]}", flush=True)
        else:
            split = split_edges(net.edges, len(net.genes), seed=seed, val_frac=0.1,
                                test_frac=0.1, train_frac=0.8)
        n = len(net.genes)  # pairs a blind ranking draws its top from
        every = n * (n - 1) // 2 - len(split.train) - len(split.val_pos)
        for r in run_retrieval(net, split, args.methods.split(","), seed=seed,
                               cfg=GNEConfig(), gene_context=ctx, device="cpu"):
            row = {**r.row(), "seed": seed}
            rows.append(row)
            print(f"seed {seed} {r.method:14s} ceiling {r.ceiling:.3f} "
                  f"R@1000 {r.recall[1000]:.4f} R@10000 {r.recall[10000]:.4f} "
                  f"MRR {r.mrr:.4f} Hits@10 {r.hits10:.4f} orphan pairs {r.orphan_positives} "
                  f"R@20000 {r.orphan_recall[20000]:.4f} (random "
                  f"{20000 / every:.5f}) {r.seconds:.0f} s", flush=True)
    df = pd.DataFrame(rows)
    RESULTS.mkdir(exist_ok=True)
    df.to_csv(RESULTS / f"retrieval_{args.organism}{args.tag}_rows.csv", index=False)
    cols = [c for c in SHOW if c in df]
    mean = df.groupby("method", sort=False)[cols[1:]].mean()
    print(mean.to_string(float_format=lambda v: f"{v:.4f}"))
    print(f"peak RSS {peak_rss_mib():.0f} MiB, {time.time() - t0:.0f} s in all")


if __name__ == "__main__":
    main()
