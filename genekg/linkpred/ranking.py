"""The one blockwise pass over a ranking, and what reads it.

Every list genekg ranks — predict's global top-k and each gene's own partners, stage 1's
per-gene candidates, the held-out ranks of the retrieval experiments, the counts behind
an expected precision, the rank `genekg score` states for a pair — is read off one loop:
`rank_pass` scores a block of row genes against every gene (a `BlockFn`, usually
`retrieval.stage_scores`), removes self-pairs and excluded pairs (-inf), and hands the
block to each consumer. A consumer keeps what it needs in bounded memory: O(block · n) for
the block, plus its own result (O(m) for a top-m list). Several consumers share one pass,
so a predict that wants both lists scores each block once (the shape of PyKEEN's
`predict` with its score consumers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import scipy.sparse as sp

BlockFn = Callable[[np.ndarray], np.ndarray]
STEP = 256  # genes per block: block memory 256 · n doubles (13 MB for 6,362 genes)
ProgressFn = Callable[[int, int], None]


class BlockConsumer(Protocol):
    """Reads each block of a pass: `scores[r, j]` is the score of (blk[r], j); -inf where
    the pair is not ranked (itself, excluded, or outside stage 1 without a cascade)."""

    def consume(self, blk: np.ndarray, scores: np.ndarray) -> None:
        """Take what this consumer keeps from one block."""


def rank_pass(block: BlockFn, n: int, consumers: Sequence[BlockConsumer], *,
              rows: np.ndarray | None = None, exclude: sp.csr_matrix | None = None,
              step: int = STEP, progress: ProgressFn | None = None) -> None:
    """Score `rows` (default every gene) against all `n` genes, `step` rows at a time,
    and give every block to every consumer. Self-pairs and the pairs of `exclude` are set
    to -inf first, so no consumer can rank them."""
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    for lo in range(0, len(rows), step):
        blk = rows[lo : lo + step]
        s = np.array(block(blk), dtype=np.float64)  # a copy: blocks may be memoised
        s[np.arange(len(blk)), blk] = -np.inf
        if exclude is not None:
            ex = exclude[blk].tocoo()
            s[ex.row, ex.col] = -np.inf
        for c in consumers:
            c.consume(blk, s)
        if progress:
            progress(min(lo + step, len(rows)), len(rows))


class GlobalTopK:
    """The `m` best pairs of the whole list (None: every one), each unordered pair once
    (j > i, or j outside the pass's `rows`), scored at least `minimum`; `candidates`
    counts every ranked pair (before `minimum`)."""

    def __init__(self, n: int, m: int | None, rows: np.ndarray | None = None,
                 minimum: float | None = None) -> None:
        self.n, self.m, self.minimum = n, m, minimum
        self.outside = np.ones(n, dtype=bool)  # genes whose rows the pass never scores
        self.outside[np.arange(n) if rows is None else rows] = False
        self.s = np.empty(0)
        self.code = np.empty(0, dtype=np.int64)
        self.candidates = 0

    def consume(self, blk: np.ndarray, scores: np.ndarray) -> None:
        """Keep the block's best pairs, then the best m so far."""
        once = np.isfinite(scores) & ((np.arange(self.n)[None, :] > blk[:, None])
                                      | self.outside[None, :])
        self.candidates += int(once.sum())
        if self.minimum is not None:
            once &= scores >= self.minimum
        if self.m == 0:
            return
        flat = np.where(once, scores, -np.inf).ravel()
        ok = np.flatnonzero(once.ravel())
        if self.m is not None and len(ok) > self.m:
            ok = ok[np.argpartition(-flat[ok], self.m - 1)[: self.m]]
        i, j = blk[ok // self.n], ok % self.n
        self.s = np.concatenate([self.s, flat[ok]])
        self.code = np.concatenate([self.code, np.minimum(i, j) * self.n + np.maximum(i, j)])
        if self.m is not None and len(self.s) > self.m:
            keep = np.argpartition(-self.s, self.m - 1)[: self.m]
            self.s, self.code = self.s[keep], self.code[keep]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(pairs (i < j), scores), best first (ties in pair order)."""
        order = np.lexsort((self.code, -self.s))
        code = self.code[order]
        return (np.column_stack([code // self.n, code % self.n]).astype(np.int64),
                self.s[order])


class PerGeneTopK:
    """Each row gene's `k` best partners scored at least `minimum`. A row whose ranked
    pairs all score alike proposes none (any k of a tie would be an arbitrary pick: a gene
    without training edges, for L3 or an embedding of the network alone), unless
    `ties_propose`."""

    def __init__(self, n: int, k: int, minimum: float | None = None,
                 ties_propose: bool = False) -> None:
        self.n, self.k = n, min(k, n - 1)
        self.minimum, self.ties_propose = minimum, ties_propose
        self.i: list[np.ndarray] = []
        self.j: list[np.ndarray] = []
        self.s: list[np.ndarray] = []

    def consume(self, blk: np.ndarray, scores: np.ndarray) -> None:
        """Keep each row's k best."""
        if self.k <= 0:
            return
        s = scores if self.minimum is None else np.where(scores >= self.minimum, scores,
                                                         -np.inf)
        top = np.argpartition(-s, self.k - 1, axis=1)[:, : self.k]
        val = np.take_along_axis(s, top, axis=1)
        ok = np.isfinite(val)
        if not self.ties_propose:
            fin = np.isfinite(s)
            hi = np.where(fin, s, -np.inf).max(axis=1)
            low = np.where(fin, s, np.inf).min(axis=1)
            ok &= ~((hi == low) & (fin.sum(axis=1) > 1))[:, None]
        rows = np.repeat(blk, self.k).reshape(len(blk), self.k)[ok]
        self.i.append(rows)
        self.j.append(top[ok])
        self.s.append(val[ok])

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(pairs (i < j), scores): each pair once, whichever gene proposed it."""
        if not self.i:
            return np.empty((0, 2), dtype=np.int64), np.empty(0)
        i, j = np.concatenate(self.i), np.concatenate(self.j)
        code = np.minimum(i, j) * self.n + np.maximum(i, j)
        code, first = np.unique(code, return_index=True)
        return (np.column_stack([code // self.n, code % self.n]).astype(np.int64),
                np.concatenate(self.s)[first])


class RowMax:
    """Each row gene's best ranked score, at least `floor` (a row with nothing ranked
    reads `floor`)."""

    def __init__(self, n: int, floor: float = 0.0) -> None:
        self.best = np.full(n, floor)
        self.floor = floor

    def consume(self, blk: np.ndarray, scores: np.ndarray) -> None:
        """Keep each row's maximum."""
        self.best[blk] = np.maximum(scores.max(axis=1), self.floor)


class ThresholdCounts:
    """How many ranked pairs (each once: j > i) score at least each of `thresholds`, after
    `transform` (the run's calibration)."""

    def __init__(self, n: int, thresholds: np.ndarray,
                 transform: Callable[[np.ndarray], np.ndarray]) -> None:
        self.n, self.thr, self.transform = n, np.asarray(thresholds), transform
        self.counts = np.zeros(len(self.thr))

    def consume(self, blk: np.ndarray, scores: np.ndarray) -> None:
        """Count the block's pairs above each threshold."""
        ok = (np.arange(self.n)[None, :] > blk[:, None]) & np.isfinite(scores)
        v = np.sort(self.transform(scores[ok]))
        self.counts += len(v) - np.searchsorted(v, self.thr, side="left")


class PairRanks:
    """The rank of given partners in each gene's own list (1 = its best; NaN where the
    list never holds the partner): what `genekg score` states, read off predict's list.
    Pairs may repeat and come in either order."""

    def __init__(self, n: int, pairs: np.ndarray) -> None:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        self.flipped = pairs[:, 0] > pairs[:, 1]
        self.canon, self.inverse = np.unique(np.sort(pairs, axis=1), axis=0,
                                             return_inverse=True)
        c, q = self.canon, np.arange(len(self.canon)) + 1
        # (gene, partner) -> canonical pair + 1; side 0 = the lower id's list
        self.want = sp.csr_matrix((np.r_[q, q], (np.r_[c[:, 0], c[:, 1]],
                                                 np.r_[c[:, 1], c[:, 0]])), shape=(n, n))
        self._rank = np.full((len(c), 2), np.nan)
        self._score = np.full(len(c), np.nan)

    def rows(self) -> np.ndarray:
        """The row genes the pass must score."""
        return np.unique(self.canon.ravel())

    def consume(self, blk: np.ndarray, scores: np.ndarray) -> None:
        """Rank each asked partner among the row's ranked pairs."""
        w = self.want[blk].tocoo()
        for r, j, q in zip(w.row.tolist(), w.col.tolist(), (w.data - 1).tolist(),
                           strict=True):
            v = scores[r, j]
            if np.isfinite(v):
                self._rank[q, 0 if self.canon[q, 0] == blk[r] else 1] = 1 + np.sum(
                    scores[r] > v)
                self._score[q] = v

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(ranks: [rank in the first gene's list, in the second's], the pair's score as
        ranked (NaN: not in the list)) for the pairs as given."""
        rank = self._rank[self.inverse]
        rank[self.flipped] = rank[self.flipped][:, ::-1]
        return rank, self._score[self.inverse]
