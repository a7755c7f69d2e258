"""Hub-promoted index (Ravasz et al., Science 2002): HPI(x, y) = |Γ(x) ∩ Γ(y)| / min(k_x, k_y).

Shared partners relative to the smaller neighbourhood, so a low-degree gene whose few
partners all sit next to a hub still scores high. Computed on the training graph only;
0 where either gene has no training edge.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from genekg.linkpred.scores import chunked, degrees, rowdot


def hub_promoted(a: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """HPI for each pair (x, y) of `pairs`, in blocks (memory linear in edges)."""
    k = degrees(a)

    def block(p: np.ndarray) -> np.ndarray:
        cn = rowdot(a[p[:, 0]], a[p[:, 1]])
        low = np.minimum(k[p[:, 0]], k[p[:, 1]])
        return np.divide(cn, low, out=np.zeros_like(cn), where=low > 0)

    return chunked(pairs, block)
