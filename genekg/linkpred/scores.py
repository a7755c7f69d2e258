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
PATH3_CHUNK = 2_000  # pairs per block for length-3 scores (rows of A·A can be dense)


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
    k = degrees(a)
    w = np.zeros_like(k)
    w[k > 1] = 1.0 / np.log(k[k > 1])
    return weighted_common(a, pairs, w)


def resource_allocation(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """RA(x, y) = Σ_{z ∈ Γ(x)∩Γ(y)} 1 / k_z."""
    k = degrees(a)
    w = np.zeros_like(k)
    w[k > 0] = 1.0 / k[k > 0]
    return weighted_common(a, pairs, w)


def preferential_attachment(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """PA(x, y) = k_x · k_y."""
    k = degrees(a)
    return k[pairs[:, 0]] * k[pairs[:, 1]]


def paths3(a: sp.csr_matrix, pairs: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_{u,v} a_xu w_u a_uv w_v a_vy for each pair: (S S A)_xy with S = A·diag(w).

    Row block S[x] @ S holds the weighted two-step reach of each x (at most PATH3_CHUNK
    rows at a time), dotted with row y of A (A is symmetric, so column y = row y).
    """
    s = a.multiply(w[np.newaxis, :]).tocsr()
    return chunked(pairs, lambda p: rowdot((s[p[:, 0]] @ s).tocsr(), a[p[:, 1]]),
                   PATH3_CHUNK)


def a3(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """A³(x, y): the number of paths of length 3 between x and y."""
    return paths3(a, pairs, np.ones(a.shape[0]))


def l3(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """L3(x, y) = Σ_{u,v} a_xu a_uv a_vy / √(k_u k_v) (Kovács et al. 2019)."""
    k = degrees(a)
    w = np.zeros_like(k)
    w[k > 0] = 1.0 / np.sqrt(k[k > 0])
    return paths3(a, pairs, w)


def local_path_index(a: sp.csr_matrix, pairs: np.ndarray, beta: float = 0.01) -> np.ndarray:
    """LP(x, y) = (A²)_xy + β (A³)_xy."""
    return common_neighbours(a, pairs) + beta * a3(a, pairs)


# Name -> score function: the pair scores the link-prediction registry and the stacked
# ensemble draw from (one table, so a new score is one function plus one line here).
PAIR_SCORES: dict[str, Callable[[sp.csr_matrix, np.ndarray], np.ndarray]] = {
    "l3": l3, "a3": a3, "cn": common_neighbours, "aa": adamic_adar,
    "ra": resource_allocation, "jaccard": jaccard, "pa": preferential_attachment,
}
