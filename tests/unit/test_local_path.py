"""The local path index: its formula by hand, and ε picked on validation pairs only."""

from __future__ import annotations

import numpy as np

from genekg.graphdata import Network
from genekg.linkpred.base import SplitCache, SplitInputs
from genekg.linkpred.local_path import EPSILONS, LocalPath
from genekg.linkpred.split import EdgeSplit


def test_local_path_is_cn_plus_epsilon_a3_with_epsilon_chosen_on_validation() -> None:
    # A square 0-1-2-3 with a tail 3-4. Validation: (0, 2) is an edge (CN 2, A³ 0), (1, 4)
    # is not (CN 0, A³ 2): any ε ≤ 0.1 keeps (0, 2) first (CN dominates), so the smallest
    # ε of the best ones (0) is kept. Swap the labels and only ε ≥ 10 ranks (1, 4) first.
    train = np.array([[0, 1], [1, 2], [2, 3], [0, 3], [3, 4]])
    e = np.empty((0, 2), dtype=np.int64)
    net = Network(0, [f"g{k}" for k in range(5)], train)

    def fit(pos: list[int], neg: list[int]) -> LocalPath:
        split = EdgeSplit(5, train, np.array([pos]), np.array([neg]), e, e, e, "uniform", 0)
        return LocalPath().fit(SplitInputs(net, split, 0), SplitCache())

    lp = fit([0, 2], [1, 4])
    assert lp.epsilon_ == 0.0 and lp.report().val_auroc == 1.0
    lp = fit([1, 4], [0, 2])
    assert lp.epsilon_ == 10.0 and lp.epsilon_ in EPSILONS
    # CN(1, 4) = 0 (Γ(4) = {3}, Γ(1) = {0, 2}); A³(1, 4) = 2 (1-0-3-4, 1-2-3-4)
    assert lp.score(np.array([[1, 4], [0, 2]])).tolist() == [20.0, 2.0]
