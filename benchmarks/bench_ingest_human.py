"""Whole human BioGRID as a second release (issue 37's ≥ 50,000 relationships/s budget).

Each repeat empties the benchmark server's graph, loads BioGRID 3.4.126 (whole human
physical, GENCODE v22 gene table as the map) through the staged writer, then 4.4.203 into
that live graph as a second release, timing the writer's phases from its progress
callback: node writes, relationship lookups and writes, the flip; the release diff is
timed where it runs (one read before the writes). Parsing is timed apart (the loader,
not the writer). Real data from ../shared; run alone (2 cores: a second job doubles
times). Results: benchmarks/results/ingest_human_release.json.

Run: .venv/bin/python benchmarks/bench_ingest_human.py [--repeats 3] [--writers 2]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, require_shared, save, server_db, server_rss_mib, wipe

RELEASES = "biogrid/human_physical_releases"
FILES = {"3.4.126": "BioGRID-3.4.126_human_physical_entrez_pairs.tsv.gz",
         "4.4.203": "BioGRID-4.4.203_human_physical_LCC_entrez_pairs.tsv.gz"}
MAP = "GENCODEv22_ensg_entrez_symbol.tsv.gz"
KEY = ("INTERACTS_WITH", "Gene", "Gene")


def _bundle(release: str) -> tuple[Any, float]:
    from genekg.loaders import get_loader
    from genekg.loaders.base import LoadOptions, source_options
    from genekg.organisms import resolve_organism

    d = require_shared() / RELEASES
    loader = get_loader("biogrid")
    opts = LoadOptions(organism=resolve_organism("human"), release=release,
                       id_maps=[d / MAP], source=source_options(type(loader), {}))
    t = time.perf_counter()
    bundle = loader.load(d / FILES[release], opts)
    return bundle, time.perf_counter() - t


def _timed_load(db: Any, bundle: Any, writers: int) -> dict[str, Any]:
    """One staged load with its phases (seconds from the start of `ingest_bundle`)."""
    import genekg.ingest.writer as writer

    marks: dict[str, list[float]] = {}
    box: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(task: str, done: int, total: int) -> None:
        now = time.perf_counter() - t0
        marks.setdefault(task, [now, now])[1] = now

    original = writer.release_diff

    def timed_diff(*args: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        out = original(*args, **kw)
        box["diff_s"] = time.perf_counter() - t
        return out

    writer.release_diff = timed_diff  # type: ignore[assignment]
    try:
        report = writer.ingest_bundle(db, bundle, progress=progress, writers=writers)
    finally:
        writer.release_diff = original  # type: ignore[assignment]
    total = time.perf_counter() - t0
    nodes_end = marks.get("nodes Gene", [0.0, 0.0])[1]
    rels = marks.get("INTERACTS_WITH", [nodes_end, nodes_end])
    return {"seconds": round(total, 2), "relationships": report.relationships,
            "rel_per_s": round(report.relationships / total),
            "new": sum(v for k, v in report.added.items() if "]->" in k),
            "diff_s": round(box.get("diff_s", 0.0), 2),
            "nodes_done_s": round(nodes_end, 2),
            "relationships_s": round(rels[1] - nodes_end, 2),
            "flip_s": round(total - rels[1], 2),
            "release_diff": report.release_diff}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--writers", type=int, default=2)
    args = ap.parse_args()
    import resource

    db = server_db()
    old, parse_old = _bundle("3.4.126")
    new, parse_new = _bundle("4.4.203")
    runs: list[dict[str, Any]] = []
    for i in range(args.repeats):
        wipe(db)
        first = _timed_load(db, old, args.writers)
        second = _timed_load(db, new, args.writers)
        # the graph holds exactly the union of the two releases, each pair tagged right
        got = db.run("MATCH ()-[r:INTERACTS_WITH]->() RETURN count(r) AS all, "
                     "sum(CASE WHEN 'biogrid@4.4.203' IN r.seen_in THEN 1 ELSE 0 END) AS new, "
                     "sum(CASE WHEN 'biogrid@3.4.126' IN r.seen_in THEN 1 ELSE 0 END) AS old")[0]
        want = {"all": len(set(old.edges[KEY]) | set(new.edges[KEY])),
                "new": len(new.edges[KEY]), "old": len(old.edges[KEY])}
        if got != want:
            sys.exit(f"repeat {i + 1}: the graph holds {got}, the two files {want}")
        runs.append({"first": first, "second": second})
        print(f"repeat {i + 1}: first {first['relationships']:,} rel in {first['seconds']} s "
              f"({first['rel_per_s']:,}/s); second {second['relationships']:,} rel in "
              f"{second['seconds']} s ({second['rel_per_s']:,}/s; diff {second['diff_s']} s, "
              f"relationships {second['relationships_s']} s)", flush=True)
    rates = [r["second"]["rel_per_s"] for r in runs]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    out = {"commit": commit, "writers": args.writers, "repeats": args.repeats,
           "parse_s": {"3.4.126": round(parse_old, 1), "4.4.203": round(parse_new, 1)},
           "runs": runs, "second_rate_median": statistics.median(rates),
           "second_rate_min": min(rates), "second_rate_max": max(rates),
           "python_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
           "server_peak_mib": server_rss_mib()}
    path = save("ingest_human_release", out)
    print(f"second release: median {out['second_rate_median']:,} rel/s "
          f"(min {min(rates):,}, max {max(rates):,}) -> {path}")


if __name__ == "__main__":
    main()
