"""Multi-target regressor stacking (MTRS) for L1000 expression, with graph features.

Stage 1: one forest per target gene on the experiment's standard features (dose, time,
drug identity) plus that gene's graph features. Stage 2: one meta forest per gene on the
same features plus the stage-1 predictions of all other genes. Stage-1 predictions used to
TRAIN stage 2 are out-of-fold (k-fold within the training rows), so the meta model never
sees a prediction made from its own targets. The final "stacking" model averages the seven
graph-feature models' predictions (no meta-learner), as in the paper.

Stage-1 inputs of stage 2 at test time are the mean of the k fold models' predictions
(cross-fitted stacking), so stage 1 costs k forests per gene, not k + 1.

Speed: genes are independent within a stage, so they run in parallel worker processes
(`n_jobs`), each forest single-threaded (a 300-tree forest on ~300 rows is too small to
gain from threads, and per-gene seeds keep results identical for any `n_jobs`). The folds
are drawn once per training set and shared by every model fitted on it. Learners:
`rf` (the paper's random forest, all features per split), `extra` (extremely randomised
trees with sqrt(p) features per split: a named, faster alternative) and `extra-mo` (`extra`
as multi-output forests over all target genes at once: one per fold in stage 1, one in
stage 2, every gene's graph columns as shared inputs, each gene's own stage-1 column kept
as in the first MTRS), compared in benchmarks/RESULTS.md.

Interpretation: for each gene, the other genes whose stage-1 predictions matter most in its
stage-2 model, by permutation importance on the test rows (R² lost when that column is
shuffled), computed for the `PERMUTE_TOP` candidates with the highest impurity importance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold

from genekg.errors import GenekgError
from genekg.expression import check_learner

ProgressFn = Callable[[str], None]
Forest = Any  # RandomForestRegressor | ExtraTreesRegressor (untyped in sklearn)
PERMUTE_TOP = 10


@dataclass
class MTRSResult:
    """Test-set output of one MTRS model."""

    predictions: np.ndarray  # (n_test, G) stage-2 predictions
    stage1_test: np.ndarray  # (n_test, G)
    importances: np.ndarray  # (G, G): R² lost on test when gene k's stage-1 column is permuted
    r2: np.ndarray  # (G,)


@dataclass
class MTRS:
    """Two-stage MTRS; `forest_seed` varies the forests only (folds stay those of `seed`)."""

    n_trees: int = 300
    folds: int = 3
    seed: int = 0
    n_jobs: int = -1
    min_samples: int = 30
    learner: str = "rf"
    forest_seed: int = 0

    def __post_init__(self) -> None:
        check_learner(self.learner)
        if self.learner == "ridge-mo":  # not a forest: genekg.expression.blockridge
            raise GenekgError("ridge-mo runs the compound split only (--split compound)")

    def _forest(self, salt: int, n_jobs: int = 1) -> Forest:
        rs = self.seed + self.forest_seed * 1_000_003 + salt
        if self.learner in ("extra", "extra-mo"):
            return ExtraTreesRegressor(n_estimators=self.n_trees, max_features="sqrt",
                                       random_state=rs, n_jobs=n_jobs)
        return RandomForestRegressor(n_estimators=self.n_trees, random_state=rs, n_jobs=n_jobs)

    def _check(self, n: int) -> None:
        if n < self.min_samples:
            raise GenekgError(f"too few training samples ({n}) for MTRS "
                              f"(need ≥ {self.min_samples})",
                              hint="Use a cell line with more signatures or a larger file.")

    def _map(self, fn: Callable[[int], Any], g: int, what: str,
             progress: ProgressFn | None) -> list[Any]:
        """`fn` over genes 0..g-1 in parallel, in order, reporting progress per chunk."""
        out: list[Any] = []
        step = max(1, min(g, 16))
        with Parallel(n_jobs=self.n_jobs, backend="loky") as par:
            for lo in range(0, g, step):
                out += par(delayed(fn)(j) for j in range(lo, min(g, lo + step)))
                if progress:
                    progress(f"{what}: gene {min(g, lo + step)}/{g}")
        return out

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
        self._check(n)
        folds = list(KFold(self.folds, shuffle=True, random_state=self.seed).split(x_tr))
        if self.learner == "extra-mo":
            xs_tr, xs_te = _shared_inputs(x_tr, gene_x_tr, x_te, gene_x_te)
            oof, s1_te = self._stage1_multi(xs_tr, y_tr, xs_te, folds, progress)
            pred, imp = self._stage2_multi(xs_tr, oof, y_tr, xs_te, s1_te, y_te, progress)
        else:
            s1 = self._map(lambda j: _stage1(self, j, _cols(x_tr, gene_x_tr, j), y_tr[:, j],
                                             _cols(x_te, gene_x_te, j), folds),
                           g, "stage 1", progress)
            oof = np.column_stack([o for o, _ in s1])
            s1_te = np.column_stack([t for _, t in s1])
            s2 = self._map(lambda j: _stage2(self, j, _cols(x_tr, gene_x_tr, j), oof,
                                             y_tr[:, j], _cols(x_te, gene_x_te, j), s1_te,
                                             y_te[:, j]),
                           g, "stage 2", progress)
            pred = np.column_stack([p for p, _ in s2])
            imp = np.vstack([i for _, i in s2])
        # y_te may have no rows: a caller that scores elsewhere hands no test targets over
        r2 = (np.array([r2_score(y_te[:, j], pred[:, j]) for j in range(g)])
              if len(y_te) == len(pred) else np.full(g, np.nan))
        return MTRSResult(pred, s1_te, imp, r2)

    def _stage1_multi(self, x_tr: np.ndarray, y_tr: np.ndarray, x_te: np.ndarray,
                      folds: list[tuple[np.ndarray, np.ndarray]],
                      progress: ProgressFn | None) -> tuple[np.ndarray, np.ndarray]:
        """Stage 1 of `extra-mo`: per fold, ONE multi-output forest predicts every target gene
        (out-of-fold on the held-out fold, averaged over folds on the test rows). A per-gene
        forest of a few hundred rows costs ~0.2 s whatever it learns (per-node overhead);
        one forest for all genes shares every node across them (~25x less stage-1 time)."""
        oof = np.zeros_like(y_tr, dtype=float)
        te = np.zeros((len(x_te), y_tr.shape[1]))
        for k, (a, b) in enumerate(folds):
            forest = self._forest(1000 * k, n_jobs=self.n_jobs).fit(x_tr[a], y_tr[a])
            # Fit on threads, predict on one: threaded prediction sums trees in completion
            # order, so results would differ in the last bits with the thread count.
            forest.set_params(n_jobs=1)
            oof[b] = forest.predict(x_tr[b])
            te += forest.predict(x_te) / len(folds)
            if progress:
                progress(f"stage 1 (multi-output): fold {k + 1}/{len(folds)}")
        return oof, te

    def _stage2_multi(self, x_tr: np.ndarray, oof: np.ndarray, y_tr: np.ndarray,
                      x_te: np.ndarray, s1_te: np.ndarray, y_te: np.ndarray,
                      progress: ProgressFn | None) -> tuple[np.ndarray, np.ndarray]:
        """Stage 2 of `extra-mo`: one multi-output forest on the features plus ALL genes'
        out-of-fold stage-1 predictions (MTRS as first published: each target's own
        stage-1 column included; out-of-fold, so no leakage). Importance of gene k for gene
        j = R² of j lost on the test rows when k's stage-1 column is permuted (one
        permutation of a column scores every gene at once; own column reported as 0)."""
        g = y_tr.shape[1]
        xtr = np.hstack([x_tr, oof])
        xte = np.hstack([x_te, s1_te])
        p = x_tr.shape[1]
        forest = self._forest(7919, n_jobs=self.n_jobs).fit(xtr, y_tr)
        forest.set_params(n_jobs=1)  # deterministic sums (see _stage1_multi)
        pred = forest.predict(xte)
        imp = np.zeros((g, g))
        if len(y_te) > 1:
            base = _r2_columns(y_te, pred)
            rng = np.random.default_rng(self.seed + 17)
            block = 25  # permuted copies per predict call: memory ~ block·n_test·G floats
            for lo in range(0, g, block):
                cols = range(lo, min(g, lo + block))
                copies = np.repeat(xte[None], len(cols), axis=0)
                for i, k in enumerate(cols):
                    copies[i, :, p + k] = rng.permutation(xte[:, p + k])
                out = forest.predict(copies.reshape(-1, xte.shape[1]))
                out = out.reshape(len(cols), len(y_te), g)
                for i, k in enumerate(cols):
                    imp[:, k] = base - _r2_columns(y_te, out[i])
                if progress:
                    progress(f"stage 2 (multi-output): importance {min(g, lo + block)}/{g}")
            np.fill_diagonal(imp, 0.0)
        return pred, imp

    def fit_models(self, x: np.ndarray, y: np.ndarray,
                   gene_x: list[np.ndarray] | None = None,
                   progress: ProgressFn | None = None) -> dict[str, list[Forest]]:
        """Fit stage-1 and stage-2 forests on all rows (for `genekg expression train`)."""
        if self.learner == "extra-mo":
            raise GenekgError("`extra-mo` is an evaluation learner; train with rf or extra")
        n, g = y.shape
        self._check(n)
        folds = list(KFold(self.folds, shuffle=True, random_state=self.seed).split(x))
        s1 = self._map(lambda j: _stage1(self, j, _cols(x, gene_x, j), y[:, j], None, folds),
                       g, "stage 1", progress)
        oof = np.column_stack([o for o, _ in s1])
        stage1 = self._map(lambda j: self._forest(j).fit(_cols(x, gene_x, j), y[:, j]),
                           g, "stage 1 (all rows)", progress)
        stage2 = self._map(
            lambda j: self._forest(7919 + j).fit(
                np.hstack([_cols(x, gene_x, j), np.delete(oof, j, axis=1)]), y[:, j]),
            g, "stage 2", progress)
        return {"stage1": stage1, "stage2": stage2}


def _cols(x: np.ndarray, extra: list[np.ndarray] | None, j: int) -> np.ndarray:
    return x if extra is None else np.hstack([x, extra[j]])


def _r2_columns(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """R² of every column of `pred` against `y` (vectorised r2_score per gene)."""
    ss_res = np.sum((y - pred) ** 2, axis=0)
    ss_tot = np.sum((y - y.mean(axis=0)) ** 2, axis=0)
    return np.asarray(1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0))


def _shared_inputs(x_tr: np.ndarray, gx_tr: list[np.ndarray] | None, x_te: np.ndarray,
                   gx_te: list[np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """The inputs of `extra-mo`'s forests: standard features plus every gene's graph columns
    (gene j's own model sees its columns among all the others'), without the columns that
    are constant on the training rows (e.g. the one cell line: they split nothing)."""
    xs_tr = x_tr if gx_tr is None else np.hstack([x_tr, *gx_tr])
    xs_te = x_te if gx_te is None else np.hstack([x_te, *gx_te])
    keep = np.ptp(xs_tr, axis=0) > 0
    return xs_tr[:, keep], xs_te[:, keep]


def _stage1(m: MTRS, j: int, xj: np.ndarray, yj: np.ndarray, xj_te: np.ndarray | None,
            folds: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold training predictions and (if asked) test predictions of gene j."""
    oof = np.zeros(len(yj))
    te = np.zeros(0 if xj_te is None else len(xj_te))
    for k, (a, b) in enumerate(folds):
        forest = m._forest(1000 * k + j).fit(xj[a], yj[a])
        oof[b] = forest.predict(xj[b])
        if xj_te is not None:
            # Test-time stage-1 input = mean of the fold models (cross-fitted stacking): the
            # same models that made stage 2's training inputs, and no fourth forest to fit.
            te += forest.predict(xj_te) / len(folds)
    return oof, te


