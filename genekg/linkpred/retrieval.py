"""Ranking among all candidate pairs, the way a curator reads predictions.

`stage_scores` is the one definition of what `predict` ranks: for an exhaustive predictor
(an embedding's bilinear form, a heuristic) every pair; otherwise (a stack) the union of
its generators' per-gene candidates scored by the predictor, and every other pair below
them in its cascade's order (an exhaustive member such as `gcn-rank`), or at -inf (not
retrieved) for a stack without one. `genekg predict`, `retrieval_metrics` (the
`retrieval` experiment) and the expected precision a run states all read scores through
it, so evaluation measures the path users get.

`retrieval_metrics` ranks held-out positive pairs among all candidates (every pair that is
not excluded: training and validation edges) in one blockwise pass, memory
O(block · n + max k): recall@k and precision@k of the global list, the filtered MRR and
Hits@10 of each query gene's own list (every gene with a held-out partner ranks all its
non-partners), broken down by the gene's training degree, and the ceiling of stage 1
(share of held-out pairs that reach the ranking at all).

`expected_precision_curve`: the share of held-out validation edges among all candidates
scored at least as high — what a score means at the real prior, stated as a lower bound
(interactions nobody has recorded count as misses).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from genekg.linkpred import scores as S
from genekg.linkpred.base import LinkPredictor
from genekg.linkpred.ranking import STEP, BlockFn, GlobalTopK, ThresholdCounts, rank_pass
from genekg.linkpred.split import EdgeSplit, encode

KS = (100, 1_000, 10_000, 20_000, 100_000)
DEGREE_BINS = ((0, 0, "0"), (1, 5, "1-5"), (6, 20, "6-20"), (21, 1 << 62, ">20"))


Lookup = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _pair_lookup(pairs: np.ndarray, values: np.ndarray, n: int) -> Lookup:
    """For a block of row genes: (block row, column, value) of every given pair that
    touches it, in either order (pairs i < j; a value may be 0, so hits are kept apart)."""
    r, c = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    val = sp.csr_matrix((np.r_[values, values].astype(np.float64), (r, c)), shape=(n, n))
    hit = sp.csr_matrix((np.ones(len(r), dtype=bool), (r, c)), shape=(n, n))

    def look(blk: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        h = hit[blk].tocoo()
        return h.row, h.col, np.asarray(val[blk][h.row, h.col]).ravel()

    return look


def _out_of_fold(block: BlockFn, oof: tuple[np.ndarray, np.ndarray], n: int,
                 floor: float = -np.inf) -> BlockFn:
    """`block` with the out-of-fold scores of the pairs the predictor learned from: a pair
    that was a labelled example of the fit keeps the score of the fold that did not see it
    (a stage-1 candidate only where stage 1 admits it: scored above `floor`)."""
    pairs = np.sort(np.asarray(oof[0], dtype=np.int64).reshape(-1, 2), axis=1)
    _, first = np.unique(encode(pairs, n), return_index=True)
    look = _pair_lookup(pairs[first], np.asarray(oof[1], dtype=np.float64)[first], n)

    def wrapped(blk: np.ndarray) -> np.ndarray:
        out = np.array(block(blk), dtype=np.float64)
        r, c, v = look(blk)
        out[r, c] = np.where(out[r, c] > floor, v, out[r, c])
        return out

    return wrapped


# The cascade's tail: a pair stage 1 does not admit is scored TAIL_BASE + its tail
# probability, in (-2, -1): below every admitted score (a stack's probabilities, >= 0),
# ordered among themselves by the tail scorer.
TAIL_BASE = -2.0
TAIL_TOP = -1.0


def tail_scores(p: np.ndarray) -> np.ndarray:
    """Tail probabilities (0..1) placed below every admitted score."""
    return TAIL_BASE + np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)


def stage_scores(predictor: LinkPredictor, exclude: sp.csr_matrix,
                 k: int | None = None, rows: np.ndarray | None = None,
                 honest: bool = False, scorer: BlockFn | None = None) -> BlockFn:
    """Scores of (row gene, every gene) as predict ranks them: all pairs for an
    exhaustive predictor, else its stage-1 `candidates(k)` for `rows` (k default: the
    predictor's `stage1_k`; rows default: every gene), every other pair below them in the
    order of the predictor's `tail_block` (the cascade: `tail_scores`), or at -inf where
    it has none. The pairs of `exclude` are at -inf for every predictor. `honest`: scored
    by `honest_score`, and the pairs the fit learned from by their out-of-fold scores
    (what expected precision and `auto`'s choice are estimated with). `scorer`: scores
    the candidate pairs in place of the predictor's own (the stack's stage-1 ladder
    passes a memo of its honest scores)."""
    n = predictor.n_genes
    oof = predictor.oof_pairs() if honest else None
    if predictor.exhaustive:
        block: BlockFn = predictor.block_scores
    else:
        pairs = predictor.candidates(predictor.stage1_k if k is None else k, rows, exclude)
        fn = scorer or (predictor.honest_score if honest else predictor.score)
        s = np.asarray(fn(pairs), dtype=np.float64) if len(pairs) else np.empty(0)
        look = _pair_lookup(pairs, s, n)
        tail = predictor.tail_block()

        def block(blk: np.ndarray) -> np.ndarray:
            out = np.full((len(blk), n), -np.inf) if tail is None else tail_scores(tail(blk))
            r, c, v = look(blk)
            out[r, c] = v
            return out

    if oof is not None:
        floor = (-np.inf if predictor.exhaustive or predictor.tail_block() is None
                 else TAIL_TOP)
        block = _out_of_fold(block, oof, n, floor)
    return _excluding(block, exclude)


def _excluding(block: BlockFn, exclude: sp.csr_matrix) -> BlockFn:
    def wrapped(blk: np.ndarray) -> np.ndarray:
        out = np.array(block(blk), dtype=np.float64)
        ex = exclude[blk].tocoo()
        out[ex.row, ex.col] = -np.inf
        return out

    return wrapped


def degree_bin(d: np.ndarray) -> np.ndarray:
    """Label of each training degree: 0, 1-5, 6-20, >20."""
    out = np.empty(len(d), dtype=object)
    for lo, hi, name in DEGREE_BINS:
        out[(d >= lo) & (d <= hi)] = name
    return out


@dataclass
class RetrievalResult:
    """How one method ranks held-out pairs among all candidates."""

    method: str
    positives: int
    candidates: int  # pairs that reached the ranking (finite score)
    ceiling: float  # share of held-out pairs that reached it
    recall: dict[int, float] = field(default_factory=dict)
    precision: dict[int, float] = field(default_factory=dict)
    mrr: float = 0.0
    hits10: float = 0.0
    by_degree: dict[str, dict[str, float]] = field(default_factory=dict)
    orphan_recall: dict[int, float] = field(default_factory=dict)  # pairs touching degree 0
    orphan_positives: int = 0
    seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        """One flat row (results.csv)."""
        out: dict[str, Any] = {"method": self.method, "positives": self.positives,
                               "candidates": self.candidates, "ceiling": self.ceiling,
                               "mrr": self.mrr, "hits@10": self.hits10,
                               "orphan_positives": self.orphan_positives}
        out.update({f"recall@{k}": v for k, v in self.recall.items()})
        out.update({f"precision@{k}": v for k, v in self.precision.items()})
        out.update({f"orphan_recall@{k}": v for k, v in self.orphan_recall.items()})
        for b, d in self.by_degree.items():
            out.update({f"{m}[{b}]": v for m, v in d.items()})
        out["seconds"] = self.seconds
        return out


def _midrank(greater: np.ndarray | int, equal: np.ndarray | int) -> np.ndarray | float:
    # a tie with e others is ranked in their middle: heuristics tie a lot (CN = 1, 2, …)
    return 1.0 + greater + equal / 2.0


class HeldOutRanks:
    """A `rank_pass` consumer: the held-out `positives` ranked among every ranked pair —
    their place in the global list (via the `max(ks)` best scores) and, for each query
    gene with a held-out partner, the filtered rank of that partner in its own list."""

    def __init__(self, method: str, n: int, positives: np.ndarray, degree: np.ndarray,
                 ks: tuple[int, ...] = KS) -> None:
        pos = np.unique(np.sort(np.asarray(positives, dtype=np.int64).reshape(-1, 2), axis=1),
                        axis=0)
        self.pos = pos[pos[:, 0] != pos[:, 1]]
        self.adj = sp.csr_matrix((np.ones(2 * len(self.pos), dtype=bool),
                                  (np.r_[self.pos[:, 0], self.pos[:, 1]],
                                   np.r_[self.pos[:, 1], self.pos[:, 0]])), shape=(n, n))
        self.method, self.n, self.degree, self.ks = method, n, np.asarray(degree), ks
        self.top = GlobalTopK(n, max(ks))  # the kmax best candidate scores
        self.pos_score = np.full(len(self.pos), -np.inf)
        self.code_to_pos = {int(a) * n + int(b): i for i, (a, b) in enumerate(self.pos)}
        self.rr: list[tuple[int, float]] = []  # (query gene, reciprocal rank)
        self.t0 = time.monotonic()

    def consume(self, blk: np.ndarray, s: np.ndarray) -> None:
        """The block's share of the global list, the positives' scores, the query ranks."""
        self.top.consume(blk, s)
        n = self.n
        pr = self.adj[blk].tocoo()
        for r, j in zip(pr.row.tolist(), pr.col.tolist(), strict=True):
            i = int(blk[r])
            if i < j:
                self.pos_score[self.code_to_pos[i * n + j]] = s[r, j]
        for r in np.unique(pr.row):
            row = s[r]
            mine = pr.col[pr.row == r]
            others = row.copy()
            others[mine] = -np.inf  # filtered: other true partners are not errors
            ranked = np.sort(others[np.isfinite(others)])
            for j in mine:
                v = row[j]
                if not np.isfinite(v):
                    self.rr.append((int(blk[r]), 0.0))
                    continue
                hi = int(np.searchsorted(ranked, v, side="right"))
                lo = int(np.searchsorted(ranked, v, side="left"))
                self.rr.append((int(blk[r]),
                                float(1.0 / _midrank(len(ranked) - hi, hi - lo))))

    def result(self) -> RetrievalResult:
        """Recall/precision@k, MRR, Hits@10, degree strata, stage-1 ceiling."""
        ks, pos, kmax = self.ks, self.pos, max(self.ks)
        top = np.sort(self.top.s)
        pos_score = self.pos_score
        fin = np.isfinite(pos_score)
        above = np.searchsorted(top, pos_score, side="right")
        greater = len(top) - above
        equal = above - np.searchsorted(top, pos_score, side="left")
        # a positive counts itself among the equal scores of the top list
        rank = np.where(fin, _midrank(greater, np.maximum(equal - 1, 0)), np.inf)
        rank[fin & (greater >= kmax)] = np.inf  # beyond the kept list: beyond every k
        deg = self.degree
        orphan = (deg[pos[:, 0]] == 0) | (deg[pos[:, 1]] == 0)
        res = RetrievalResult(self.method, len(pos), self.top.candidates,
                              float(fin.mean()) if len(pos) else float("nan"))
        for k in ks:
            hits = int((rank <= k).sum())
            res.recall[k] = hits / max(len(pos), 1)
            res.precision[k] = hits / k
            res.orphan_recall[k] = (float((rank[orphan] <= k).mean()) if orphan.any()
                                    else float("nan"))
        res.orphan_positives = int(orphan.sum())
        if self.rr:
            genes = np.array([g for g, _ in self.rr])
            rec = np.array([v for _, v in self.rr])
            res.mrr = float(rec.mean())
            res.hits10 = float((rec >= 1 / 10).mean())
            bins = degree_bin(deg[genes])
            for _, _, name in DEGREE_BINS:
                sel = bins == name
                if sel.any():
                    res.by_degree[name] = {"mrr": float(rec[sel].mean()),
                                           "hits@10": float((rec[sel] >= 1 / 10).mean()),
                                           "queries": float(sel.sum())}
        res.seconds = time.monotonic() - self.t0
        return res


def retrieval_metrics(method: str, block: BlockFn, n: int, exclude: sp.csr_matrix,
                      positives: np.ndarray, degree: np.ndarray, ks: tuple[int, ...] = KS,
                      step: int = STEP) -> RetrievalResult:
    """Rank `positives` (held-out pairs) among all pairs that are not in `exclude`: one
    `rank_pass` with a `HeldOutRanks` consumer."""
    ranks = HeldOutRanks(method, n, positives, degree, ks)
    rank_pass(block, n, [ranks], exclude=exclude, step=step)
    return ranks.result()


def expected_precision_curve(block: BlockFn, n: int, exclude: sp.csr_matrix,
                             positives: np.ndarray, transform: Callable[[np.ndarray],
                                                                        np.ndarray],
                             positive_scores: np.ndarray | None = None, points: int = 200,
                             step: int = STEP, min_positives: int = 10
                             ) -> dict[str, list[float]]:
    """Expected precision at score thresholds: (held-out `positives` scored ≥ t) /
    (candidates scored ≥ t), candidates = pairs not in `exclude`, the positives among
    them. `positive_scores` are the positives' honest scores where the predictor was fitted
    on them (the stack's out-of-fold scores of validation pairs); a positive that stage 1
    does not admit is never a candidate. Thresholds are quantiles of the positives' scores
    after `transform` (the run's calibration), so predict reads a pair's expected
    precision off its score; the highest keeps `min_positives` above it (a precision read
    off 2 pairs is noise), and scores above it read its precision."""
    pos = np.sort(np.asarray(positives, dtype=np.int64).reshape(-1, 2), axis=1)
    # pass 1: the positives' scores as ranked (their rows only); honest ones where given
    ranked = np.full(len(pos), -np.inf)
    order = np.argsort(pos[:, 0], kind="stable")
    for lo in range(0, len(order), step * 4):
        idx = order[lo : lo + step * 4]
        blk, inv = np.unique(pos[idx, 0], return_inverse=True)
        ranked[idx] = np.asarray(block(blk), dtype=np.float64)[inv, pos[idx, 1]]
    admitted = np.isfinite(ranked)
    raw = np.asarray(positive_scores, dtype=np.float64) if positive_scores is not None \
        else ranked
    ps = transform(np.where(admitted, raw, 0.0))[admitted]
    if not len(ps):
        return {"threshold": [], "precision": [], "positives": [], "candidates": []}
    top_q = 1.0 - min(min_positives, len(ps)) / len(ps)
    thr = np.unique(np.quantile(ps, np.linspace(0.0, top_q, points)))
    npos = len(ps) - np.searchsorted(np.sort(ps), thr, side="left")
    # pass 2: every other candidate, counted against the thresholds
    skip = (exclude + sp.csr_matrix((np.ones(len(pos)), (pos[:, 0], pos[:, 1])),
                                    shape=(n, n))).tocsr()
    above = ThresholdCounts(n, thr, transform)
    rank_pass(block, n, [above], exclude=skip, step=step)
    counts = npos.astype(np.float64) + above.counts
    prec = np.divide(npos, counts, out=np.zeros_like(counts), where=counts > 0)
    # A higher score should never read a lower precision: isotonic regression, each point
    # weighted by the positives behind it, pools the noisy top of the curve with its
    # neighbours instead of letting one sparse point set the rest.
    from sklearn.isotonic import IsotonicRegression

    prec = IsotonicRegression(increasing=True).fit_transform(thr, prec, sample_weight=npos)
    return {"threshold": thr.tolist(), "precision": prec.tolist(),
            "positives": npos.astype(float).tolist(), "candidates": counts.tolist()}


def read_expected_precision(curve: dict[str, list[float]], scores: np.ndarray) -> np.ndarray:
    """Expected precision of calibrated scores from a run's curve (NaN without one)."""
    thr = np.asarray(curve.get("threshold", []), dtype=np.float64)
    if not len(thr):
        return np.full(len(scores), np.nan)
    prec = np.asarray(curve["precision"], dtype=np.float64)
    idx = np.searchsorted(thr, np.asarray(scores, dtype=np.float64), side="right") - 1
    return np.where(idx >= 0, prec[np.clip(idx, 0, len(prec) - 1)], prec[0])


def ranking_criterion(res: RetrievalResult) -> float:
    """What `auto` and the stack's stage-1 K are chosen by: the geometric mean of the
    filtered MRR of each gene's list and the recall@1000 of the global list."""
    return float(np.sqrt(max(res.mrr, 0.0) * max(res.recall.get(1000, 0.0), 0.0)))


def validation_retrieval(predictor: LinkPredictor, split: EdgeSplit, k: int | None = None,
                         ks: tuple[int, ...] = (1_000,), scorer: BlockFn | None = None
                         ) -> RetrievalResult:
    """The validation edges ranked among all candidates (every pair that is not a training
    or test edge) through predict's path with honest scores: what `auto` chooses by.
    Nothing of the test split is read but its pairs, which are left out of the ranking."""
    n = predictor.n_genes
    exclude = S.adjacency(np.vstack([split.train, split.test_pos]), n)
    degree = S.degrees(S.adjacency(split.train, n))
    return retrieval_metrics(predictor.name, stage_scores(predictor, exclude, k,
                                                          honest=True, scorer=scorer),
                             n, exclude, split.val_pos, degree, ks)
