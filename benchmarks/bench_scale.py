"""A human-BioGRID-sized run end to end on a SYNTHETIC graph (issue 13).

The graph is generated, never biology: 20,000 genes named SYN00000… and 1,000,000
interactions drawn with a Chung-Lu model whose expected degrees follow a power law
(exponent 2.3, like published PPI networks), loaded as BioGRID source `synthetic` so every
node and Source record says so. Steps, each timed with its peak memory (Python process and
server): transactional ingest, bulk ingest (neo4j-admin import), train (default method),
predict the top 10,000 pairs with write-back. Each CLI step runs as its own process under
/usr/bin/time so its peak RSS is its own.

Run: .venv/bin/python benchmarks/bench_scale.py [--genes 20000] [--edges 1000000]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from common import REPO, save, server_db, server_rss_mib, wipe


def synthetic_edges(n: int, m: int, seed: int = 0, gamma: float = 2.3) -> np.ndarray:
    """m distinct undirected pairs over n nodes, Chung-Lu with power-law weights."""
    rng = np.random.default_rng(seed)
    w = (np.arange(1, n + 1) ** (-1.0 / (gamma - 1.0)))
    p = w / w.sum()
    have = np.zeros(0, dtype=np.int64)
    while len(have) < m:
        k = int((m - len(have)) * 1.3) + 1000
        a, b = rng.choice(n, size=k, p=p), rng.choice(n, size=k, p=p)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        code = lo[lo != hi] * n + hi[lo != hi]
        have = np.unique(np.concatenate([have, code]))
    have = rng.permutation(have)[:m]
    return np.column_stack([have // n, have % n])


def timed(cmd: list[str], env: dict[str, str]) -> dict[str, float | str]:
    """Run `cmd` under /usr/bin/time; wall seconds, peak RSS (MiB) and the output tail."""
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS_KB=%M", *cmd], env=env,
                          capture_output=True, text=True, check=False)
    sec = time.perf_counter() - t0
    rss = re.findall(r"MAXRSS_KB=(\d+)", proc.stderr)
    out = (proc.stdout + proc.stderr)[-1500:]
    print(out, flush=True)
    return {"seconds": round(sec, 1), "python_peak_mib": int(rss[-1]) / 1024 if rss else -1,
            "rc": proc.returncode, "tail": out[-400:]}


def restart_server(db: Any, heap: str | None) -> Any:
    """The benchmark server again, with `heap` (None: genekg's default)."""
    from genekg.server.manager import ServerConfig, ServerManager

    db.close()
    ServerManager(ServerConfig.from_env()).stop()
    if heap:
        os.environ["GENEKG_HEAP"] = heap
    else:
        os.environ.pop("GENEKG_HEAP", None)
    return server_db()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--genes", type=int, default=20_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--skip-transactional", action="store_true")
    ap.add_argument("--transactional-edges", type=int, default=250_000,
                    help="Edges of the transactional measurement (one load = one "
                         "transaction; 1M edges exceed a 2 GiB heap's transaction memory).")
    ap.add_argument("--tx-heap", default=None, help="Server heap for the transactional "
                    "steps only (e.g. 6g: a 1M-edge load is one transaction); the server is "
                    "restarted with the default heap before the bulk path.")
    ap.add_argument("--predict-only", metavar="RUN", help="Only re-measure the predict "
                    "step for RUN (the graph and run of an earlier call are in place).")
    args = ap.parse_args()
    db = server_db()
    name = f"scale_synthetic_{args.genes}g_{args.edges}e"
    if args.predict_only:
        import json

        from common import RESULTS
        env = dict(os.environ, GENEKG_RUNS_DIR=str(REPO / ".genekg-test" / "runs-scale"),
                   OMP_NUM_THREADS="1")
        prev = json.loads((RESULTS / f"{name}.json").read_text())
        prev.pop("machine", None)
        r = timed([str(REPO / ".venv" / "bin" / "genekg"), "predict", "--run",
                   args.predict_only, "--top-k", "10000"], env)
        r["server_peak_mib"] = server_rss_mib() or -1
        prev["predict_top10000_writeback"] = r
        save(name, prev)
        return
    env = dict(os.environ, GENEKG_RUNS_DIR=str(REPO / ".genekg-test" / "runs-scale"),
               OMP_NUM_THREADS="1")
    gk = [str(REPO / ".venv" / "bin" / "genekg")]
    out: dict[str, object] = {"graph": f"SYNTHETIC Chung-Lu power law, {args.genes} genes, "
                                       f"{args.edges} edges (not biology)"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic_ppi_edgelist.csv"
        t0 = time.perf_counter()
        e = synthetic_edges(args.genes, args.edges)
        deg = np.bincount(e.ravel(), minlength=args.genes)
        with open(path, "w") as fh:
            fh.write("gene_a,gene_b\n")
            fh.writelines(f"SYN{a:05d},SYN{b:05d}\n" for a, b in e)
        out["generate_s"] = round(time.perf_counter() - t0, 1)
        out["degree"] = {"max": int(deg.max()), "median": float(np.median(deg)),
                         "isolated": int((deg == 0).sum())}
        load = [*gk, "ingest", "biogrid", str(path), "-o", "human", "--release",
                "synthetic-1M"]
        if not args.skip_transactional:
            if args.tx_heap:
                db = restart_server(db, args.tx_heap)
                out["transactional_server_heap"] = args.tx_heap
            for n_e in sorted({args.transactional_edges, args.edges}):
                part = Path(tmp) / f"synthetic_ppi_first{n_e}.csv"
                with open(path) as src, open(part, "w") as dst:
                    dst.writelines(line for i, line in zip(range(n_e + 1), src, strict=False))
                wipe(db)
                r = timed([*gk, "ingest", "biogrid", str(part), "-o", "human", "--release",
                           f"synthetic-{n_e}"], env)
                r["server_peak_mib"] = server_rss_mib() or -1
                r["rels_per_s"] = round(n_e / float(r["seconds"]))
                out[f"ingest_transactional_{n_e}"] = r
        if args.tx_heap and not args.skip_transactional:
            db = restart_server(db, None)
        wipe(db)
        db.close()
        r = timed([*load, "--bulk"], env)
        r["rels_per_s_end_to_end"] = round(args.edges / float(r["seconds"]))
        m = re.search(r"import ([\d.]+) s \(([\d,]+)\s+rels/s\)", str(r["tail"]))
        if m:
            r["import_s"], r["rels_per_s_importer"] = float(m.group(1)), m.group(2)
        own = re.search(r"importer's own time ([\d.]+) s \(without JVM start\): ([\d,]+) "
                        r"nodes/s, ([\d,]+) rels/s", str(r["tail"]))
        if own:
            r["importer_own_s"] = float(own.group(1))
            r["nodes_per_s_importer_own"], r["rels_per_s_importer_own"] = own.group(2, 3)
        out["ingest_bulk"] = r
    r = timed([*gk, "--seed", "1", "train", "-o", "human", "--source", "biogrid"], env)
    out["train_default"] = r
    save(name, out)  # kept if the predict step below is interrupted
    runs = sorted((REPO / ".genekg-test" / "runs-scale").iterdir())
    r = timed([*gk, "predict", "--run", str(runs[-1]), "--top-k", "10000"], env)
    r["server_peak_mib"] = server_rss_mib() or -1
    out["predict_top10000_writeback"] = r
    save(name, out)


if __name__ == "__main__":
    main()
