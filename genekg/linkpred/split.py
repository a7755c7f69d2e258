"""Seeded edge splits and negative sampling for link-prediction evaluation.

Protocol (GNE paper): hold out a validation fraction of the positive edges, split the
rest into train and test halves; validation and test each get as many sampled non-edges
as positives; the logistic regression on edge features is fitted on the training edges
plus as many sampled non-edges. Two negative modes:

* `uniform`  — both endpoints uniform over genes (the paper's protocol);
* `degree`   — both endpoints drawn with probability proportional to their degree in
  the full network, so that degree alone carries (almost) no signal: a fair test of
  whether a method learned more than "hubs interact".

Pairs are undirected, encoded as i * M + j with i < j; no negative is an edge of the
full network, no pair appears twice, and the negative sets are disjoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from genekg.errors import GenekgError

NEG_MODES = ("uniform", "degree")


@dataclass
class EdgeSplit:
    """A seeded edge split: training edges, and validation/test positives with their negatives."""
    n_nodes: int
    train: np.ndarray  # (E_tr, 2) int64, i < j
    val_pos: np.ndarray
    val_neg: np.ndarray
    test_pos: np.ndarray
    test_neg: np.ndarray
    train_neg: np.ndarray
    negatives: str
    seed: int

    def train_degree(self) -> np.ndarray:
        """Degree of every gene in the training graph."""
        return np.bincount(self.train.ravel(), minlength=self.n_nodes)


def canonical_pairs(edges: np.ndarray) -> np.ndarray:
    """Pairs as (min, max), de-duplicated and sorted."""
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    e = e[e[:, 0] != e[:, 1]]
    e = np.sort(e, axis=1)
    return np.unique(e, axis=0)


def encode(pairs: np.ndarray, n: int) -> np.ndarray:
    """One int64 per canonical pair (i * n + j), for fast set operations."""
    return pairs[:, 0].astype(np.int64) * n + pairs[:, 1].astype(np.int64)


class PairSet:
    """A set of unordered gene pairs among `n` genes, for membership tests of many pairs at
    once (sorted `encode`d codes, binary search): what a negative must never be."""

    def __init__(self, codes: np.ndarray, n: int) -> None:
        self.codes = np.unique(np.asarray(codes, dtype=np.int64))
        self.n = n

    @classmethod
    def of(cls, pairs: np.ndarray, n: int) -> PairSet:
        """The set of `pairs` (either order; self-pairs ignored)."""
        return cls(encode(canonical_pairs(pairs), n), n)

    @classmethod
    def of_adjacency(cls, a: sp.spmatrix) -> PairSet:
        """The pairs of a symmetric adjacency matrix."""
        up = sp.triu(a, k=1).tocoo()
        return cls.of(np.column_stack([up.row, up.col]), a.shape[0])

    def __len__(self) -> int:
        return len(self.codes)

    def holds(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each pair (a[q], b[q]), in either order, is in the set (a's shape)."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        c = np.minimum(a, b) * self.n + np.maximum(a, b)
        if not len(self.codes):
            return np.zeros(c.shape, dtype=bool)
        at = np.minimum(np.searchsorted(self.codes, c), len(self.codes) - 1)
        return np.asarray(self.codes[at] == c)


def sample_non_edges(
    n_nodes: int,
    count: int,
    forbidden: np.ndarray,
    rng: np.random.Generator,
    *,
    mode: str = "uniform",
    degree: np.ndarray | None = None,
) -> np.ndarray:
    """`count` distinct undirected non-edges whose codes are not in `forbidden`."""
    if mode not in NEG_MODES:
        raise GenekgError(f"unknown negative mode {mode!r}", hint=f"Use one of {NEG_MODES}")
    max_pairs = n_nodes * (n_nodes - 1) // 2
    if count > max_pairs - len(forbidden):
        raise GenekgError(f"cannot sample {count} non-edges among {n_nodes} genes")
    p = None
    if mode == "degree":
        if degree is None:
            raise GenekgError("degree-matched sampling needs node degrees")
        p = degree.astype(float) / degree.sum()
    never = PairSet(forbidden, n_nodes)
    chosen = np.empty(0, dtype=np.int64)
    for _ in range(200):
        need = count - len(chosen)
        if need <= 0:
            break
        k = int(need * 1.3) + 16
        i = rng.choice(n_nodes, size=k, p=p)
        j = rng.choice(n_nodes, size=k, p=p)
        keep = i != j
        a, b = np.minimum(i, j)[keep], np.maximum(i, j)[keep]
        codes = (a.astype(np.int64) * n_nodes + b)[~never.holds(a, b)]
        codes = codes[~np.isin(codes, chosen)]
        _, first = np.unique(codes, return_index=True)
        codes = codes[np.sort(first)]  # dedupe, keep the random order
        chosen = np.concatenate([chosen, codes[:need]])
    if len(chosen) < count:
        raise GenekgError(f"could only sample {len(chosen)} of {count} non-edges "
                          f"({mode} mode); the graph is too dense for this protocol")
    return np.stack([chosen // n_nodes, chosen % n_nodes], axis=1)


def split_edges(
    edges: np.ndarray,
    n_nodes: int,
    *,
    seed: int,
    val_frac: float = 0.1,
    test_frac: float | None = None,
    train_frac: float | None = None,
    negatives: str = "uniform",
) -> EdgeSplit:
    """Split positive edges; default: `val_frac` held out, the rest half train/half test.

    For the sparsity experiment give `test_frac` (e.g. 0.1) and `train_frac` (0.1..0.8);
    all fractions are of the whole edge set.
    """
    pairs = canonical_pairs(edges)
    m = len(pairs)
    n_val = round(val_frac * m)
    if test_frac is None:
        n_test = (m - n_val) // 2
        n_train = m - n_val - n_test
    else:
        n_test = round(test_frac * m)
        n_train = round((train_frac if train_frac is not None else 1.0) * m)
        if 0 < n_val + n_test + n_train - m <= 2:
            n_train = m - n_val - n_test  # rounding only
        if n_val + n_test + n_train > m:
            raise GenekgError(f"val {val_frac} + test {test_frac} + train {train_frac} "
                              "exceed the edge set")
    no_test = test_frac == 0.0  # training for prediction: every edge but validation
    if n_train < 10 or (n_test < 10 and not no_test) or (val_frac > 0 and n_val < 5):
        raise GenekgError(
            f"graph too small to split: {m} edges give train={n_train}, val={n_val}, "
            f"test={n_test}", hint="Load a larger network or lower --val-frac.")
    rng = np.random.default_rng(seed)
    perm = rng.permutation(m)
    val = pairs[perm[:n_val]]
    test = pairs[perm[n_val : n_val + n_test]]
    train = pairs[perm[n_val + n_test : n_val + n_test + n_train]]
    degree = np.bincount(pairs.ravel(), minlength=n_nodes)
    forbidden = encode(pairs, n_nodes)
    neg_all = sample_non_edges(n_nodes, n_val + n_test + n_train, forbidden, rng,
                               mode=negatives, degree=degree)
    return EdgeSplit(
        n_nodes=n_nodes, train=train, val_pos=val, test_pos=test,
        val_neg=neg_all[:n_val], test_neg=neg_all[n_val : n_val + n_test],
        train_neg=neg_all[n_val + n_test :], negatives=negatives, seed=seed,
    )
