"""What a cap per gene (`predict --max-per-gene N`) costs or gains, on real predictions.

Reads a run's written PREDICTED_INTERACTION set from a graph where a later release has been
loaded since (what `make tour` leaves in .genekg-tour/: trained on BioGRID 3.4.126, 4.4.203
loaded after predict), orders it by predict's own rank, applies the cap greedily exactly as
predict's global list does (a pair is kept while both its genes hold fewer than N kept
pairs), and counts, at each depth k, the pairs the later release confirmed — with and
without the cap — and the largest share of the list one gene holds.

Run (with the tour's server started):
  GENEKG_HOME=$PWD/.genekg-tour/neo4j .venv/bin/python benchmarks/hub_cap.py \
      --run "$(cat .genekg-tour/run)" --tag biogrid@4.4.203
Writes benchmarks/results/hub_cap.json and prints the table.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import save, written_predictions

from genekg.linkpred.predict import cap_per_gene


def capped(rows: list[dict[str, object]], cap: int | None) -> list[dict[str, object]]:
    """The list predict's --max-per-gene keeps (its own rule), in rank order."""
    if cap is None:
        return rows
    keep = cap_per_gene([r["a"] for r in rows], [r["b"] for r in rows], cap)
    return [rows[q] for q in keep.tolist()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--tag", default="biogrid@4.4.203")
    ap.add_argument("--caps", default="none,100,50,20,10")
    args = ap.parse_args()
    rows = written_predictions(args.run, args.tag)
    ks = [k for k in (100, 1_000, 10_000, 50_000) if k <= len(rows)]
    table = []
    for c in args.caps.split(","):
        cap = None if c == "none" else int(c)
        kept = capped(rows, cap)
        row: dict[str, object] = {"cap": c, "pairs": len(kept)}
        for k in ks:
            top = kept[:k]
            row[f"precision@{k}"] = sum(bool(r["confirmed"]) for r in top) / k \
                if len(top) >= k else None
            share = Counter(g for r in top for g in (r["a"], r["b"])).most_common(1)
            row[f"top_gene_share@{k}"] = share[0][1] / len(top) if share else 0.0
        table.append(row)
    out = save("hub_cap", {"run": args.run, "tag": args.tag, "written_pairs": len(rows),
                          "rows": table})
    print("wrote", out)


if __name__ == "__main__":
    main()
