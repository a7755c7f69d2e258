"""Shared benchmark helpers: a server to talk to, the shared data, peak memory, timing."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"
T = TypeVar("T")


def require_shared() -> Path:
    if not SHARED.is_dir():
        sys.exit(f"benchmarks need ../shared/data (not found at {SHARED})")
    return SHARED


def server_db() -> Any:
    """Start (if needed) the benchmark server in .genekg-test/ and connect."""
    os.environ.setdefault("GENEKG_HOME", str(REPO / ".genekg-test" / "neo4j"))
    from genekg.db import connect
    from genekg.server.manager import ServerConfig, ServerManager

    m = ServerManager(ServerConfig.from_env())
    m.install()
    m.start()
    return connect(m.config.bolt_uri)


def wipe(db: Any) -> None:
    db.run("CALL gds.graph.list() YIELD graphName "
           "CALL gds.graph.drop(graphName, false) YIELD graphName AS d RETURN count(d) AS n")
    db.run_autocommit("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS")
    db.run_autocommit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# A run's written predictions in predict's rank order, each with the expected precision it
# was stated with and whether a later release (tag) holds the pair: what the tour's
# after-the-fact benchmarks (hub_cap.py, ep_observed.py) read.
WRITTEN = ("MATCH (a:Gene)-[p:PREDICTED_INTERACTION {run_id: $run}]->(b:Gene) "
           "WHERE p.rank IS NOT NULL "
           "RETURN a.id AS a, b.id AS b, p.rank AS rank, p.expected_precision AS ep, "
           "EXISTS { (a)-[i:INTERACTS_WITH]-(b) WHERE $tag IN i.seen_in } AS confirmed "
           "ORDER BY p.rank")


def written_predictions(run: str, tag: str) -> list[dict[str, Any]]:
    """The written predictions of `run` on the server genekg's settings point at, in rank
    order, with `confirmed` by the release `tag` (WRITTEN)."""
    from genekg.db import connect

    db = connect()
    try:
        return db.run(WRITTEN, {"run": run, "tag": tag})
    finally:
        db.close()


def server_rss_mib() -> float | None:
    from genekg.server.manager import ServerConfig, ServerManager

    pid = ServerManager(ServerConfig.from_env()).pid()
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    box: dict[str, float] = {}
    t0 = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - t0


def best_of(n: int, fn: Callable[[], T]) -> tuple[float, T]:
    best, out = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out  # type: ignore[return-value]


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"machine": f"{os.cpu_count()} cores", **data}
    path.write_text(json.dumps(data, indent=2, default=str))
    print(json.dumps(data, indent=2, default=str))
    return path