def _stage2(m: MTRS, j: int, xj: np.ndarray, oof: np.ndarray, yj: np.ndarray,
            xj_te: np.ndarray, s1_te: np.ndarray, yj_te: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Stage-2 test predictions of gene j and the permutation importance of the other
    genes' stage-1 columns on the test rows (zero outside the impurity top-k)."""
    g = oof.shape[1]
    others = np.array([k for k in range(g) if k != j], dtype=int)
    p = xj.shape[1]
    rf = m._forest(7919 + j).fit(np.hstack([xj, oof[:, others]]), yj)
    xte = np.hstack([xj_te, s1_te[:, others]])
    pred = rf.predict(xte)
    imp = np.zeros(g)
    if len(others) and len(yj_te) > 1:
        base = r2_score(yj_te, pred)
        cand = np.argsort(-rf.feature_importances_[p:])[:PERMUTE_TOP]
        rng = np.random.default_rng(m.seed + j)
        # All permuted copies in one predict call: a forest's per-call cost dominates at
        # ~100 test rows, so one call on 10 stacked copies is ~6x cheaper than ten calls.
        copies = np.repeat(xte[None], len(cand), axis=0)
        for i, c in enumerate(cand):
            copies[i, :, p + c] = rng.permutation(xte[:, p + c])
        permuted = rf.predict(copies.reshape(-1, xte.shape[1])).reshape(len(cand), -1)
        for i, c in enumerate(cand):
            imp[others[c]] = base - r2_score(yj_te, permuted[i])
    return pred, imp


def impute_median(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NaN (e.g. a drug absent from the graph) -> median of the training column (or 0)."""
    med = np.nanmedian(np.where(np.isnan(train).all(axis=0), 0.0, train), axis=0) \
        if train.size else np.zeros(train.shape[1])
    med = np.nan_to_num(med)
    return (np.where(np.isnan(train), med, train), np.where(np.isnan(test), med, test))


def compare(r2: dict[str, np.ndarray], baseline: str = "baseline",
            control: str | None = "baseline_ensemble") -> dict[str, dict[str, float]]:
    """Per model: mean/median R², best-per-gene counts, and paired per-gene comparisons
    (wins, losses, two-sided sign test and Wilcoxon signed-rank p) against the baseline and
    against the control (the seven-seed baseline ensemble: averaging seven forests without
    any graph feature, the fair yardstick for the seven-model stacking)."""
    names = list(r2)
    mat = np.vstack([r2[m] for m in names])
    best = np.argmax(mat, axis=0)
    out: dict[str, dict[str, float]] = {}
    for i, m in enumerate(names):
        row: dict[str, float] = {"best_count": int((best == i).sum()),
                                 "mean_r2": float(np.mean(r2[m])),
                                 "median_r2": float(np.median(r2[m]))}
        for ref, tag in ((baseline, "baseline"), (control, "ensemble")):
            if ref is None or ref not in r2 or m == ref:
                continue
            row.update({f"{k}_vs_{tag}": v for k, v in paired(r2[m], r2[ref]).items()})
        if "wins_vs_baseline" in row:  # short names kept for existing readers
            row["sign_test_p"] = row["sign_p_vs_baseline"]
            row["wilcoxon_p"] = row["wilcoxon_p_vs_baseline"]
        out[m] = row
    return out


def paired(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Wins/losses of `a` over `b` per gene, fraction won, sign-test and Wilcoxon p."""
    from scipy.stats import binomtest, wilcoxon

    d = a - b
    wins, losses = int((d > 0).sum()), int((d < 0).sum())
    return {"wins": wins, "losses": losses, "win_frac": wins / len(d) if len(d) else 0.0,
            "sign_p": float(binomtest(wins, wins + losses).pvalue) if wins + losses else 1.0,
            "wilcoxon_p": float(wilcoxon(d).pvalue) if np.any(d != 0) else 1.0}
