"""The one ranking loop (`genekg.linkpred.ranking`): every consumer against a full sort of
the same SYNTHETIC score matrix (random symmetric scores with ties and unranked pairs)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from genekg.linkpred.ranking import (
    GlobalTopK,
    PairRanks,
    PerGeneTopK,
    ThresholdCounts,
    rank_pass,
)

N = 37


def _matrix(seed: int = 0) -> tuple[np.ndarray, sp.csr_matrix]:
    rng = np.random.default_rng(seed)
    s = np.round(rng.random((N, N)), 2)  # rounded: ties happen
    s = np.triu(s, 1)
    s = s + s.T
    s[rng.random((N, N)) < 0.1] = -np.inf  # not ranked (outside stage 1)
    s = np.minimum(s, s.T)
    ex = np.triu(rng.random((N, N)) < 0.05, 1)
    exclude = sp.csr_matrix(ex | ex.T)
    return s, exclude


def _ranked(s: np.ndarray, exclude: sp.csr_matrix) -> np.ndarray:
    """The matrix as a pass sees it: self-pairs and excluded pairs unranked."""
    out = s.copy()
    np.fill_diagonal(out, -np.inf)
    out[exclude.toarray()] = -np.inf
    return out


def test_one_pass_feeds_every_consumer_each_block_once_and_hides_excluded_pairs() -> None:
    s, exclude = _matrix()
    source = s.copy()
    calls: list[int] = []

    def block(blk: np.ndarray) -> np.ndarray:
        calls.append(len(blk))
        return s[blk]

    seen = np.full((N, N), np.nan)

    class Record:
        def consume(self, blk: np.ndarray, scores: np.ndarray) -> None:
            seen[blk] = scores

    top, per = GlobalTopK(N, 5), PerGeneTopK(N, 3)
    rank_pass(block, N, [Record(), top, per], exclude=exclude, step=10)
    assert calls == [10, 10, 10, 7]  # one call per block for three consumers
    assert np.array_equal(seen, _ranked(s, exclude))
    assert np.isneginf(np.diag(seen)).all()
    assert np.array_equal(s, source)  # the blocks handed out are copies
    r, c = exclude.nonzero()
    assert np.isneginf(seen[r, c]).all() and np.isfinite(s[r, c]).any()


@pytest.mark.parametrize("m", [1, 17, 10_000])
def test_global_top_k_is_the_best_m_pairs_each_once(m: int) -> None:
    s, exclude = _matrix(1)
    top = GlobalTopK(N, m)
    rank_pass(lambda b: s[b], N, [top], exclude=exclude, step=8)
    pairs, scores = top.result()
    full = _ranked(s, exclude)
    iu = np.triu_indices(N, 1)
    vals = full[iu]
    fin = np.isfinite(vals)
    assert top.candidates == int(fin.sum())
    want = np.sort(vals[fin])[::-1][:m]
    assert np.array_equal(scores, want)  # the same scores, best first
    assert (pairs[:, 0] < pairs[:, 1]).all() and len(np.unique(pairs, axis=0)) == len(pairs)
    assert np.array_equal(full[pairs[:, 0], pairs[:, 1]], scores)


def test_global_top_k_of_some_rows_counts_pairs_to_other_genes_once() -> None:
    s, exclude = _matrix(2)
    rows = np.array([3, 5, 30])
    top = GlobalTopK(N, None, rows, minimum=0.5)
    rank_pass(lambda b: s[b], N, [top], rows=rows, exclude=exclude)
    pairs, scores = top.result()
    full = _ranked(s, exclude)
    want = {(min(i, j), max(i, j)) for i in rows for j in range(N)
            if np.isfinite(full[i, j])}
    assert top.candidates == len(want)  # (3, 5) scored from row 3 only, not twice
    assert {tuple(p) for p in pairs.tolist()} == {p for p in want if full[p] >= 0.5}
    assert (scores >= 0.5).all()


def test_per_gene_top_k_is_each_rows_best_and_a_tie_proposes_nothing() -> None:
    s, exclude = _matrix(3)
    s[4] = s[:, 4] = 0.3  # gene 4: every partner scores alike
    s[4, 4] = 0.0
    per = PerGeneTopK(N, 3)
    rank_pass(lambda b: s[b], N, [per], exclude=exclude, step=6)
    pairs, scores = per.result()
    full = _ranked(s, exclude)
    got = {tuple(p) for p in pairs.tolist()}
    for i in range(N):
        row = full[i]
        fin = np.flatnonzero(np.isfinite(row))
        mine = {p for p in got if i in p}
        if i == 4:
            continue
        third = np.sort(row[fin])[::-1][min(2, len(fin) - 1)]
        strictly_better = {(min(i, j), max(i, j)) for j in fin if row[j] > third}
        assert strictly_better <= mine  # everything above its 3rd best is kept
    # gene 4 proposed none of its own; pairs with it come only from other genes' lists
    assert all(full[p] == 0.3 for p in got if 4 in p)
    ties = PerGeneTopK(N, 3, ties_propose=True)
    rank_pass(lambda b: s[b], N, [ties], rows=np.array([4]), exclude=exclude)
    assert len(ties.result()[0]) == 3
    assert np.array_equal(full[pairs[:, 0], pairs[:, 1]], scores)


def test_pair_ranks_are_each_genes_place_whichever_way_and_however_often_asked() -> None:
    s, exclude = _matrix(4)
    full = _ranked(s, exclude)
    iu, ju = np.triu_indices(N, 1)
    fin = np.isfinite(full[iu, ju])
    i, j = iu[fin], ju[fin]
    asked = np.array([[i[0], j[0]], [j[0], i[0]], [i[5], j[5]], [i[0], j[0]]])
    r, c = exclude.nonzero()
    asked = np.vstack([asked, [[r[0], c[0]]]])  # an excluded pair: never listed
    ranks = PairRanks(N, asked)
    rank_pass(lambda b: s[b], N, [ranks], rows=ranks.rows(), exclude=exclude)
    rank, score = ranks.result()
    for q, (a, b) in enumerate(asked.tolist()):
        if exclude[a, b]:
            assert np.isnan(rank[q]).all() and np.isnan(score[q])
            continue
        assert rank[q, 0] == 1 + np.sum(full[a] > full[a, b])  # b in a's own list
        assert rank[q, 1] == 1 + np.sum(full[b] > full[b, a])  # a in b's
        assert score[q] == full[a, b]
    assert np.array_equal(rank[0], rank[1][::-1]) and np.array_equal(rank[0], rank[3])


def test_threshold_counts_count_each_ranked_pair_once_after_the_transform() -> None:
    s, exclude = _matrix(5)
    thr = np.array([0.1, 0.5, 0.9, 1.5])
    counts = ThresholdCounts(N, thr, lambda x: x * 1.5)
    rank_pass(lambda b: s[b], N, [counts], exclude=exclude, step=9)
    full = _ranked(s, exclude)[np.triu_indices(N, 1)]
    full = full[np.isfinite(full)] * 1.5
    assert counts.counts.tolist() == [float((full >= t).sum()) for t in thr]


def test_a_pair_set_answers_for_either_order_and_any_shape() -> None:
    from genekg.linkpred.split import PairSet

    known = PairSet.of(np.array([[3, 1], [1, 3], [2, 5], [4, 4]]), 6)
    assert len(known) == 2  # (1, 3) once; the self-pair is not a pair
    a = np.array([[1, 3], [5, 0]])
    b = np.array([[3, 1], [2, 5]])
    assert known.holds(a, b).tolist() == [[True, True], [True, False]]  # (5, 2) is (2, 5)
    assert known.holds(np.array([0]), np.array([2])).tolist() == [False]
    empty = PairSet.of_adjacency(sp.csr_matrix((6, 6)))
    assert not empty.holds(a, b).any() and empty.holds(a, b).shape == (2, 2)


def test_row_max_is_each_rows_best_ranked_score_above_a_floor() -> None:
    from genekg.linkpred.ranking import RowMax

    s, exclude = _matrix(6)
    s[7] = -np.inf  # gene 7: nothing ranked
    s[:, 7] = -np.inf
    best = RowMax(N, floor=0.05)
    rank_pass(lambda b: s[b], N, [best], exclude=exclude, step=11)
    full = _ranked(s, exclude)
    want = np.maximum(np.max(full, axis=1), 0.05)
    assert np.array_equal(best.best, want) and best.best[7] == 0.05
