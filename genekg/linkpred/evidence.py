"""What the graph says about a predicted pair besides its score: shared partners, the
strongest path of length 3 through known interactions, shared KEGG pathways and drugs
(query `predict/evidence`), and each gene's place of the other in its own list."""

from __future__ import annotations

from typing import Any

import numpy as np

from genekg.db import GraphStore
from genekg.linkpred.prediction import Prediction


def display_names(genes: list[str], table: Any) -> list[str]:
    """Symbol of each run gene where known, else its id (as the query library shows them)."""
    sym = table["symbol"].tolist() if "symbol" in getattr(table, "columns", []) else []
    return [s if isinstance(s, str) and s else g
            for g, s in zip(genes, sym or [None] * len(genes), strict=True)]


def shared_partners(adj: Any, i: int, j: int, names: list[str],
                     k: int = 5) -> tuple[int, list[str]]:
    """How many known partners the two genes share, and up to k of them alphabetically
    (one intersection of their adjacency rows: O(deg i + deg j), cheap even between hubs)."""
    common = np.intersect1d(adj.indices[adj.indptr[i]:adj.indptr[i + 1]],
                            adj.indices[adj.indptr[j]:adj.indptr[j + 1]], assume_unique=True)
    return len(common), sorted(names[c] for c in common)[:k]


def strongest_path3(adj: Any, i: int, j: int, names: list[str]) -> list[str]:
    """The path i–u–v–j through known interactions with the largest L3 weight
    1/√(k_u k_v) (ties: first in index order), as names; [] when there is none. Cost
    O(k_i · k_j) lookups in the adjacency rows, cheap for the genes a curator reads."""
    nu = adj.indices[adj.indptr[i]:adj.indptr[i + 1]]
    nv = adj.indices[adj.indptr[j]:adj.indptr[j + 1]]
    nu, nv = nu[nu != j], nv[nv != i]
    if not len(nu) or not len(nv):
        return []
    sub = adj[nu][:, nv].tocoo()
    if not sub.nnz:
        return []
    k = np.diff(adj.indptr).astype(np.float64)
    u, v = nu[sub.row], nv[sub.col]
    ok = u != v
    if not ok.any():
        return []
    u, v = u[ok], v[ok]
    best = int(np.argmax(1.0 / np.sqrt(k[u] * k[v])))
    return [names[i], names[int(u[best])], names[int(v[best])], names[j]]


def annotate(db: GraphStore, preds: list[Prediction]) -> None:
    """Named evidence for curators from the graph: the KEGG pathways both genes are in and
    the drugs targeting both (query `predict/evidence`); shared partners come from the
    adjacency in `predict`."""
    for start in range(0, len(preds), 5000):
        chunk = preds[start : start + 5000]
        rows = db.scalar("predict/evidence", {"a": [p.a for p in chunk],
                                              "b": [p.b for p in chunk]}) or []
        for p, (pw, dr, kegg) in zip(chunk, rows, strict=True):
            p.pathways, p.drugs = list(pw), list(dr)
            p.shares_pathway, p.shares_drug_target = bool(pw), bool(dr)
            p.kegg_relation = bool(kegg)


def per_gene_ranks(preds: list[Prediction]) -> None:
    """Set each prediction's `gene_ranks`: the partner's place in each gene's own list
    (predictions are in score order, so a gene's n-th appearance is its n-th partner)."""
    seen: dict[str, int] = {}
    for p in preds:
        seen[p.a] = seen.get(p.a, 0) + 1
        seen[p.b] = seen.get(p.b, 0) + 1
        p.gene_ranks = (seen[p.a], seen[p.b])

