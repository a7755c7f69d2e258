"""Expected precision as stated against what a later release observed, on real predictions.

Reads a run's written PREDICTED_INTERACTION set, with the expected precision predict stated
for each pair, from a graph where a later release was loaded after predict (what `make
tour` leaves in .genekg-tour/: trained on BioGRID 3.4.126, 4.4.203 loaded afterwards). In
windows of predict's own rank it compares the mean stated expected precision with the share
of pairs the later release holds. The stated value is estimated from held-out validation
edges of the training release; the observed one counts only what the next release recorded
(a lower bound of both, for pairs nobody has tested).

Run (with the tour's server started):
  GENEKG_HOME=$PWD/.genekg-tour/neo4j .venv/bin/python benchmarks/ep_observed.py \
      --run "$(cat .genekg-tour/run)" --tag biogrid@4.4.203
Writes benchmarks/results/ep_observed.json and prints the table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import save, written_predictions

WINDOWS = ((1, 100), (101, 1_000), (1_001, 10_000), (10_001, 100_000))


def windows(rank: np.ndarray, ep: np.ndarray, hit: np.ndarray) -> list[dict[str, float]]:
    """Mean stated expected precision and observed precision per rank window."""
    out = []
    for lo, hi in WINDOWS:
        sel = (rank >= lo) & (rank <= hi)
        if not sel.any():
            continue
        stated, seen = float(np.nanmean(ep[sel])), float(hit[sel].mean())
        out.append({"ranks": f"{lo:,}–{hi:,}", "pairs": int(sel.sum()), "stated": stated,
                    "observed": seen, "stated_over_observed": stated / seen if seen else
                    float("inf")})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--tag", default="biogrid@4.4.203")
    args = ap.parse_args()
    rows = written_predictions(args.run, args.tag)
    rank = np.array([r["rank"] for r in rows], dtype=np.int64)
    ep = np.array([np.nan if r["ep"] is None else r["ep"] for r in rows], dtype=np.float64)
    hit = np.array([bool(r["confirmed"]) for r in rows])
    table = windows(rank, ep, hit)
    out = save("ep_observed", {"run": args.run, "tag": args.tag, "written_pairs": len(rows),
                          "rows": table})
    print("wrote", out)


if __name__ == "__main__":
    main()
