"""genekg from a notebook: the answers of `genekg query`, `score` and `export` as pandas
DataFrames and NetworkX graphs.

    >>> import genekg.api as kg
    >>> db = kg.connect()                      # the local server, as the CLI finds it
    >>> kg.runs(db)                            # prediction runs in the graph
    >>> kg.partners("TP53", run=..., k=10, db=db)
    >>> kg.score_pairs(run_dir, [("TP53", "MDM2")], db=db)
    >>> kg.neighbourhood(["TP53"], run=..., db=db).to_networkx()

Every function takes the `Database` from `connect()`; the same rows as the CLI prints.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pandas as pd

from genekg.db import Database, GraphStore, connect, load_query
from genekg.export import Subgraph
from genekg.export import neighbourhood as _neighbourhood

__all__ = ["Database", "Subgraph", "connect", "neighbourhood", "partners", "runs",
           "score_pairs"]


def runs(db: GraphStore) -> pd.DataFrame:
    """Prediction runs in the graph: run id, model, edges, score range, when written."""
    rows = db.run(load_query("runs").text)
    return pd.DataFrame(rows, columns=["run_id", "model", "edges", "min_score", "max_score",
                                       "written_at"])


def partners(gene: str, db: GraphStore, run: str | None = None, k: int = 10) -> pd.DataFrame:
    """A gene's top `k` predicted partners (symbol or id), best first: the rows of
    `genekg query top_partners`."""
    rows = db.run(load_query("top_partners").text, {"gene": gene, "limit": int(k),
                                                    "run": run})
    return pd.DataFrame(rows)


def score_pairs(run: str, pairs: list[tuple[str, str]], db: GraphStore) -> pd.DataFrame:
    """Score pairs with a run (id or folder): the rows of `genekg score`."""
    from genekg.linkpred.predict import score_pairs as _score
    from genekg.linkpred.runs import Run

    return pd.DataFrame([asdict(s) for s in _score(db, Run.open(run), pairs)])


def neighbourhood(genes: list[str] | str, db: GraphStore, run: str | None = None,
                  hops: int = 1, **kw: Any) -> Subgraph:
    """A gene set's neighbourhood over known and run `run`'s predicted interactions
    (`genekg export cytoscape`'s subgraph); `.to_networkx()` for analysis."""
    return _neighbourhood(db, [genes] if isinstance(genes, str) else list(genes),
                          hops=hops, run=run, **kw)
