"""Ranking among all candidates: metrics on a hand-made case, stage 1 as predict sees it,
and expected precision on a planted graph (synthetic, not biology)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_predictors import N, inputs_for, planted

from genekg.db.store import GraphStore
from genekg.linkpred import scores as S
from genekg.linkpred.auto import Auto
from genekg.linkpred.base import LinkPredictor, Report, SplitCache, SplitInputs
from genekg.linkpred.methods import METHODS
from genekg.linkpred.retrieval import (
    expected_precision_curve,
    read_expected_precision,
    retrieval_metrics,
    stage_scores,
)
from genekg.linkpred.split import split_edges

# Five genes; training edge 0-1 (excluded). Candidate scores, best first:
# (0,2) .9, (1,3) .8, (2,3) .7, (0,3) .6, (3,4) .5, (1,2) .4, (0,4) .3, (2,4) .2, (1,4) .1
SCORES = {(0, 1): .95, (0, 2): .9, (1, 3): .8, (2, 3): .7, (0, 3): .6, (3, 4): .5,
          (1, 2): .4, (0, 4): .3, (2, 4): .2, (1, 4): .1}
M = np.zeros((5, 5))
for (i, j), v in SCORES.items():
    M[i, j] = M[j, i] = v


def _block(rows: np.ndarray) -> np.ndarray:
    return M[rows]


def test_retrieval_metrics_by_hand() -> None:
    exclude = S.adjacency(np.array([[0, 1]]), 5)
    deg = np.array([1, 1, 0, 0, 0])
    res = retrieval_metrics("m", _block, 5, exclude, np.array([[3, 2], [1, 4]]), deg,
                            ks=(1, 3, 10), step=2)
    # global list: (2,3) is 3rd of the 9 candidates, (1,4) 9th
    assert res.candidates == 9 and res.ceiling == 1.0
    assert res.recall == {1: 0.0, 3: 0.5, 10: 1.0}
    assert res.precision[3] == pytest.approx(1 / 3) and res.precision[10] == 0.2
    # per query gene: 2 ranks 3 second (after 0), 3 ranks 2 second (after 1), 1 ranks 4
    # third (0 is a training partner: not a candidate), 4 ranks 1 fourth
    assert res.mrr == pytest.approx((1 / 2 + 1 / 2 + 1 / 3 + 1 / 4) / 4)
    assert res.hits10 == 1.0
    assert res.by_degree["0"]["mrr"] == pytest.approx((1 / 2 + 1 / 2 + 1 / 4) / 3)
    assert res.by_degree["1-5"]["mrr"] == pytest.approx(1 / 3)
    assert res.orphan_positives == 2  # both pairs touch a gene without training edges


def test_a_pair_outside_stage_one_is_never_retrieved() -> None:
    def staged(rows: np.ndarray) -> np.ndarray:
        out = M[rows].copy()
        for r, i in enumerate(rows):
            if i in (1, 4):
                out[r, 5 - i] = -np.inf  # (1,4) not admitted
        return out

    exclude = S.adjacency(np.array([[0, 1]]), 5)
    res = retrieval_metrics("m", staged, 5, exclude, np.array([[2, 3], [1, 4]]),
                            np.array([1, 1, 0, 0, 0]), ks=(3, 10))
    assert res.ceiling == 0.5 and res.candidates == 8
    assert res.recall == {3: 0.5, 10: 0.5}
    assert res.mrr == pytest.approx((1 / 2 + 1 / 2 + 0 + 0) / 4)


def test_stage_scores_of_a_stack_are_its_candidates_scored_by_it() -> None:
    fitted = METHODS["stack"].make().fit(inputs_for(), SplitCache())
    exclude = S.adjacency(planted()[3].train, N)
    block = stage_scores(fitted, exclude, 4)
    rows = np.array([3, 77])
    got = block(rows)
    cand = fitted.candidates(4, None, exclude)
    mine = cand[np.isin(cand, rows).any(axis=1)]
    fin = np.argwhere(np.isfinite(got))
    assert len(fin) == len(mine)  # exactly the candidates touching these genes
    pairs = np.column_stack([rows[fin[:, 0]], fin[:, 1]])
    assert got[fin[:, 0], fin[:, 1]] == pytest.approx(fitted.score(pairs))


@pytest.mark.parametrize("method", ["spectral-reg", "stack"])
def test_expected_precision_matches_what_another_held_out_split_observes(method: str) -> None:
    # Estimated on validation edges, read against test edges of the same size that the
    # estimate never saw: within a factor of 1.5 wherever 40+ positives score that high
    # (fewer: the counts' own noise on this small graph exceeds the factor).
    net, _, prof, _ = planted()
    split = split_edges(net.edges, N, seed=5, val_frac=0.1, test_frac=0.1, train_frac=0.8)
    inputs = SplitInputs(net, split, 5, inputs_for().cfg, prof,
                         gene_context=inputs_for().gene_context)
    p = METHODS[method].make().fit(inputs, SplitCache())

    def curve(held: np.ndarray, other: np.ndarray, honest_scores: np.ndarray | None
              ) -> dict[str, list[float]]:
        ex = S.adjacency(np.vstack([split.train, other]), N)
        return expected_precision_curve(stage_scores(p, ex, 50, honest=True), N, ex, held,
                                        lambda s: s, honest_scores)

    # validation pairs with their honest scores (the stack was fitted on them: out-of-fold)
    val_s, val_y = p.validation(split)
    est = curve(split.val_pos, split.test_pos, val_s[val_y == 1])
    seen = curve(split.test_pos, split.val_pos, None)
    thr = np.asarray(est["threshold"])
    e = read_expected_precision(est, thr)
    o = read_expected_precision(seen, thr)
    enough = np.asarray(est["positives"]) >= 40
    assert enough.sum() >= 5
    ratio = e[enough] / np.maximum(o[enough], 1e-9)
    assert (ratio > 1 / 1.5).all() and (ratio < 1.5).all(), ratio
    # the lowest threshold reads about the base rate, the curve never falls as scores rise
    n_cand = est["candidates"][0]
    assert e[0] == pytest.approx(len(split.val_pos) / n_cand, rel=0.5)
    assert (np.diff(est["precision"]) >= 0).all()


def test_honest_ranking_reads_each_pair_the_stack_learned_from_out_of_fold() -> None:
    # stack-rank learns from validation pairs and from hard negatives drawn from stage 1;
    # ranked honestly, each of those scores as the fold booster that did not see it did.
    p = METHODS["stack-rank"].make().fit(inputs_for(), SplitCache())
    learned, oof = p.oof_pairs()  # type: ignore[misc]  # fitted: not None
    split = planted()[3]
    assert len(learned) > len(split.val_pos) + len(split.val_neg)  # hard negatives too
    exclude = S.adjacency(split.train, N)
    honest = stage_scores(p, exclude, 50, honest=True)
    plain = stage_scores(p, exclude, 50)
    got, seen = np.vstack([honest(np.array([i])) for i in learned[:, 0]]), np.vstack(
        [plain(np.array([i])) for i in learned[:, 0]])
    admitted = np.isfinite(got[np.arange(len(learned)), learned[:, 1]])
    assert 0 < admitted.sum() < len(learned)  # stage 1 admits some of them, not all
    at = got[np.arange(len(learned)), learned[:, 1]]
    assert at[admitted] == pytest.approx(oof[admitted])
    # the averaged boosters score the hard negatives (seen in training) lower than honest
    hard = np.arange(len(learned)) >= len(split.val_pos) + len(split.val_neg)
    both = admitted & hard
    assert both.sum() >= 10
    assert seen[np.arange(len(learned)), learned[:, 1]][both].mean() < at[both].mean()
    # every other candidate keeps its honest score (one fold booster per pair)
    lo, hi = np.minimum(learned[:, 0], learned[:, 1]), np.maximum(learned[:, 0], learned[:, 1])
    g, c = learned[:, 0][:, None], np.arange(N)[None, :]
    was_learned = np.isin(np.minimum(g, c) * N + np.maximum(g, c), lo * N + hi)
    other = np.isfinite(seen) & ~was_learned
    assert np.array_equal(np.isfinite(got), np.isfinite(seen))
    r, col = np.nonzero(other)
    pairs = np.sort(np.column_stack([learned[r, 0], col]), axis=1)  # stage 1's form: i < j
    assert got[r, col] == pytest.approx(p.honest_score(pairs))


class _Fixed(LinkPredictor):
    """A predictor that scores from a fixed symmetric matrix (test double, not a method)."""

    def __init__(self, name: str, m: np.ndarray) -> None:
        super().__init__(name)
        self.m = m

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> _Fixed:
        return self

    @property
    def n_genes(self) -> int:
        return len(self.m)

    @property
    def exhaustive(self) -> bool:
        return True

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        return self.m[rows]

    def score(self, pairs: np.ndarray) -> np.ndarray:
        return self.m[pairs[:, 0], pairs[:, 1]]

    def report(self) -> Report:
        return Report(self.name, float("nan"))

    def save(self, folder: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> _Fixed:
        raise NotImplementedError


def _symmetric(rng: np.random.Generator, lo: float, hi: float) -> np.ndarray:
    m = rng.uniform(lo, hi, (N, N))
    return np.triu(m, 1) + np.triu(m, 1).T


def _put(m: np.ndarray, pairs: np.ndarray, v: float) -> None:
    m[pairs[:, 0], pairs[:, 1]] = m[pairs[:, 1], pairs[:, 0]] = v


def test_auto_chooses_the_candidate_that_ranks_validation_edges_not_the_best_auroc() -> None:
    net, _, _, split = planted()
    rng = np.random.default_rng(0)
    # "balanced": every validation edge above every sampled non-edge (AUROC 1), yet below
    # all the other candidate pairs — what a curator would read first
    balanced = _symmetric(rng, 0.7, 1.0)
    _put(balanced, split.val_pos, 0.6)
    _put(balanced, split.val_neg, 0.1)
    # "ranker": half the sampled non-edges above the validation edges (AUROC about 0.5),
    # but each validation edge near the top of its genes' lists among all candidates
    ranker = _symmetric(rng, 0.0, 0.5)
    _put(ranker, split.val_pos, 0.9)
    _put(ranker, split.val_neg[::2], 0.95)
    auto = Auto("auto", (_Fixed("balanced", balanced), _Fixed("ranker", ranker)))
    auto.fit(SplitInputs(net, split, 0), SplitCache())
    rep = auto.report()
    assert rep.retrieval["balanced"]["val_auroc"] == 1.0
    assert rep.retrieval["ranker"]["val_auroc"] < 0.8
    assert rep.retrieval["ranker"]["mrr"] > 0.5 > 0.05 > rep.retrieval["balanced"]["mrr"]
    assert rep.chosen == "ranker" and auto.chosen_.name == "ranker"
    assert rep.candidates["ranker"] > rep.candidates["balanced"]
