"""Staged ingest of a release, where the time goes (issue 25), on a SYNTHETIC graph.

Release r1 (Chung-Lu power-law pairs over SYN genes — generated, not biology) is loaded
into an empty graph, then release r2 (90% of r1's pairs plus 10% new ones) into the graph
holding r1, for each batch size. Every load runs in its own process (its own peak RSS);
phases come from the writer's progress callback: node writes, relationship lookups and
writes, the release diff, and the flip (time after the diff). At --sample-batch a reader
(pull/network among the hub genes, all releases and the loading one) is polled every
second during each load: it must see the old graph, then the whole new one. --kill: r2
killed with SIGKILL at three points, readers checked, then re-run to completion.

Run: .venv/bin/python benchmarks/bench_ingest_release.py [--edges 1000000] [--genes 20000]
     [--batches 5000,20000,100000] [--kill]
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
            "server_rss_mib": server_rss_mib() or 0.0, "collected": report.collected}


SAMPLE_GENES = 2_000  # readers sample the pairs among the first (hub) genes


def sample_readers(db: object, release: str) -> tuple[int, int]:
    """What a library reader (the training pull, genekg's pull/network) returns right now:
    pairs among the hub genes in all releases, and in `release`."""
    genes = [f"9606:SYN{i:05d}" for i in range(SAMPLE_GENES)]
    out = []
    for rel in (None, release):
        pairs = db.scalar("pull/network", {  # type: ignore[attr-defined]
            "taxon": 9606, "source": "synthetic" if rel else None, "release": rel,
            "pathway": None, "genes": genes})
        out.append(len(pairs))
    return out[0], out[1]


def child(args: argparse.Namespace, release: str, batch: int,
          writers: int = 2) -> subprocess.Popen[str]:
    env = {**os.environ, "GENEKG_INGEST_WRITERS": str(writers)}
    return subprocess.Popen([sys.executable, __file__, "--edges", str(args.edges),
                             "--genes", str(args.genes), "--child", release, str(batch)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env=env)


def run_child(args: argparse.Namespace, release: str, batch: int,
              sample: bool, writers: int = 2) -> dict[str, object]:
    """One load in its own process; with `sample`, a reader polled while it runs."""
    db = server_db()
    samples: list[tuple[float, int, int]] = []
    t0 = time.perf_counter()
    proc = child(args, release, batch, writers)
    while sample and proc.poll() is None:
        samples.append((round(time.perf_counter() - t0, 1), *sample_readers(db, release)))
        time.sleep(1.0)
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"load {release} batch {batch} failed:\n{err[-3000:]}")
    row: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    row["writers"] = writers
    if sample:
        samples.append((round(time.perf_counter() - t0, 1), *sample_readers(db, release)))
        row["reader_samples"] = samples
        # all at once: each reader (one query each) saw the old graph, then the whole new
        # one, nothing between (the two queries of one sample may straddle the flip)
        ok = True
        for k in (1, 2):
            seen = [s[k] for s in samples]
            values = list(dict.fromkeys(seen))
            ok = ok and len(values) <= 2 and seen == sorted(seen, key=values.index)
        row["reader_states"] = [list(dict.fromkeys(s[k] for s in samples)) for k in (1, 2)]
        row["readers_all_or_nothing"] = ok
    db.close()  # type: ignore[attr-defined]
    return row


PENDING = ("MATCH (p:Source {status: 'pending'}) RETURN p.id AS id, "
           "toString(p.started_at) AS started, "
           "COUNT { MATCH ()-[r]->() WHERE r.load = coalesce(p.token, p.id) } AS rels, "
           "COUNT { MATCH ()-[r:INTERACTS_WITH]->() WHERE $tag IN r.seen_in "
           "AND coalesce(r.load, '') <> coalesce(p.token, p.id) } AS tagged")


def kill_points(args: argparse.Namespace, batch: int) -> dict[str, object]:
    """r1 loaded; r2 killed with SIGKILL at three points (early, among the new
    relationships, while re-tagging r1's pairs), each followed by a look at the readers;
    then the same command once more, to completion: counts against an uninterrupted load."""
    db = server_db()
    wipe(db)
    run_child(args, "r1", batch, sample=False)
    before = sample_readers(db, "r2")
    points = {"early": lambda r: r["rels"] > 0,
              "new relationships": lambda r: r["rels"] >= args.edges // 20,
              "re-tagging": lambda r: r["tagged"] > 0}
    out: dict[str, object] = {"before": before, "points": []}
    previous = None  # the killed load's record, until the next load has collected it
    for name, reached in points.items():
        proc = child(args, "r2", batch)
        t0 = time.perf_counter()
        state: dict[str, int] = {}
        while proc.poll() is None:
            rows = db.run(PENDING, {"tag": "synthetic@r2"})  # type: ignore[attr-defined]
            if rows and rows[0]["started"] != previous and reached(rows[0]):
                state = rows[0]
                proc.kill()
                break
            time.sleep(0.2)
        proc.communicate()
        seen = sample_readers(db, "r2")
        left = db.run(PENDING, {"tag": "synthetic@r2"})  # type: ignore[attr-defined]
        previous = left[0]["started"] if left else None
        point = {"point": name, "killed_after_s": round(time.perf_counter() - t0, 1),
                 "state_at_kill": state, "pending_left": left,
                 "readers_unchanged": seen == before}
        print(f"killed at {name}: {point}", flush=True)
        out["points"].append(point)  # type: ignore[attr-defined]
    final = run_child(args, "r2", batch, sample=False)
    counts = db.run("MATCH (a)-[r:INTERACTS_WITH]->(b) "  # type: ignore[attr-defined]
                    "RETURN count(r) AS all, count(DISTINCT a.id + '|' + b.id) AS keys, "
                    "sum(CASE WHEN 'synthetic@r2' IN r.seen_in THEN 1 ELSE 0 END) AS r2, "
                    "sum(CASE WHEN 'synthetic@r1' IN r.seen_in THEN 1 ELSE 0 END) AS r1")[0]
    expected = {"all": args.edges + args.edges // 10, "keys": args.edges + args.edges // 10,
                "r2": args.edges, "r1": args.edges}
    out.update(final=final, counts=counts, expected=counts == expected,
               pending_after=db.run(PENDING, {"tag": "synthetic@r2"}),  # type: ignore[attr-defined]
               collected=final.get("collected"))
    print(f"re-run: {final['seconds']:.1f} s, counts {counts} (uninterrupted: {expected})",
          flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", type=int, default=200_000)
    ap.add_argument("--genes", type=int, default=20_000)
    ap.add_argument("--batches", default="5000,20000,100000")
    ap.add_argument("--sample-batch", type=int, default=20_000,
                    help="batch size whose loads are watched by a reader (others run alone)")
    ap.add_argument("--kill", action="store_true", help="also the SIGKILL-and-re-run check")
    ap.add_argument("--only-kill", action="store_true", help="only that check")
    ap.add_argument("--writers", default="2", help="batches written at once, e.g. 1,2")
    ap.add_argument("--child", nargs=2, metavar=("RELEASE", "BATCH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one_load(args.genes, args.edges, args.child[0], int(args.child[1]))))
        return
    if args.only_kill:
        save(f"ingest_release_kill_{args.edges}", kill_points(args, args.sample_batch))
        return
    rows = []
    for writers, batch in [(int(w), int(b)) for w in args.writers.split(",")
                           for b in args.batches.split(",")]:
        wipe(server_db())
        for release in ("r1", "r2"):
            row = run_child(args, release, batch, writers=writers,
                            sample=batch == args.sample_batch and writers == 2)
            print(f"writers {writers} batch {batch:>6} {release}: {row['seconds']:5.1f} s "
                  f"{row['rel_per_s']:8,.0f} rel/s (nodes {row['nodes_s']:.1f} s, rels "
                  f"{row['relationships_s']:.1f} s, diff {row['diff_s']:.1f} s, flip "
                  f"{row['commit_s']:.1f} s), python {row['python_peak_mib']:.0f} MiB, "
                  f"server {row['server_rss_mib']:.0f} MiB"
                  + (f", readers saw {row['reader_states']}" if "reader_states" in row
                     else ""), flush=True)
            rows.append(row)
    result: dict[str, object] = {"genes": args.genes, "edges": args.edges, "rows": rows,
                                 "heap": os.environ.get("GENEKG_HEAP", "default")}
    if args.kill:
        result["kill"] = kill_points(args, args.sample_batch)
    save(f"ingest_release_{args.edges}", result)


if __name__ == "__main__":
    main()
