"""Peer: a PyTorch Geometric graph auto-encoder (GAE) on genekg's own splits.

Usage: .venv/bin/python benchmarks/bench_gae.py [ecoli] [--seeds 5] [--epochs 200]
       (needs `pip install torch_geometric`; the benchmark extra of pyproject.toml)

The learned GNN a user would pick from PyG's examples (Kipf & Welling 2016,
`examples/autoencoder.py`): a two-layer GCN encoder over the training graph, an
inner-product decoder, PyG's `recon_loss` with uniform negative sampling, Adam, early
stopping on validation AUROC (patience 20), the test pairs scored once at the best
validation epoch. The genes have no attributes, so each gets a learned input vector
(one-hot input, stored as an embedding table: the same model, without a 3,973 x 3,973
dense matrix). Splits are `split_edges(seed=1..N)`, the splits of docs/peers.md and of
`linkpred_table.py`; rows go to results/linkpred_<organism>_peers_rows.csv, which
report.py prints under the same organism's table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
import torch
from common import RESULTS
from eval_table import NETWORKS
from linkpred_table import load_network
from sklearn.metrics import average_precision_score, roc_auc_score

from genekg.linkpred.split import EdgeSplit, split_edges
from genekg.record import seed_everything

try:
    from torch_geometric.nn import GAE, GCNConv
    from torch_geometric.utils import to_undirected
except ImportError:  # pragma: no cover - benchmark-only dependency
    sys.exit("bench_gae.py needs PyTorch Geometric: .venv/bin/pip install torch_geometric")


class Encoder(torch.nn.Module):
    """Learned input vector per gene -> GCN(2d) -> ReLU -> GCN(d)."""

    def __init__(self, n: int, dim: int) -> None:
        super().__init__()
        self.x = torch.nn.Embedding(n, 2 * dim)
        self.conv1 = GCNConv(2 * dim, 2 * dim)
        self.conv2 = GCNConv(2 * dim, dim)

    def forward(self, edge_index: torch.Tensor) -> torch.Tensor:
        """Node embeddings on the training graph."""
        h = self.conv1(self.x.weight, edge_index).relu()
        return self.conv2(h, edge_index)


def _scores(model: GAE, z: torch.Tensor, pos: np.ndarray, neg: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    pairs = torch.from_numpy(np.vstack([pos, neg]).T.copy())
    s = model.decode(z, pairs, sigmoid=True).detach().numpy()
    return np.r_[np.ones(len(pos)), np.zeros(len(neg))], s


def run_gae(split: EdgeSplit, *, seed: int, epochs: int, dim: int = 64,
            patience: int = 20) -> dict[str, float]:
    """Train on split.train, pick the epoch on validation, score the test pairs."""
    seed_everything(seed)
    t0 = time.time()
    ei = to_undirected(torch.from_numpy(split.train.T.copy()), num_nodes=split.n_nodes)
    model = GAE(Encoder(split.n_nodes, dim))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    best, best_epoch, best_z = -1.0, 0, None
    for epoch in range(1, epochs + 1):
        model.train()
        opt.zero_grad()
        z = model.encode(ei)
        # recon_loss draws uniform negatives over all nodes (PyG's default).
        loss = model.recon_loss(z, ei)
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            z = model.encode(ei)
            y, s = _scores(model, z, split.val_pos, split.val_neg)
            auc = float(roc_auc_score(y, s))
        if auc > best:
            best, best_epoch, best_z = auc, epoch, z
        elif epoch - best_epoch >= patience:
            break
    assert best_z is not None
    y, s = _scores(model, best_z, split.test_pos, split.test_neg)
    return {"auroc": float(roc_auc_score(y, s)), "aupr": float(average_precision_score(y, s)),
            "brier": float(np.mean((s - y) ** 2)), "val_auroc": best,
            "best_epoch": best_epoch, "epochs_run": epoch,
            "seconds": time.time() - t0}


def main() -> None:
    """Run the GAE peer on seeds 1..N, both negative modes."""
    ap = argparse.ArgumentParser()
    ap.add_argument("organism", nargs="?", default="ecoli", choices=sorted(NETWORKS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--negatives", default="uniform,degree")
    args = ap.parse_args()
    net = load_network(args.organism)
    print(f"{args.organism}: {len(net.genes):,} genes, {len(net.edges):,} pairs; "
          f"torch threads {torch.get_num_threads()}", flush=True)
    rows = []
    for neg in args.negatives.split(","):
        for seed in range(1, args.seeds + 1):
            split = split_edges(net.edges, len(net.genes), seed=seed, negatives=neg)
            r = run_gae(split, seed=seed, epochs=args.epochs)
            rows.append({"method": "peer: PyG GAE", "negatives": neg, "seed": seed, **r})
            print(f"{neg} seed {seed} GAE AUROC {r['auroc']:.4f} AUPR {r['aupr']:.4f} "
                  f"val {r['val_auroc']:.4f} best epoch {r['best_epoch']}/{r['epochs_run']} "
                  f"{r['seconds']:.0f} s", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"linkpred_{args.organism}_peers_rows.csv"
    pd.DataFrame(rows).to_csv(out, index=False)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
