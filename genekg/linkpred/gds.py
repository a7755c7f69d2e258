"""Embedding baselines computed by GDS on a projection of the TRAINING edges only.

The projection is built with Cypher aggregation from the training pairs sent as a
parameter (plus every gene as a lone node), so no validation or test edge can reach
node2vec, DeepWalk or FastRP.
"""

from __future__ import annotations

import uuid

import numpy as np

from genekg.db.store import GraphStore


def project_training_graph(db: GraphStore, genes: list[str], train: np.ndarray) -> str:
    """Project the training edges only into a named GDS graph; its name."""
    name = f"genekg_train_{uuid.uuid4().hex[:10]}"
    rows: list[list[str | None]] = [[genes[i], genes[j]] for i, j in train]
    rows += [[g, None] for g in genes]
    db.run("gds/project_training", {"rows": rows, "name": name})
    return name


def drop_graph(db: GraphStore, name: str) -> None:
    """Drop a GDS in-memory graph if it exists."""
    db.run("gds/drop", {"name": name})


def gds_embedding(
    db: GraphStore, graph: str, genes: list[str], method: str, *, dim: int = 128, seed: int = 0,
    concurrency: int = 1, p: float = 1.0, q: float = 0.5,
) -> np.ndarray:
    """node2vec (p=1, q=0.5: walks biased outwards) / deepwalk (p=q=1) / fastrp.

    concurrency 1 by default: GDS random walks are reproducible under a seed only then.
    """
    if method in ("node2vec", "deepwalk"):
        if method == "deepwalk":
            p = q = 1.0
        query = "gds/node2vec"
    elif method == "fastrp":
        query = "gds/fastrp"
    else:
        raise ValueError(method)
    rows = db.scalar(query, {"g": graph, "dim": dim, "seed": seed, "c": concurrency,
                             "p": p, "q": q})
    idx = {g: i for i, g in enumerate(genes)}
    out = np.zeros((len(genes), dim), dtype=np.float32)
    for gid, emb in rows:
        out[idx[gid]] = emb
    return out
