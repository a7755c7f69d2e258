"""Pair scores on a sparse training adjacency: neighbourhood and path-of-length-3 indices.

Every score is computed for the pairs asked for only, in chunks, from CSR rows: memory is
linear in the number of edges (plus one chunk of two-hop rows), never M×M.

Notation: A = 0/1 symmetric adjacency of the training graph, Γ(x) = neighbours of x,
k_x = |Γ(x)|.

* common neighbours        CN(x, y) = |Γ(x) ∩ Γ(y)| = (A²)_xy
* Jaccard                  J(x, y)  = CN / |Γ(x) ∪ Γ(y)| = CN / (k_x + k_y − CN)
* Adamic-Adar              AA(x, y) = Σ_{z ∈ Γ(x)∩Γ(y)} 1 / log k_z
* resource allocation      RA(x, y) = Σ_{z ∈ Γ(x)∩Γ(y)} 1 / k_z
* preferential attachment  PA(x, y) = k_x · k_y
* paths of length 3        A³(x, y) = Σ_{u,v} a_xu a_uv a_vy = (A³)_xy
* L3 (Kovács et al., Nat. Commun. 10:1240, 2019)
                           L3(x, y) = Σ_{u,v} a_xu a_uv a_vy / √(k_u k_v)
  — proteins interact when one is similar to the other's partners ("paths of length 3"),
  degree-normalised so hubs on the path do not dominate.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

CHUNK = 20_000  # pairs per block for two-hop scores (rows of A are sparse)
PATH3_BLOCK = 4_000_000  # numbers in one dense block of two-step reach (32 MB)


def adjacency(edges: np.ndarray, n: int) -> sp.csr_matrix:
    """Symmetric 0/1 CSR adjacency of an undirected edge list (duplicates collapse)."""
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    rows = np.concatenate([e[:, 0], e[:, 1]])
    cols = np.concatenate([e[:, 1], e[:, 0]])
    a = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, n))
    a.data[:] = 1.0
    return a


def degrees(a: sp.csr_matrix) -> np.ndarray:
    """Row sums of the adjacency (node degrees) as float64."""
    return np.asarray(a.sum(axis=1)).ravel().astype(np.float64)


def chunked(pairs: np.ndarray, fn: Callable[[np.ndarray], np.ndarray],
            chunk: int = CHUNK) -> np.ndarray:
    """Apply `fn` to consecutive blocks of `pairs`; concatenate the results."""
    out = np.empty(len(pairs))
    for s in range(0, len(pairs), chunk):
        out[s : s + chunk] = fn(pairs[s : s + chunk])
    return out


def rowdot(left: sp.spmatrix, right: sp.spmatrix) -> np.ndarray:
    """Row-wise dot products of two sparse matrices of the same shape."""
    return np.asarray(left.multiply(right).sum(axis=1)).ravel()


def path_weights(a: sp.csr_matrix, name: str) -> np.ndarray:
    """The weight each intermediate gene z carries in score `name`: 1 (CN, A³, Jaccard,
    HPI), 1/log k_z (AA; 0 for k_z ≤ 1, which cannot be shared), 1/k_z (RA), 1/√k_z (L3:
    applied to both inner genes of a path). One definition for pairs and row blocks."""
    k = degrees(a)
    w = np.zeros_like(k)
    if name in ("cn", "a3", "jaccard", "hpi"):
        w[:] = 1.0
    elif name == "aa":
        w[k > 1] = 1.0 / np.log(k[k > 1])
    elif name == "ra":
        w[k > 0] = 1.0 / k[k > 0]
    elif name == "l3":
        w[k > 0] = 1.0 / np.sqrt(k[k > 0])
    else:
        raise KeyError(name)
    return w


def weighted_common(a: sp.csr_matrix, pairs: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_z A_xz w_z A_zy for each pair (x, y), from rows of A (no A·W·A product)."""
    aw = a.multiply(w[np.newaxis, :]).tocsr()
    return chunked(pairs, lambda p: rowdot(aw[p[:, 0]], a[p[:, 1]]))


