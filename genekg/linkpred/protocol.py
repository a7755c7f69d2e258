"""The evaluation protocol: every method on the same seeded split, scored on test pairs.

Each method is made by the registry (`genekg.linkpred.methods`), fitted on the split's
shared `SplitInputs` and `SplitCache`, scored on the held-out test pairs (never seen by any
fit or choice), and its scores are calibrated on the validation pairs (Platt) to report the
Brier score.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.graphdata import Network, Profiles
from genekg.linkpred import scores as S
from genekg.linkpred.base import LinkPredictor, Report, SplitCache, SplitInputs
from genekg.linkpred.calibrate import Calibrator, brier
from genekg.linkpred.evaluate import held_out_pairs, score
from genekg.linkpred.kgcontext import GeneContext
from genekg.linkpred.methods import resolve
from genekg.linkpred.retrieval import KS, RetrievalResult, retrieval_metrics, stage_scores
from genekg.linkpred.split import EdgeSplit


@dataclass
class MethodResult:
    """Test metrics of one method on one split (curves kept for plots)."""

    method: str
    auroc: float
    aupr: float
    seconds: float
    y_true: np.ndarray = field(repr=False)
    y_score: np.ndarray = field(repr=False)
    y_prob: np.ndarray | None = field(default=None, repr=False)  # calibrated
    report: Report | None = None  # what the method chose (typed, per method)
    val_auroc: float | None = None  # on the split's validation pairs
    brier: float | None = None  # of the calibrated test probabilities
    recall: dict[int, float] = field(default_factory=dict)  # k -> recall@k, as predict ranks

    def row(self) -> dict[str, Any]:
        """The flat columns of a results table: the report's scalars, validation AUROC,
        Brier score and `recall_at_<k>`."""
        out = {k: v for k, v in (self.report.summary() if self.report else {}).items()
               if k != "method"}
        if self.val_auroc is not None:
            out["val_auroc"] = self.val_auroc
        if self.brier is not None:
            out["brier"] = self.brier
        out.update({f"recall_at_{k}": r for k, r in self.recall.items()})
        return out


def run_methods(
    network: Network,
    split: EdgeSplit,
    methods: list[str],
    *,
    seed: int,
    profiles: Profiles | None = None,
    gne_config: GNEConfig | None = None,
    db: GraphStore | None = None,
    device: str = "auto",
    gene_context: GeneContext | None = None,
    on_method: Callable[[str], None] | None = None,
    on_epoch: Callable[[int, float, float], None] | None = None,
    recall_ks: tuple[int, ...] = (),
) -> list[MethodResult]:
    """Fit and score `methods` on `split`; one result per method, in order.

    With `recall_ks` (the temporal experiment), each method also ranks the pairs that are
    not known edges of the split (training and validation) the way `predict` does (stage 1
    for a non-exhaustive predictor) and reports the fraction of the test positives found
    among its top k (`MethodResult.recall`).
    """
    entries = resolve(methods, profiles=profiles, db=db)
    inputs = SplitInputs(network, split, seed, gne_config or GNEConfig(), profiles, db, device,
                         gene_context, on_epoch)
    cache = SplitCache()
    pairs, y = held_out_pairs(split)
    results: list[MethodResult] = []
    ranking: HeldOutRanking | None = None
    try:
        for entry in entries:
            if on_method:
                on_method(entry.name)
            t0 = time.monotonic()
            fitted = cache.fit(entry.make(), inputs)
            s = fitted.score(pairs)
            auroc, aupr = score(y, s)
            result = MethodResult(entry.name, auroc, aupr, 0.0, y, s, None, fitted.report())
            if len(split.val_pos):
                result.val_auroc = fitted.val_auroc(split)
                cal = Calibrator.fit(*fitted.validation(split))
                result.y_prob = cal(s)
                result.brier = brier(y, result.y_prob)
            if recall_ks:  # ranked as predict ranks: through stage 1 (stage_scores)
                ranking = ranking or HeldOutRanking.of(inputs)
                result.recall = dict(ranking.rank(entry.name, fitted, recall_ks).recall)
            result.seconds = time.monotonic() - t0
            results.append(result)
    finally:
        cache.close(db)
    return results


@dataclass(frozen=True)
class HeldOutRanking:
    """A split's held-out pairs ranked among every pair that is not a training or
    validation edge, through `stage_scores` (the path `genekg predict` takes): what the
    retrieval and temporal experiments measure. The exclusion and degrees are built once
    per split and shared by every method."""

    n: int
    exclude: sp.csr_matrix
    degree: np.ndarray
    positives: np.ndarray

    @classmethod
    def of(cls, inputs: SplitInputs) -> HeldOutRanking:
        """The ranking set-up of `inputs`' split."""
        split, n = inputs.split, len(inputs.network.genes)
        return cls(n, S.adjacency(np.vstack([split.train, split.val_pos]), n),
                   S.degrees(inputs.a_train), split.test_pos)

    def rank(self, name: str, p: LinkPredictor, ks: tuple[int, ...],
             k: int | None = None) -> RetrievalResult:
        """How `p` (stage 1 of `k` per gene, default its own) ranks the held-out pairs."""
        return retrieval_metrics(name, stage_scores(p, self.exclude, k), self.n,
                                 self.exclude, self.positives, self.degree, ks)


def run_retrieval(network: Network, split: EdgeSplit, methods: list[str], *, seed: int,
                  profiles: Profiles | None = None, cfg: GNEConfig | None = None,
                  db: GraphStore | None = None, device: str = "auto",
                  gene_context: GeneContext | None = None, k: int | None = None,
                  ks: tuple[int, ...] = KS,
                  on_method: Callable[[str], None] | None = None) -> list[RetrievalResult]:
    """Fit `methods` on the split (one shared cache) and rank `split.test_pos` among all
    pairs that are not training or validation edges, each through `stage_scores` — the
    path `genekg predict` takes. Methods that need knowledge-graph data the genes do not
    have are skipped (a GenekgError from their fit)."""
    entries = resolve(methods, profiles=profiles, db=db)
    inputs = SplitInputs(network, split, seed, cfg or GNEConfig(), profiles, db, device,
                         gene_context)
    cache = SplitCache()
    ranking = HeldOutRanking.of(inputs)
    out: list[RetrievalResult] = []
    try:
        for entry in entries:
            if on_method:
                on_method(entry.name)
            t0 = time.monotonic()
            try:
                p = cache.fit(entry.make(), inputs)
            except GenekgError:
                if entry.uses_kg and inputs.kg.empty:
                    continue  # e.g. spectral+kg on a network without pathways/drugs
                raise
            res = ranking.rank(entry.name, p, ks, k)
            res.seconds = time.monotonic() - t0
            out.append(res)
    finally:
        cache.close(db)
    return out
