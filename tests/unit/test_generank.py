"""`gcn-rank`, the learned gene-level ranker: masked propagation, negatives that are never a
known pair, the label-shuffle sanity check, and what it adds to ranking.

Graphs here are the synthetic planted communities of test_predictors (not biology).
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
from sklearn.metrics import roc_auc_score
from test_predictors import N, inputs_for, planted, stack_fit

from genekg.linkpred import scores as S
from genekg.linkpred.base import SplitCache
from genekg.linkpred.evaluate import held_out_pairs
from genekg.linkpred.generank import (
    GeneRanker,
    RankerReport,
    hard_pool,
    known_pairs,
)
from genekg.linkpred.split import PairSet, encode
from genekg.linkpred.stack import Stack


@cache
def _stack_gcn() -> Stack:
    """stack-rank+gcn fitted once on the planted split (tests that change one of its
    parts for a moment put it back)."""
    return stack_fit("stack-rank+gcn")


def _codes(pairs: np.ndarray) -> set[int]:
    return set(encode(np.sort(pairs, axis=1), N).tolist())


def test_a_training_edge_is_scored_on_the_graph_without_it() -> None:
    """Masked training: a training edge gets the same training-time score whether or not
    it is in the graph handed over — and a different one from the score on the graph that
    keeps it (so the mask is what makes them equal)."""
    ranker = GeneRanker(epochs=3).fit(inputs_for(), SplitCache())
    train = inputs_for().split.train
    edges = train[::37][:8]
    with_it = ranker.masked_logits(train, edges)
    without = np.array([ranker.masked_logits(train[~np.all(train == e, axis=1)], e[None])[0]
                        for e in edges])
    assert np.allclose(with_it, without, atol=1e-5)
    # unmasked: the edges carry their own message and count their own paths
    unmasked = ranker._logits(edges)
    assert np.abs(unmasked - with_it).max() > 1e-3


def test_negatives_are_never_a_training_or_validation_pair_and_never_read_the_test() -> None:
    inputs = inputs_for()
    split = inputs.split
    known = known_pairs(split)
    pool = hard_pool(inputs.a_train, known)
    codes = PairSet.of_adjacency(known)
    by_gene = S.adjacency(pool, N)
    heads = np.random.default_rng(0).integers(0, N, 3_000)
    tails, ok = GeneRanker.tails(np.random.default_rng(1), heads, by_gene, codes, 8, 4)
    assert tails.shape == (3_000, 12) and ok.shape == tails.shape
    h = np.repeat(heads, 12).reshape(tails.shape)
    used = np.column_stack([h[ok], tails[ok]])
    assert (used[:, 0] != used[:, 1]).all()
    for held in (split.train, split.val_pos, split.val_neg):
        assert not _codes(used) & _codes(held)
        assert not _codes(pool) & _codes(held)
    # the marked-unusable draws are exactly the known pairs and self-pairs
    bad = np.column_stack([h[~ok], tails[~ok]])
    bad = bad[bad[:, 0] != bad[:, 1]]
    assert np.asarray(known[bad[:, 0], bad[:, 1]]).all()
    # the hard columns come from the head's own row of the pool (where it has one)
    has = np.diff(by_gene.indptr)[heads] > 0
    for r in np.flatnonzero(has)[:200]:
        assert set(tails[r, 8:].tolist()) <= set(by_gene[heads[r]].indices.tolist())
    # the hard pool is each gene's best by the heuristics: pairs the paths connect
    a = inputs.a_train
    assert ((S.adamic_adar(a, pool) > 0) | (S.l3(a, pool) > 0)).mean() > 0.9
    # the test pairs play no part: a split without them gives the same pool
    blind = dataclasses.replace(split, test_pos=split.test_pos[:0], test_neg=split.test_neg[:0])
    assert np.array_equal(hard_pool(inputs.a_train, known_pairs(blind)), pool)


def test_shuffled_labels_leave_the_ranker_nothing_to_learn() -> None:
    """With each training and validation list's target slot drawn at random, the fit
    predicts its (shuffled) validation targets no better than a random order, and its
    held-out AUROC averages near chance over eight seeds — each single fit is not at
    chance: the decoder weighs path counts, and whatever sign its noise-fitted weights
    take, the pairs are ranked by them (single shuffled fits: 0.27 to 0.91)."""
    _, _, _, split = planted()
    pairs, y = held_out_pairs(split)
    real = GeneRanker(epochs=6).fit(inputs_for(), SplitCache())
    real_rep = real.report()
    assert isinstance(real_rep, RankerReport)
    assert roc_auc_score(y, real.score(pairs)) > 0.85
    aucs = []
    for seed in range(1, 9):
        inputs = dataclasses.replace(inputs_for(), seed=seed)
        shuffled = GeneRanker(epochs=6, shuffle_labels=True).fit(inputs, SplitCache())
        rep = shuffled.report()
        assert isinstance(rep, RankerReport)
        # 1 + 20 random + 30 hard slots: a random order's MRR is about 0.09
        assert rep.val_sampled_mrr < 0.13, rep.val_sampled_mrr
        assert real_rep.val_sampled_mrr > 1.5 * rep.val_sampled_mrr
        aucs.append(roc_auc_score(y, shuffled.score(pairs)))
    assert abs(np.mean(aucs) - 0.5) < 0.15, aucs


def test_the_cascade_ranks_every_pair_stage_one_leaves_out_below_the_admitted_ones() -> None:
    """stack-rank+gcn through predict's selection: with a --top-k deeper than stage 1, the
    pairs stage 1 dropped still come, all below the admitted ones and in gcn-rank's
    order; the stack without a cascade never lists them."""

    from genekg.linkpred.calibrate import Calibrator
    from genekg.linkpred.predict import score_candidates
    from genekg.linkpred.prediction import PredictOptions
    from genekg.linkpred.retrieval import stage_scores

    stack = _stack_gcn()
    split = inputs_for().split
    known = split.train
    ex = S.adjacency(known, N)
    admitted = {tuple(p) for p in stack.candidates(stack.stage1_k, None, ex).tolist()}
    block = stage_scores(stack, ex)
    s, y = stack.validation(split)
    cal = Calibrator.fit(s, y)
    everything = N * (N - 1) // 2 - len(known)
    chosen, scored = score_candidates(block, N, known, PredictOptions(top_k=everything),
                                      calibrate=cal)
    assert scored == everything and len(chosen) == everything  # no depth runs out
    ranked = sorted(chosen, key=lambda t: -t[0])
    tier = [(i, j) in admitted for _, i, j in ranked]
    assert sum(tier) == len(admitted) < everything
    assert all(tier[: len(admitted)]) and not any(tier[len(admitted):])  # admitted first
    tail = np.array([(i, j) for _, i, j in ranked[len(admitted):]])
    gcn = stack.members_["gcn-rank"].score(tail)
    assert np.all(np.diff(gcn) <= 1e-12)  # the tail in the learned ranker's order
    # a stack without the cascade leaves the same pairs unranked
    stack.cascade = None
    try:
        plain, _ = score_candidates(stage_scores(stack, ex), N, known,
                                    PredictOptions(top_k=everything), calibrate=cal)
    finally:
        stack.cascade = "gcn-rank"
    assert {(i, j) for _, i, j in plain} == admitted


def test_a_pair_only_the_learned_ranker_proposes_is_admitted_and_scored_by_the_stack() -> None:
    """gcn-rank is a stage-1 generator of stack-rank+gcn: a pair in its top-K of a gene
    that no other generator proposes is admitted (scored by the booster, above the tail),
    where the same stack without that generator leaves it to the tail."""

    from genekg.linkpred.retrieval import TAIL_TOP, stage_scores

    stack = _stack_gcn()
    ex = S.adjacency(inputs_for().split.train, N)
    k = stack.stage1_k
    with_gcn = {tuple(p) for p in stack.candidates(k, None, ex).tolist()}
    gens = stack.generator_members_
    stack.generator_members_ = [g for g in gens if g != "gcn-rank"]
    try:
        without = {tuple(p) for p in stack.candidates(k, None, ex).tolist()}
        only = sorted(with_gcn - without)
        assert only, "gcn-rank proposes no pair of its own on the planted graph"
        i, j = only[0]
        dropped = stage_scores(stack, ex)(np.array([i]))[0, j]
    finally:
        stack.generator_members_ = gens
    admitted = stage_scores(stack, ex)(np.array([i]))[0, j]
    assert admitted > TAIL_TOP >= dropped


def test_every_part_of_the_contract_auto_delegates_reaches_its_choice() -> None:
    """`auto` answers every shared-behaviour question of the contract with its chosen
    candidate's answer — the cascade included (auto once ranked stack-rank+gcn without
    its tail: a stage-1 ceiling of 2% on whole human instead of every pair)."""
    import inspect

    from genekg.linkpred.auto import Auto
    from genekg.linkpred.base import LinkPredictor

    shared = {n for n, v in vars(LinkPredictor).items()
              if not n.startswith("_") and (inspect.isfunction(v) or isinstance(v, property))}
    shared -= {"fit", "score", "report", "save", "load", "val_auroc"}  # its own, or derived
    assert shared <= set(vars(Auto)), sorted(shared - set(vars(Auto)))

    from genekg.linkpred.retrieval import TAIL_TOP, stage_scores

    stack = _stack_gcn()
    auto = Auto("auto", (stack,)).fit(inputs_for(), SplitCache(fitted={stack.name: stack}))
    assert auto.chosen_ is stack
    ex = S.adjacency(inputs_for().split.train, N)
    got = stage_scores(auto, ex)(np.arange(N))
    want = stage_scores(stack, ex)(np.arange(N))
    assert np.array_equal(got, want) and (got < TAIL_TOP).any()
