"""Graph similarity features on sparse adjacency matrices (shared by the GNE baselines
and the expression-prediction feature sets). Scores are computed only for the pairs
asked for; nothing M×M is densified.

Definitions (Γ(x) = neighbours of x, k_x = |Γ(x)|, A = adjacency):
* common neighbours        CN(x, y) = |Γ(x) ∩ Γ(y)|                 = (A²)_xy
* Adamic-Adar              AA(x, y) = Σ_{z ∈ Γ(x)∩Γ(y)} 1 / log k_z
* resource allocation      RA(x, y) = Σ_{z ∈ Γ(x)∩Γ(y)} 1 / k_z
* preferential attachment  PA(x, y) = k_x · k_y
* local path index         LP(x, y) = (A²)_xy + β (A³)_xy
(formulas and more scores — L3, A³, Jaccard — in `genekg.linkpred.scores`)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

# The pair scores live in genekg.linkpred.scores (one copy); re-exported here for the
# expression feature sets and older imports.
from genekg.linkpred.scores import (
    adamic_adar,
    adjacency,
    common_neighbours,
    local_path_index,
    preferential_attachment,
    resource_allocation,
)


def spectral_embedding(a: sp.csr_matrix, dim: int = 128, seed: int = 0,
                       spectrum: str = "magnitude", tau: float = 0.0) -> np.ndarray:
    """Spectral embedding of N = D^-1/2 A D^-1/2, U · sqrt(|Λ|), `dim` columns.

    spectrum="magnitude": the truncated SVD of N (N is symmetric, so its `dim` eigenpairs
    of largest |λ|: community structure from the positive end, bipartite-like "my
    partners are not partners of each other" structure from the negative end).
    spectrum="positive": the `dim` largest algebraic eigenpairs only.
    tau > 0: regularised, D + tau·mean(degree)·I in place of D (Chaudhuri et al. 2012,
    Qin & Rohe 2013). In a sparse training graph every small connected component has
    eigenvalue ±1, so the top of N's spectrum is a seed-dependent pick of component
    indicators; regularising shrinks those (a 2-gene component gets 1/(1 + tau·mean)).
    """
    from scipy.sparse.linalg import eigsh

    if spectrum not in ("magnitude", "positive"):
        raise ValueError(f"spectrum must be magnitude or positive, not {spectrum!r}")
    k = np.asarray(a.sum(axis=1)).ravel().astype(np.float64)
    k = k + tau * k.mean()
    inv = np.zeros_like(k)
    inv[k > 0] = 1.0 / np.sqrt(k[k > 0])
    norm = (sp.diags(inv) @ a @ sp.diags(inv)).astype(np.float64)
    dim = min(dim, a.shape[0] - 2)
    v0 = np.random.default_rng(seed).uniform(-1, 1, size=a.shape[0])
    w, u = eigsh(norm, k=dim, which="LA" if spectrum == "positive" else "LM", v0=v0)
    order = np.argsort(-np.abs(w) if spectrum == "magnitude" else -w)
    w, u = w[order], u[:, order]
    # The sign of an eigenvector is arbitrary; fix it so the output is reproducible.
    u *= np.sign(u[np.abs(u).argmax(axis=0), np.arange(u.shape[1])])
    return (u * np.sqrt(np.abs(w) if spectrum == "magnitude" else np.clip(w, 0.0, None))
            ).astype(np.float32)


# Embedding methods built on spectral_embedding: method name -> its keyword arguments.
SPECTRAL_METHODS: dict[str, dict[str, Any]] = {
    "spectral": {"spectrum": "magnitude"},
    "spectral-pos": {"spectrum": "positive"},
}


def relative_entropy(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """Relative-entropy structural dissimilarity (Zhang, Li & Deng 2018; Al taweraqi & King).

    Node i's local network is i and its neighbours; P(i) is their degrees normalised to sum
    to 1, sorted in decreasing order (zero beyond Degree(i) + 1). For a pair,
    D_KL(P(i)||P(j)) = Σ_{k=1}^{m'} P(i,k) ln(P(i,k)/P(j,k)), m' = min(deg i, deg j) + 1,
    and S(i, j) = D_KL(P(i)||P(j)) + D_KL(P(j)||P(i)). Small S = structurally similar.
    Isolated nodes get NaN (no distribution).
    """
    k = np.asarray(a.sum(axis=1)).ravel()
    a = a.tocsr()
    n = a.shape[0]
    width = int(k.max()) + 1 if n else 1
    # Row i: degrees of i and its neighbours, normalised, sorted in decreasing order,
    # zero-padded to the largest local network.
    dist = np.zeros((n, width))
    for i in range(n):
        local = np.concatenate([[k[i]], k[a.indices[a.indptr[i] : a.indptr[i + 1]]]])
        if local.sum() > 0:
            dist[i, : len(local)] = np.sort(local / local.sum())[::-1]
    out = np.full(len(pairs), np.nan)
    cols = np.arange(width)
    step = max(1000, 20_000_000 // width)  # bound the (pairs × width) block
    for s0 in range(0, len(pairs), step):
        p = pairs[s0 : s0 + step]
        ki, kj = k[p[:, 0]], k[p[:, 1]]
        ok = (ki > 0) & (kj > 0)
        m = (np.minimum(ki, kj) + 1)[:, None]
        x, y = dist[p[:, 0]], dist[p[:, 1]]
        mask = (cols[None, :] < m) & ok[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(mask, x * np.log(x / y) + y * np.log(y / x), 0.0)
        out[s0 : s0 + step] = np.where(ok, terms.sum(axis=1), np.nan)
    return out


def laplacian_eigenmaps(a: sp.csr_matrix, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Belkin & Niyogi: the `dim` smallest non-trivial eigenvectors of the normalised
    Laplacian of the (0/1-weighted) graph, computed sparsely (shift-invert free)."""
    from scipy.sparse.linalg import eigsh

    k = np.asarray(a.sum(axis=1)).ravel()
    inv = np.zeros_like(k)
    inv[k > 0] = 1.0 / np.sqrt(k[k > 0])
    # Largest eigenvectors of D^-1/2 A D^-1/2 = smallest of L = I - D^-1/2 A D^-1/2.
    norm = sp.diags(inv) @ a @ sp.diags(inv)
    n = a.shape[0]
    dim = min(dim, n - 2)
    v0 = np.random.default_rng(seed).uniform(-1, 1, n)
    vals, vecs = eigsh(norm.astype(np.float64), k=dim + 1, which="LA", v0=v0)
    order = np.argsort(-vals)[1:]  # drop the trivial eigenvector
    return (vecs[:, order] * inv[:, None]).astype(np.float32)


def locally_linear_embedding(a: sp.csr_matrix, dim: int = 16, n_neighbors: int = 10,
                             seed: int = 0) -> np.ndarray:
    """LLE (Roweis & Saul) on nodes described by a 64-dim truncated SVD of the adjacency
    (so the k-nearest-neighbour search never needs the dense M×M adjacency).

    Structurally equivalent nodes (same neighbours) have identical coordinates and make
    the LLE weight system singular; LLE runs on the distinct points and equivalent nodes
    share one embedding.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.manifold import LocallyLinearEmbedding

    comps = min(64, a.shape[0] - 1)
    x = TruncatedSVD(n_components=comps, random_state=seed).fit_transform(a.astype(np.float64))
    uniq, inverse = np.unique(np.round(x, 8), axis=0, return_inverse=True)
    k = min(max(n_neighbors, dim + 1), len(uniq) - 1)
    lle = LocallyLinearEmbedding(n_components=min(dim, comps - 1, k - 1), n_neighbors=k,
                                 random_state=seed, reg=1e-2,
                                 eigen_solver="dense" if len(uniq) < 1000 else "arpack")
    emb = lle.fit_transform(uniq)
    return emb[inverse.ravel()].astype(np.float32)


__all__ = ["adamic_adar", "adjacency", "common_neighbours", "laplacian_eigenmaps",
           "local_path_index", "locally_linear_embedding", "preferential_attachment",
           "relative_entropy", "resource_allocation", "spectral_embedding"]
