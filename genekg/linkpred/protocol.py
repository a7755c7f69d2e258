"""The evaluation protocol: every method on the same seeded split, scored on test pairs.

Each method is fitted through the registry (`genekg.linkpred.methods`) on one shared
`Context`, scored on the held-out test pairs (never seen by any fit or choice), and its
scores are calibrated on the validation pairs (Platt) to report the Brier score.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from genekg.db import Database
from genekg.gne.config import GNEConfig
from genekg.gne.data import Network, Profiles
from genekg.gne.split import EdgeSplit
from genekg.linkpred.calibrate import Calibrator, brier
from genekg.linkpred.evaluate import held_out_pairs, score
from genekg.linkpred.kgcontext import GeneContext
from genekg.linkpred.methods import Context, resolve


@dataclass
class MethodResult:
    """Test metrics of one method on one split (curves kept for plots)."""

    method: str
    auroc: float
    aupr: float
    seconds: float
    y_true: np.ndarray = field(repr=False)
    y_score: np.ndarray = field(repr=False)
    extra: dict[str, Any] = field(default_factory=dict)
    y_prob: np.ndarray | None = field(default=None, repr=False)  # calibrated


def run_methods(
    network: Network,
    split: EdgeSplit,
    methods: list[str],
    *,
    seed: int,
    profiles: Profiles | None = None,
    gne_config: GNEConfig | None = None,
    db: Database | None = None,
    device: str = "auto",
    gene_context: GeneContext | None = None,
    on_method: Callable[[str], None] | None = None,
    on_epoch: Callable[[int, float, float], None] | None = None,
) -> list[MethodResult]:
    """Fit and score `methods` on `split`; one result per method, in order."""
    resolve(methods, profiles=profiles, db=db)
    ctx = Context(network, split, seed, gne_config or GNEConfig(), profiles, db, device,
                  on_epoch, gene_context)
    pairs, y = held_out_pairs(split)
    results: list[MethodResult] = []
    try:
        for m in methods:
            if on_method:
                on_method(m)
            t0 = time.monotonic()
            fitted = ctx.fit(m)
            s = fitted.score(pairs)
            auroc, aupr = score(y, s)
            extra = dict(fitted.extra)
            prob = None
            if len(split.val_pos):
                extra["val_auroc"] = extra.get("val_auroc", fitted.val_auroc(split))
                cal = Calibrator.fit(*fitted.validation(split))
                prob = cal(s)
                extra["brier"] = brier(y, prob)
            results.append(MethodResult(m, auroc, aupr, time.monotonic() - t0, y, s, extra,
                                        prob))
    finally:
        ctx.close()
    return results
