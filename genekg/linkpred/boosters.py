"""The stack's boosters: scikit-learn `HistGradientBoostingClassifier` cross-fitted over a
small grid on the validation pairs (`fit_boosters`), the K fold models kept as one
`StackModel`, permutation importances on each model's own held-out fold, and the OpenMP
threads a fit may use (`booster_threads`).

Learner: already a dependency, handles NaN and unscaled heavy-tailed counts, deterministic
with a seed, and fast enough on ≤ 40k validation pairs; LightGBM would add a compiled
dependency for no measured gain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from genekg.errors import GenekgError

# Small grid: the validation set is small on sparse networks (human: 3,300 pairs), so
# shallow, strongly shrunk trees are in it; picked by out-of-fold AUROC.
GRID: tuple[dict[str, Any], ...] = (
    {"learning_rate": 0.05, "max_leaf_nodes": 15, "max_iter": 300, "min_samples_leaf": 20},
    {"learning_rate": 0.05, "max_leaf_nodes": 31, "max_iter": 500, "min_samples_leaf": 20},
    {"learning_rate": 0.1, "max_leaf_nodes": 7, "max_iter": 200, "min_samples_leaf": 40},
)


FOLDS = 5


@dataclass
class StackModel:
    """The K fold boosters of the chosen configuration (picklable; saved with a run)."""

    feature_names: list[str]
    models: list[HistGradientBoostingClassifier]
    params: dict[str, Any]
    oof_auroc: float
    importances: dict[str, float] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Mean probability of the fold models."""
        return np.mean([m.predict_proba(x)[:, 1] for m in self.models], axis=0)


def booster_threads() -> Any:
    """OpenMP threads for the boosters' fits: GENEKG_BOOSTER_THREADS, default half the
    cores (1 to 4).

    A fit here is thousands of tiny parallel regions on a few thousand rows. On 2 cores
    (torch loaded, 3,300 x 60 rows) two threads were 1.5x faster than one on an idle
    machine but 2.4x slower beside one other busy process (0.5/0.7 s idle, 1.8/0.75 s
    busy): oversubscription costs far more than one thread loses, so half the cores.
    """
    import os

    from threadpoolctl import threadpool_limits

    from genekg.config import env_number

    default = max(1, min(4, (os.cpu_count() or 2) // 2))
    n = int(env_number("GENEKG_BOOSTER_THREADS", default, minimum=1))
    return threadpool_limits(limits=n, user_api="openmp")


def fit_boosters(x: np.ndarray, y: np.ndarray, names: list[str], seed: int,
                 grid: tuple[dict[str, Any], ...] = GRID, folds: int = FOLDS,
                 step: Callable[[str], None] | None = None
                 ) -> tuple[StackModel, np.ndarray]:
    """Cross-fit the grid on (x, y); return the best model and its out-of-fold scores.
    `step` is told each grid point's result and time."""
    if len(y) < 4 * folds or len(set(y.tolist())) < 2:
        raise GenekgError(f"too few validation pairs ({len(y)}) to fit the stack",
                          hint="Use a larger network or a larger --val-frac.")
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    splits = list(skf.split(x, y))
    best: tuple[float, dict[str, Any], list[HistGradientBoostingClassifier], np.ndarray] | None
    best = None
    for i, params in enumerate(grid, start=1):
        t0 = time.monotonic()
        oof = np.empty(len(y))
        models = []
        for tr, te in splits:
            m = HistGradientBoostingClassifier(random_state=seed, **params).fit(x[tr], y[tr])
            oof[te] = m.predict_proba(x[te])[:, 1]
            models.append(m)
        auc = float(roc_auc_score(y, oof))
        if step is not None:
            step(f"stack boosters: grid point {i}/{len(grid)} ({folds} folds, "
                 f"{len(y):,} rows): out-of-fold AUROC {auc:.4f} in "
                 f"{time.monotonic() - t0:.1f} s")
        if best is None or auc > best[0]:
            best = (auc, params, models, oof)
    assert best is not None
    auc, params, models, oof = best
    model = StackModel(names, models, dict(params), auc)
    model.importances = permutation_importance(model, x, y, splits, seed)
    return model, oof


def permutation_importance(model: StackModel, x: np.ndarray, y: np.ndarray,
                           splits: list[tuple[np.ndarray, np.ndarray]], seed: int
                           ) -> dict[str, float]:
    """Drop in out-of-fold AUROC when one feature is shuffled (each fold model on its own
    held-out fold, so the importance is measured on pairs that model never saw)."""
    rng = np.random.default_rng(seed)

    def oof_auc(col: int | None) -> float:
        out = np.empty(len(y))
        for m, (_, te) in zip(model.models, splits, strict=True):
            xt = x[te].copy()
            if col is not None:
                xt[:, col] = rng.permutation(xt[:, col])
            out[te] = m.predict_proba(xt)[:, 1]
        return float(roc_auc_score(y, out))

    base = oof_auc(None)
    return {n: round(base - oof_auc(i), 5) for i, n in enumerate(model.feature_names)}

