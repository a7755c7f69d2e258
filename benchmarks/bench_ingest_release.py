"""Transactional ingest of a release, where the time goes (issue 25), on a SYNTHETIC graph.

Release r1 (Chung-Lu power-law pairs over SYN genes — generated, not biology) is loaded
into an empty graph, then release r2 (90% of r1's pairs plus 10% new ones) into the graph
holding r1, for each batch size. Every load runs in its own process (its own peak RSS);
phases come from the writer's progress callback: node writes, relationship lookups and
writes, the release diff, and the commit (time after the last write).

Run: .venv/bin/python benchmarks/bench_ingest_release.py [--edges 200000] [--genes 20000]
     [--batches 5000,20000,100000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, save, server_db, server_rss_mib, wipe


def one_load(genes: int, edges: int, release: str, batch: int) -> dict[str, float]:
    """(child process) Load one synthetic release; phase times, rates, peak RSS."""
    import resource

    import numpy as np
    from bench_scale import synthetic_edges

    import genekg.ingest.writer as writer
    from genekg.ingest.writer import ingest_bundle
    from genekg.loaders.base import Bundle

    pairs = synthetic_edges(genes, int(edges * 1.1), seed=1)
    if release == "r1":
        pairs = pairs[:edges]
    else:  # 90% of r1 again, 10% pairs r1 does not hold
        pairs = np.vstack([pairs[edges // 10:edges], pairs[edges:edges + edges // 10]])
    bundle = Bundle(source="synthetic", release=release, files=[], licence="SYNTHETIC")
    for i in range(genes):
        bundle.node("Gene", f"9606:SYN{i:05d}", symbol=f"SYN{i:05d}", organism=9606)
    for a, b in pairs:
        bundle.edge("INTERACTS_WITH", ("Gene", f"9606:SYN{a:05d}"),
                    ("Gene", f"9606:SYN{b:05d}"))
    db = server_db()
    marks: dict[str, list[float]] = {}
    t0 = time.perf_counter()

    def progress(task: str, done: int, total: int) -> None:
        now = time.perf_counter() - t0
        marks.setdefault(task, [now, now])[1] = now

    diff_box: dict[str, float] = {}
    original = writer.release_diff

    def timed_diff(*args: object, **kw: object) -> object:
        t = time.perf_counter()
        out = original(*args, **kw)  # type: ignore[arg-type]
        diff_box["start"], diff_box["seconds"] = t - t0, time.perf_counter() - t
        return out

    writer.release_diff = timed_diff  # type: ignore[assignment]
    report = ingest_bundle(db, bundle, batch_size=batch, progress=progress)
    total = time.perf_counter() - t0
    node_end = marks.get("nodes Gene", [0.0, 0.0])[1]
    rel_end = marks.get("INTERACTS_WITH", [node_end, node_end])[1]
    diff_end = diff_box.get("start", rel_end) + diff_box.get("seconds", 0.0)
    return {"release": release, "batch": batch, "seconds": total,
            "nodes_s": node_end, "relationships_s": rel_end - node_end,
            "diff_s": diff_box.get("seconds", 0.0), "commit_s": total - diff_end,
            "relationships": len(pairs),
            "new_relationships": sum(v for k, v in report.added.items() if "]->" in k),
            "rel_per_s": len(pairs) / total, "nodes_per_s": genes / max(node_end, 1e-9),
            "python_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "server_rss_mib": server_rss_mib() or 0.0}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", type=int, default=200_000)
    ap.add_argument("--genes", type=int, default=20_000)
    ap.add_argument("--batches", default="5000,20000,100000")
    ap.add_argument("--child", nargs=2, metavar=("RELEASE", "BATCH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one_load(args.genes, args.edges, args.child[0], int(args.child[1]))))
        return
    rows = []
    for batch in [int(b) for b in args.batches.split(",")]:
        wipe(server_db())
        for release in ("r1", "r2"):
            out = subprocess.run([sys.executable, __file__, "--edges", str(args.edges),
                                  "--genes", str(args.genes), "--child", release, str(batch)],
                                 capture_output=True, text=True, cwd=REPO, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"batch {batch:>6} {release}: {row['seconds']:5.1f} s "
                  f"{row['rel_per_s']:8,.0f} rel/s (nodes {row['nodes_s']:.1f} s, rels "
                  f"{row['relationships_s']:.1f} s, diff {row['diff_s']:.1f} s, commit "
                  f"{row['commit_s']:.1f} s), python {row['python_peak_mib']:.0f} MiB, "
                  f"server {row['server_rss_mib']:.0f} MiB", flush=True)
            rows.append(row)
    save(f"ingest_release_{args.edges}", {"genes": args.genes, "edges": args.edges,
                                           "rows": rows})


if __name__ == "__main__":
    main()
