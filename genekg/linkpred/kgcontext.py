"""Knowledge-graph context of gene pairs: what genekg knows around a pair beyond the network.

For the genes of a network, `pull_context` reads their super-node memberships (KEGG
pathways, drugs that target them, cancer cell lines where they are mutated) and their KEGG
relations; `pair_features` turns those into per-pair numbers. None of them reads an
INTERACTS_WITH edge, so they cannot leak a held-out interaction; they are what ranks a
pair whose genes have no training edge at all (26% of human test positives).

Features of a pair (x, y), with P(x) the pathways of x, D(x) its drugs, C(x) its mutated
cell lines and |s| the number of genes in super node s:
* shared_pathways = |P(x) ∩ P(y)|, pathway_jaccard = |P(x) ∩ P(y)| / |P(x) ∪ P(y)|
* shared_drugs    = |D(x) ∩ D(y)| (drugs that target both)
* co_mutated      = |C(x) ∩ C(y)|, co_mutation_jaccard likewise
* super_ra        = Σ_{s ∈ super nodes of both} 1 / |s| (resource allocation through super
  nodes: a small shared pathway says more than a large one)
* super_hops      = 2 if the pair shares any super node, 4 if a super node of x and one
  of y share a gene, else 6 — the distance via super nodes, capped
* kegg_relation   = 1 if KEGG draws a relation between the two genes (KEGG encodes some
  protein interactions itself; reported separately so its share of the gain is known)
* min/max of per-gene counts (pathways, drugs, cell lines): how much the graph knows
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from genekg.db.store import GraphStore
from genekg.linkpred.scores import chunked, rowdot

KINDS = ("pathway", "drug", "cell_line")


@dataclass
class GeneContext:
    """Super-node memberships (genes × super nodes, 0/1) and KEGG relations (genes × genes)."""

    genes: list[str]
    membership: dict[str, sp.csr_matrix]
    super_ids: dict[str, list[str]]
    kegg: sp.csr_matrix

    @property
    def empty(self) -> bool:
        """True when the graph has no pathway, drug, cell-line or KEGG data for these genes."""
        return all(m.nnz == 0 for m in self.membership.values()) and self.kegg.nnz == 0

    def digest(self) -> str:
        """sha256 of every membership and KEGG relation (by super-node id), so a run can
        tell whether the live graph still gives the context it was trained with."""
        h = hashlib.sha256()
        for kind in sorted(self.membership):
            m = self.membership[kind].tocsr()
            m.sort_indices()
            h.update(kind.encode())
            h.update(json.dumps(self.super_ids[kind]).encode())
            h.update(m.indptr.astype(np.int64).tobytes())
            h.update(m.indices.astype(np.int64).tobytes())
        k = self.kegg.tocsr()
        k.sort_indices()
        h.update(k.indptr.astype(np.int64).tobytes())
        h.update(k.indices.astype(np.int64).tobytes())
        return h.hexdigest()

    def fingerprint(self) -> dict[str, int]:
        """Sizes of the context (recorded with each run)."""
        out = {f"{k}_links": int(m.nnz) for k, m in self.membership.items()}
        out["kegg_relations"] = int(self.kegg.nnz // 2)
        return out


def build_context(genes: list[str], rows: list[dict[str, Any]]) -> GeneContext:
    """Assemble a GeneContext from per-gene rows ({'gene', 'pathway', 'drug', …})."""
    idx = {g: i for i, g in enumerate(genes)}
    n = len(genes)
    membership: dict[str, sp.csr_matrix] = {}
    super_ids: dict[str, list[str]] = {}
    for kind in KINDS:
        ids = sorted({s for r in rows for s in r.get(kind) or []})
        col = {s: j for j, s in enumerate(ids)}
        ri = [idx[r["gene"]] for r in rows if r["gene"] in idx for _ in r.get(kind) or []]
        ci = [col[s] for r in rows if r["gene"] in idx for s in r.get(kind) or []]
        m = sp.csr_matrix((np.ones(len(ri)), (ri, ci)), shape=(n, len(ids)))
        m.data[:] = 1.0
        membership[kind], super_ids[kind] = m, ids
    ki = [(idx[r["gene"]], idx[h]) for r in rows if r["gene"] in idx
          for h in r.get("kegg") or [] if h in idx and h != r["gene"]]
    k = np.array(ki, dtype=np.int64).reshape(-1, 2)
    kegg = sp.csr_matrix((np.ones(2 * len(k)), (np.r_[k[:, 0], k[:, 1]], np.r_[k[:, 1], k[:, 0]])),
                         shape=(n, n))
    kegg.data[:] = 1.0
    return GeneContext(genes, membership, super_ids, kegg)


def pull_context(db: GraphStore, genes: list[str], batch: int = 5000) -> GeneContext:
    """Read the context of `genes` (query `linkpred/gene_context`), in batches of ids."""
    rows: list[dict[str, Any]] = []
    for s in range(0, len(genes), batch):
        rows += db.run("linkpred/gene_context", {"ids": genes[s : s + batch]})
    return build_context(genes, rows)


FEATURES = ("shared_pathways", "pathway_jaccard", "shared_drugs", "co_mutated",
            "co_mutation_jaccard", "super_ra", "super_hops", "kegg_relation",
            "min_pathways", "max_pathways", "min_drugs", "max_drugs", "min_cell_lines",
            "max_cell_lines")


def _shared_and_jaccard(m: sp.csr_matrix, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    shared = chunked(pairs, lambda p: rowdot(m[p[:, 0]], m[p[:, 1]]))
    size = np.asarray(m.sum(axis=1)).ravel()
    union = size[pairs[:, 0]] + size[pairs[:, 1]] - shared
    return shared, np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def pair_features(ctx: GeneContext, pairs: np.ndarray) -> dict[str, np.ndarray]:
    """The features above for index pairs into ctx.genes; memory linear in memberships."""
    pw, dr, cl = (ctx.membership[k] for k in KINDS)
    out: dict[str, np.ndarray] = {}
    out["shared_pathways"], out["pathway_jaccard"] = _shared_and_jaccard(pw, pairs)
    out["shared_drugs"], _ = _shared_and_jaccard(dr, pairs)
    out["co_mutated"], out["co_mutation_jaccard"] = _shared_and_jaccard(cl, pairs)
    allm = sp.hstack([pw, dr, cl]).tocsr()
    size = np.asarray(allm.sum(axis=0)).ravel()
    inv = np.divide(1.0, size, out=np.zeros_like(size), where=size > 0)
    weighted = allm.multiply(inv[np.newaxis, :]).tocsr()
    out["super_ra"] = chunked(pairs, lambda p: rowdot(weighted[p[:, 0]], allm[p[:, 1]]))
    # Four hops: gene x -> super node -> gene z -> super node <- y. Computed as
    # (M[x] Mᵀ) · (M[y] Mᵀ) > 0 on chunks of pairs (genes reached in two hops).
    allt = allm.T.tocsr()

    def four(p: np.ndarray) -> np.ndarray:
        rx = (allm[p[:, 0]] @ allt).tocsr()
        ry = (allm[p[:, 1]] @ allt).tocsr()
        return rowdot(rx, ry)

    shares = chunked(pairs, lambda p: rowdot(allm[p[:, 0]], allm[p[:, 1]]))
    reach4 = chunked(pairs, four, 1000)
    out["super_hops"] = np.where(shares > 0, 2.0, np.where(reach4 > 0, 4.0, 6.0))
    out["kegg_relation"] = np.asarray(ctx.kegg[pairs[:, 0], pairs[:, 1]]).ravel()
    for kind, name in zip(KINDS, ("pathways", "drugs", "cell_lines"), strict=True):
        n = np.log1p(np.asarray(ctx.membership[kind].sum(axis=1)).ravel())
        a, b = n[pairs[:, 0]], n[pairs[:, 1]]
        out[f"min_{name}"], out[f"max_{name}"] = np.minimum(a, b), np.maximum(a, b)
    return out
