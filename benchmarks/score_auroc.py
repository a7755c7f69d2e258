"""`genekg score` on pairs a user brings: held-out pairs against random and hard non-pairs.

Usage: .venv/bin/python benchmarks/score_auroc.py [--seed 1] [--sample 20000]
       [--methods auto,gcn-rank,l3,cn,aa]

Whole human physical BioGRID (retrieval_table.py --whole's data: 3.4.126 + the knowledge
graph, GENCODE v22 as the gene map), the release-to-release split of
`pipeline.temporal_split_of` (3.4.126: 90% training, 10% validation; held out: every pair
4.4.203 adds between genes of 3.4.126). Three samples of `--sample` pairs each:

- positives: held-out pairs (4.4.203's additions);
- random: uniform pairs of 3.4.126's genes that neither release holds;
- hard: pairs two steps apart in the training graph (one shared partner, drawn along
  random 2-paths) that neither release holds — plausible by topology, yet not defined by
  any one method's ranking (a pool of L3's or AA's top would be hard for those alone).

Each method is fitted once on the split (one cache: `auto` shares its candidates' fits)
and scores the pairs as `genekg score` does: the run's probability is monotone in
`predictor.score`, so AUROC is read from it. Writes benchmarks/results/score_auroc.csv.
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
from linkpred_table import GENE_MAPS, KG_SOURCES, context_from_bundles
from retrieval_table import WHOLE_MAP, load_whole
from sklearn.metrics import roc_auc_score

from genekg.gne.config import GNEConfig
from genekg.linkpred import scores as S
from genekg.linkpred.base import SplitCache, SplitInputs
from genekg.linkpred.methods import METHODS
from genekg.linkpred.pipeline import temporal_split_of
from genekg.linkpred.split import PairSet, canonical_pairs
from genekg.loaders import LoadOptions, get_loader


def _absent(pairs: np.ndarray, n: int, *known: np.ndarray) -> np.ndarray:
    """`pairs` (sorted, unique, no self-pairs) that no array of `known` holds."""
    p = canonical_pairs(pairs)
    return p[~PairSet.of(np.vstack(known), n).holds(p[:, 0], p[:, 1])]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--methods", default="auto,gcn-rank,l3,cn,aa")
    args = ap.parse_args()
    data = require_shared()
    t0 = time.time()
    old, new = load_whole("3.4.126"), load_whole("4.4.203")
    sources = [(name, p, [WHOLE_MAP if m == GENE_MAPS[0] else m for m in ms])
               for name, p, ms in KG_SOURCES]
    kg = [get_loader(name).load(data / p, LoadOptions(id_maps=[data / m for m in ms]))
          for name, p, ms in sources]
    ctx = context_from_bundles(old.genes, kg)
    split = temporal_split_of(old, new, seed=args.seed)
    n = len(old.genes)
    rng = np.random.default_rng(args.seed)
    every = [split.train, split.val_pos, split.test_pos]
    pos = split.test_pos[rng.choice(len(split.test_pos), min(args.sample, len(split.test_pos)),
                                    replace=False)]
    rand = _absent(rng.integers(0, n, (2 * args.sample, 2)), n, *every)[: args.sample]
    a = S.adjacency(split.train, n)
    e = split.train[rng.integers(0, len(split.train), 4 * args.sample)]
    e = np.where((rng.random(len(e)) < 0.5)[:, None], e, e[:, ::-1])
    deg = np.diff(a.indptr)[e[:, 1]]
    third = a.indices[a.indptr[e[:, 1]] + (rng.random(len(e)) * deg).astype(np.int64)]
    hard = _absent(np.column_stack([e[:, 0], third]), n, *every)
    hard = hard[rng.permutation(len(hard))[: args.sample]]
    print(f"whole human: {n:,} genes; {len(pos):,} held-out, {len(rand):,} random, "
          f"{len(hard):,} two-step pairs ({time.time() - t0:.0f} s to load)", flush=True)
    inputs = SplitInputs(old, split, args.seed, GNEConfig(), None, None, "cpu", ctx)
    cache = SplitCache()
    rows = []
    for name in args.methods.split(","):
        t1 = time.time()
        p = cache.fit(METHODS[name].make(), inputs)
        chosen = getattr(p, "chosen_", None)
        s_pos, s_rand, s_hard = (p.score(x) for x in (pos, rand, hard))
        y = np.r_[np.ones(len(pos)), np.zeros(len(rand))]
        yh = np.r_[np.ones(len(pos)), np.zeros(len(hard))]
        row = {"method": name, "chosen": chosen.name if chosen is not None else name,
               "auroc_vs_random": roc_auc_score(y, np.r_[s_pos, s_rand]),
               "auroc_vs_two_step": roc_auc_score(yh, np.r_[s_pos, s_hard]),
               "seconds": round(time.time() - t1, 1), "seed": args.seed}
        rows.append(row)
        print(f"{name:14s} ({row['chosen']}) AUROC vs random {row['auroc_vs_random']:.4f} "
              f"vs two-step {row['auroc_vs_two_step']:.4f} ({row['seconds']:.0f} s)",
              flush=True)
    RESULTS.mkdir(exist_ok=True)
    pd.DataFrame(rows).to_csv(RESULTS / "score_auroc.csv", index=False)
    print(f"peak RSS {peak_rss_mib():.0f} MiB, {time.time() - t0:.0f} s in all")


if __name__ == "__main__":
    main()
