"""Multi-output kernel ridge over feature blocks: the `ridge-mo` learner.

Each feature block (fingerprint bits, target propagation, pathways, one similarity set) is
standardised on the training rows and gives one linear kernel K_b = Z_b Z_bᵀ / p_b, so a
block weighs the same whatever its width (2,048 fingerprint bits would otherwise drown 300
pathway columns). A model's kernel is the sum of its blocks'. Ridge in its dual form then
costs one eigendecomposition of the n × n training kernel for all target genes and every
penalty; each gene's penalty is chosen by its exact leave-one-out error on the training
rows (closed form: residual / (1 − H_ii)), never on test rows.

Two-stage MTRS with this learner (`mtrs_predict`): stage 1 as above; its out-of-fold
predictions of all genes (inner k-fold on the training rows) become one more block of
stage 2, and its test-time input is the mean of the fold models (cross-fitted stacking,
as `genekg.expression.mtrs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold

ALPHAS = np.logspace(-2, 3, 11)  # relative to the training kernel's mean diagonal
CLIP = 5.0


def standardise(x: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Columns of `x` centred and scaled with the statistics of the `train` rows, clipped
    to ±CLIP; columns constant on the training rows are dropped (they would divide by 0)."""
    xt = x[train]
    mu, sd = xt.mean(axis=0), xt.std(axis=0)
    keep = sd > 1e-12
    # Clipped: a column almost constant on the training rows (no training compound near
    # that gene) would give a new compound a z of thousands and swamp its kernel row.
    return np.clip((x[:, keep] - mu[keep]) / sd[keep], -CLIP, CLIP)


def block_kernel(x: np.ndarray, train: np.ndarray) -> np.ndarray:
    """K_b over all rows of one block, standardised on `train`, divided by its width."""
    z = standardise(x, train)
    if z.shape[1] == 0:
        return np.zeros((len(x), len(x)))
    return np.asarray(z @ z.T / z.shape[1])


@dataclass
class RidgeFit:
    """One multi-output dual ridge fit: predictions for the asked rows, the penalty of each
    gene and the dual coefficients (training rows × genes), for explaining a gene."""
    predictions: np.ndarray
    alphas: np.ndarray
    dual: np.ndarray
    y_mean: np.ndarray


def fit_predict(k: np.ndarray, tr: np.ndarray, te: np.ndarray, y_tr: np.ndarray,
                alphas: np.ndarray = ALPHAS) -> RidgeFit:
    """Dual ridge on kernel `k` (all rows × all rows): fit on rows `tr` (targets `y_tr`,
    genes as columns), predict rows `te`. Penalty per gene by leave-one-out on `tr`."""
    ktr = k[np.ix_(tr, tr)]
    scale = float(np.mean(np.diag(ktr))) or 1.0
    w, v = np.linalg.eigh(ktr)
    w = np.clip(w, 0.0, None)
    mean = y_tr.mean(axis=0)
    yc = y_tr - mean
    q = v.T @ yc
    v2 = v * v
    best = np.full(yc.shape[1], np.inf)
    chosen = np.zeros(yc.shape[1])
    for a in alphas * scale:
        f = w / (w + a)
        resid = yc - v @ (f[:, None] * q)
        h = v2 @ f  # diag of the hat matrix
        loo = np.mean((resid / (1.0 - np.minimum(h, 1 - 1e-9))[:, None]) ** 2, axis=0)
        better = loo < best
        best[better] = loo[better]
        chosen[better] = a
    dual = np.zeros_like(yc)
    for a in np.unique(chosen):
        cols = chosen == a
        dual[:, cols] = v @ (q[:, cols] / (w + a)[:, None])
    pred = k[np.ix_(te, tr)] @ dual + mean
    return RidgeFit(pred, chosen / scale, dual, mean)


def mtrs_predict(blocks: list[np.ndarray], tr: np.ndarray, te: np.ndarray, y_tr: np.ndarray,
                 *, seed: int, inner_folds: int = 3) -> np.ndarray:
    """Two-stage MTRS with dual ridge: stage 2 adds the out-of-fold stage-1 predictions of
    every gene as one block (own column included, as in the first MTRS; out-of-fold, so no
    gene's target reaches its own input). `blocks` are kernels over all rows."""
    k1 = np.sum(blocks, axis=0)
    oof = np.zeros_like(y_tr)
    s1_te = np.zeros((len(te), y_tr.shape[1]))
    inner = KFold(inner_folds, shuffle=True, random_state=seed).split(tr)
    for a, b in inner:
        fit = fit_predict(k1, tr[a], np.concatenate([tr[b], te]), y_tr[a])
        oof[b] = fit.predictions[:len(b)]
        s1_te += fit.predictions[len(b):] / inner_folds
    # The stage-1 block over train + test rows, indexed 0..n_tr+n_te-1.
    rows = np.concatenate([tr, te])
    s1 = np.vstack([oof, s1_te])
    local_tr = np.arange(len(tr))
    local_te = np.arange(len(tr), len(rows))
    k2 = k1[np.ix_(rows, rows)] + block_kernel(s1, local_tr)
    return fit_predict(k2, local_tr, local_te, y_tr).predictions
