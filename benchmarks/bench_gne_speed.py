"""GNE training speed: the issue's baseline settings beside the device-built ones, one run.

Same network, split (seed 42) and model; what changes is how training is driven:
- `baseline`: batch 256, early stopping on the protocol's Hadamard-LR validation AUROC
  (a scikit-learn fit every epoch) — the settings the issue measured;
- `b512-lr`, `b1024-lr`, `b4096-lr`: larger batches, the learning rate scaled linearly
  from batch 256 (with warm-up), the same validation signal;
- `b4096-dot`: batch 4096 with early stopping on the on-device dot-product AUROC of a fixed
  validation subsample (no host-side fit).
Reported per setting: seconds per epoch, best epoch, seconds to the best epoch and in
total, and the TEST AUROC of the protocol (Hadamard-LR fitted on training edges) on the
embeddings each run keeps. Runs on the CPU here; `--device cuda` on a GPU machine.

Run: .venv/bin/python benchmarks/bench_gne_speed.py [ecoli|yeast|human] [--device cpu]
Before/after a change, in one sitting: run it once with PYTHONPATH=<worktree of the old
commit> --label before, then --label after; both label's rows land in one result file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
from common import RESULTS, peak_rss_mib, save
from eval_table import NETWORKS
from linkpred_table import load_network

from genekg.gne.config import GNEConfig
from genekg.gne.train import train_gne
from genekg.linkpred.evaluate import EdgeClassifier, held_out_pairs, score
from genekg.linkpred.split import split_edges

SETTINGS = {
    "baseline": {"batch_size": 256, "val_signal": "lr"},
    "b512-lr": {"batch_size": 512, "val_signal": "lr"},
    "b1024-lr": {"batch_size": 1024, "val_signal": "lr"},
    "b4096-lr": {"batch_size": 4096, "val_signal": "lr"},
    "b4096-dot": {"batch_size": 4096, "val_signal": "dot"},
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("organism", nargs="?", default="ecoli", choices=sorted(NETWORKS))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--negatives", default="uniform")
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--settings", default=",".join(SETTINGS))
    ap.add_argument("--label", default="", help="Prefix of this run's rows, merged into the "
                    "same result file (e.g. the code before a change, run from a worktree "
                    "with PYTHONPATH, beside the code after it).")
    args = ap.parse_args()
    net = load_network(args.organism)
    split = split_edges(net.edges, len(net.genes), seed=args.seed, negatives=args.negatives)
    out: dict[str, object] = {"network": args.organism, "genes": len(net.genes),
                              "edges": len(net.edges), "device": args.device,
                              "torch_threads": torch.get_num_threads(), "seed": args.seed,
                              "negatives": args.negatives}
    result_name = f"gne_speed_{args.organism}_{args.device}_{args.negatives}"
    prev = RESULTS / f"{result_name}.json"
    if args.label and prev.exists():  # keep the rows of the other label's run
        old = json.loads(prev.read_text())
        out.update({k: v for k, v in old.items() if isinstance(v, dict) and k not in out})
    for name in args.settings.split(","):
        over = SETTINGS[name]
        cfg = GNEConfig(dim=args.dim, **over)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        tr = train_gne(split, cfg, seed=args.seed, device=args.device)
        total = time.perf_counter() - t0
        clf = EdgeClassifier.fit(tr.embeddings, split, args.seed)
        pairs, y = held_out_pairs(split)
        auroc, aupr = score(y, clf.predict(tr.embeddings, pairs))
        row = {"batch_size": cfg.batch_size, "val_signal": cfg.val_signal,
               "epochs_run": len(tr.history), "best_epoch": tr.best_epoch,
               "seconds_per_epoch": round(tr.seconds_per_epoch, 3),
               "seconds_to_best_epoch": round(tr.seconds_per_epoch * tr.best_epoch, 1),
               "seconds_total": round(total, 1), "test_auroc": round(auroc, 4),
               "test_aupr": round(aupr, 4)}
        key = f"{args.label}: {name}" if args.label else name
        out[key] = row
        print(key, row, flush=True)
    base = out.get(f"{args.label}: baseline" if args.label else "baseline")
    for name in args.settings.split(","):
        key = f"{args.label}: {name}" if args.label else name
        row = out[key]
        if isinstance(base, dict) and isinstance(row, dict) and name != "baseline":
            row["speedup_epoch"] = round(base["seconds_per_epoch"] / row["seconds_per_epoch"], 2)
            row["speedup_total"] = round(base["seconds_total"] / row["seconds_total"], 2)
    out["peak_rss_mib"] = peak_rss_mib()
    save(result_name, out)


if __name__ == "__main__":
    main()
