"""Multi-target regressor stacking (MTRS) for L1000 expression, with graph features.

Stage 1: one random forest per target gene on the experiment's standard features (dose,
time, drug identity) plus that gene's graph features. Stage 2: one meta forest per gene
on the same features plus the stage-1 predictions of all other genes. Stage-1 predictions
used to TRAIN stage 2 are out-of-fold (k-fold within the training rows), so the meta
model never sees a prediction made from its own targets. The final "stacking" model
averages the seven graph-feature models' predictions (no meta-learner), as in the paper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold

from genekg.errors import GenekgError

ProgressFn = Callable[[str], None]


@dataclass
class MTRSResult:
    predictions: np.ndarray  # (n_test, G) stage-2 predictions
    stage1_test: np.ndarray  # (n_test, G)
    importances: np.ndarray  # (G, G): importance of gene k's stage-1 prediction for gene j
    r2: np.ndarray  # (G,)


@dataclass
class MTRS:
    n_trees: int = 300
    folds: int = 3
    seed: int = 0
    n_jobs: int = -1
    min_samples: int = 30
    history: list[str] = field(default_factory=list)

    @staticmethod
    def _predict(rf: RandomForestRegressor, x: np.ndarray) -> np.ndarray:
        # Threaded predict sums tree outputs in arbitrary order (1e-16 noise); one thread
        # keeps results bit-identical under a seed. Fitting stays parallel.
        rf.set_params(n_jobs=1)
        return np.asarray(rf.predict(x))

    def _forest(self, salt: int) -> RandomForestRegressor:
        return RandomForestRegressor(n_estimators=self.n_trees, random_state=self.seed + salt,
                                     n_jobs=self.n_jobs, max_depth=None)

    def fit_predict(
        self,
        x_tr: np.ndarray,
        y_tr: np.ndarray,
        x_te: np.ndarray,
        y_te: np.ndarray,
        gene_x_tr: list[np.ndarray] | None = None,
        gene_x_te: list[np.ndarray] | None = None,
        progress: ProgressFn | None = None,
    ) -> MTRSResult:
        """x: (n, p) shared features; gene_x: per-gene extra columns (n, q) or None."""
        n, g = y_tr.shape
        if n < self.min_samples:
            raise GenekgError(f"too few training samples ({n}) for MTRS "
                              f"(need ≥ {self.min_samples})",
                              hint="Use a cell line with more signatures or a larger file.")

        def feats(j: int, train: bool) -> np.ndarray:
            base = x_tr if train else x_te
            extra = (gene_x_tr if train else gene_x_te)
            return base if extra is None else np.hstack([base, extra[j]])

        oof = np.zeros_like(y_tr, dtype=float)
        s1_te = np.zeros((len(x_te), g))
        kf = KFold(self.folds, shuffle=True, random_state=self.seed)
        for j in range(g):
            xj = feats(j, True)
            for k, (a, b) in enumerate(kf.split(xj)):
                oof[b, j] = self._predict(self._forest(1000 * k + j).fit(xj[a], y_tr[a, j]),
                                          xj[b])
            s1_te[:, j] = self._predict(self._forest(j).fit(xj, y_tr[:, j]), feats(j, False))
            if progress:
                progress(f"stage 1: gene {j + 1}/{g}")
        pred = np.zeros((len(x_te), g))
        imp = np.zeros((g, g))
        for j in range(g):
            others = [k for k in range(g) if k != j]
            xtr = np.hstack([feats(j, True), oof[:, others]])
            xte = np.hstack([feats(j, False), s1_te[:, others]])
            rf = self._forest(7919 + j).fit(xtr, y_tr[:, j])
            pred[:, j] = self._predict(rf, xte)
            imp[j, others] = rf.feature_importances_[-len(others):] if others else []
            if progress:
                progress(f"stage 2: gene {j + 1}/{g}")
        r2 = np.array([r2_score(y_te[:, j], pred[:, j]) for j in range(g)])
        return MTRSResult(pred, s1_te, imp, r2)

    def fit_models(self, x: np.ndarray, y: np.ndarray,
                   gene_x: list[np.ndarray] | None = None,
                   progress: ProgressFn | None = None) -> dict[str, list[RandomForestRegressor]]:
        """Fit stage-1 and stage-2 forests on all rows (for `genekg expression train`)."""
        n, g = y.shape
        if n < self.min_samples:
            raise GenekgError(f"too few samples ({n}) for MTRS (need ≥ {self.min_samples})")

        def feats(j: int) -> np.ndarray:
            return x if gene_x is None else np.hstack([x, gene_x[j]])

        oof = np.zeros_like(y, dtype=float)
        kf = KFold(self.folds, shuffle=True, random_state=self.seed)
        stage1 = []
        for j in range(g):
            xj = feats(j)
            for k, (a, b) in enumerate(kf.split(xj)):
                oof[b, j] = self._predict(self._forest(1000 * k + j).fit(xj[a], y[a, j]), xj[b])
            stage1.append(self._forest(j).fit(xj, y[:, j]))
        stage2 = []
        for j in range(g):
            others = [k for k in range(g) if k != j]
            stage2.append(self._forest(7919 + j).fit(np.hstack([feats(j), oof[:, others]]),
                                                     y[:, j]))
            if progress:
                progress(f"gene {j + 1}/{g}")
        return {"stage1": stage1, "stage2": stage2}


def impute_median(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NaN (e.g. a drug absent from the graph) -> median of the training column (or 0)."""
    med = np.nanmedian(np.where(np.isnan(train).all(axis=0), 0.0, train), axis=0) \
        if train.size else np.zeros(train.shape[1])
    med = np.nan_to_num(med)
    return (np.where(np.isnan(train), med, train), np.where(np.isnan(test), med, test))


def compare(r2: dict[str, np.ndarray], baseline: str = "baseline") -> dict[str, dict[str, float]]:
    """Best-per-gene counts, wins over the baseline, sign test and Wilcoxon p-values."""
    from scipy.stats import binomtest, wilcoxon

    names = list(r2)
    mat = np.vstack([r2[m] for m in names])
    best = np.argmax(mat, axis=0)
    out: dict[str, dict[str, float]] = {}
    for i, m in enumerate(names):
        row: dict[str, float] = {"best_count": int((best == i).sum()),
                                 "mean_r2": float(np.mean(r2[m])),
                                 "median_r2": float(np.median(r2[m]))}
        if m != baseline:
            d = r2[m] - r2[baseline]
            wins, losses = int((d > 0).sum()), int((d < 0).sum())
            row["wins_vs_baseline"] = wins
            row["losses_vs_baseline"] = losses
            row["sign_test_p"] = float(binomtest(wins, wins + losses).pvalue) \
                if wins + losses else 1.0
            row["wilcoxon_p"] = float(wilcoxon(d).pvalue) if np.any(d != 0) else 1.0
        out[m] = row
    return out
