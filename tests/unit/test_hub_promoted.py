"""The hub-promoted index against hand-computed values, and as a registered method."""

from __future__ import annotations

import numpy as np

from genekg.linkpred.hub_promoted import hub_promoted
from genekg.linkpred.methods import get_method
from genekg.linkpred.scores import adjacency


def test_hub_promoted_index_by_hand() -> None:
    # 0-1, 0-2, 0-3, 1-2, 4 isolated: Γ(1) = {0, 2}, Γ(3) = {0}, Γ(2) = {0, 1}
    a = adjacency(np.array([[0, 1], [0, 2], [0, 3], [1, 2]]), 5)
    got = hub_promoted(a, np.array([[1, 3], [2, 3], [1, 2], [3, 4], [0, 4]]))
    # (1,3): CN {0} = 1, min(2, 1) = 1 -> 1.0; (1,2): CN {0} = 1, min(2, 2) -> 0.5
    np.testing.assert_allclose(got, [1.0, 1.0, 0.5, 0.0, 0.0])
    assert get_method("hpi").label.startswith("hub-promoted")