def common_neighbours(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """CN(x, y) = |Γ(x) ∩ Γ(y)|."""
    return weighted_common(a, pairs, np.ones(a.shape[0]))


def jaccard(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """J(x, y) = CN / (k_x + k_y − CN); 0 where both genes are isolated."""
    cn = common_neighbours(a, pairs)
    k = degrees(a)
    union = k[pairs[:, 0]] + k[pairs[:, 1]] - cn
    return np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)


def adamic_adar(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """AA(x, y) = Σ_{z ∈ Γ(x)∩Γ(y)} 1 / log k_z (shared partners of degree 1 cannot occur)."""
    return weighted_common(a, pairs, path_weights(a, "aa"))


def resource_allocation(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """RA(x, y) = Σ_{z ∈ Γ(x)∩Γ(y)} 1 / k_z."""
    return weighted_common(a, pairs, path_weights(a, "ra"))


def preferential_attachment(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """PA(x, y) = k_x · k_y."""
    k = degrees(a)
    return k[pairs[:, 0]] * k[pairs[:, 1]]


def paths3(a: sp.csr_matrix, pairs: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_{u,v} a_xu w_u a_uv w_v a_vy for each pair: (S S A)_xy with S = A·diag(w).

    Pairs are grouped by their first gene: the two-step reach S[x] @ S is computed once per
    distinct x (candidate sets hold ~50 pairs per gene, test sets many), as a dense block
    of at most PATH3_BLOCK numbers, and read at the neighbours of y (A is symmetric, so
    column y = row y). Memory: one block plus the rows of A of the block's pairs.
    """
    n = a.shape[0]
    out = np.zeros(len(pairs))
    if not len(pairs):
        return out
    s = a.multiply(w[np.newaxis, :]).tocsr()
    order = np.argsort(pairs[:, 0], kind="stable")
    xs = pairs[order, 0]
    ux, first = np.unique(xs, return_index=True)
    bounds = np.r_[first, len(xs)]
    step = max(1, PATH3_BLOCK // max(n, 1))
    for c in range(0, len(ux), step):
        cx = ux[c : c + step]
        reach = (s[cx] @ s).toarray()  # (|cx|, n): weighted two-step reach of each x
        idx = order[bounds[c] : bounds[min(c + step, len(ux))]]
        row = np.searchsorted(cx, pairs[idx, 0])
        ay = a[pairs[idx, 1]]
        counts = np.diff(ay.indptr)
        vals = reach[np.repeat(row, counts), ay.indices] * ay.data
        out[idx] = np.bincount(np.repeat(np.arange(len(idx)), counts), weights=vals,
                               minlength=len(idx))
    return out


def a3(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """A³(x, y): the number of paths of length 3 between x and y."""
    return paths3(a, pairs, np.ones(a.shape[0]))


def l3(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """L3(x, y) = Σ_{u,v} a_xu a_uv a_vy / √(k_u k_v) (Kovács et al. 2019)."""
    return paths3(a, pairs, path_weights(a, "l3"))


def local_path_index(a: sp.csr_matrix, pairs: np.ndarray, beta: float = 0.01) -> np.ndarray:
    """LP(x, y) = (A²)_xy + β (A³)_xy."""
    return common_neighbours(a, pairs) + beta * a3(a, pairs)


# Name -> score function: the pair scores the link-prediction registry and the stacked
# ensemble draw from (one table, so a new score is one function plus one line here).
PAIR_SCORES: dict[str, Callable[[sp.csr_matrix, np.ndarray], np.ndarray]] = {
    "l3": l3, "a3": a3, "cn": common_neighbours, "aa": adamic_adar,
    "ra": resource_allocation, "jaccard": jaccard, "pa": preferential_attachment,
}


# ------------------------------------------------------------- row blocks (stage 1)
def block_scores(name: str, a: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """The pair score `name` of (row gene, every gene) as a dense (len(rows), n) block,
    from sparse row products: what predict's stage 1 ranks each gene's partners by.
    Equal to `PAIR_SCORES[name]` on the same pairs."""
    k = degrees(a)
    if name == "pa":
        return np.outer(k[rows], k)
    w = path_weights(a, name)
    if name in ("l3", "a3"):
        s = a.multiply(w[np.newaxis, :]).tocsr()
        return np.asarray((s[rows] @ s @ a).toarray())
    cn = np.asarray((a[rows].multiply(w[np.newaxis, :]) @ a).toarray())
    if name == "jaccard":
        union = k[rows][:, None] + k[None, :] - cn
        return np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)
    if name == "hpi":
        low = np.minimum(k[rows][:, None], k[None, :])
        return np.divide(cn, low, out=np.zeros_like(cn), where=low > 0)
    return cn  # cn, aa, ra: weighted common neighbours
