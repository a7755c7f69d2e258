"""Graph feature sets and MTRS stacking on small inputs (no server)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from genekg.errors import GenekgError
from genekg.expression.experiment import standard_features
from genekg.expression.mtrs import MTRS, compare, impute_median
from genekg.features import similarity as F
from genekg.features.kg import KG, FeatureSet

# 0-1, 1-2, 2-3, 0-2, 3-4, and 5 isolated
EDGES = np.array([[0, 1], [1, 2], [2, 3], [0, 2], [3, 4]])


def test_relative_entropy_hand_computed() -> None:
    a = F.adjacency(EDGES, 6)
    s = F.relative_entropy(a, np.array([[0, 3], [0, 1], [0, 5]]))
    # P(0) = sorted degrees of {0,1,2} = [3,2,2]/7 ; P(3) = {3,2,4} = [3,2,1]/6 ; m' = 3
    p0, p3 = np.array([3, 2, 2]) / 7, np.array([3, 2, 1]) / 6
    expect = np.sum(p0 * np.log(p0 / p3)) + np.sum(p3 * np.log(p3 / p0))
    assert s[0] == pytest.approx(expect)
    assert s[1] == pytest.approx(0.0)  # 0 and 1 have identical local structure
    assert np.isnan(s[2])  # isolated node: no distribution


def test_laplacian_eigenmaps_separates_components() -> None:
    # two triangles joined by one bridge: the first non-trivial eigenvector splits them
    e = np.array([[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5], [2, 3]])
    emb = F.laplacian_eigenmaps(F.adjacency(e, 6), dim=1)
    assert emb.shape == (6, 1)
    assert np.sign(emb[0, 0]) == np.sign(emb[1, 0]) == np.sign(emb[2, 0])
    assert np.sign(emb[3, 0]) != np.sign(emb[0, 0])


def test_lle_handles_structurally_equivalent_nodes() -> None:
    rng = np.random.default_rng(0)
    e = np.array([[i, j] for i in range(40) for j in range(i + 1, 40) if rng.random() < 0.15])
    e = np.vstack([e, [[0, 40], [0, 41]]])  # 40 and 41 are equivalent leaves
    emb = F.locally_linear_embedding(F.adjacency(e, 42), dim=4, seed=1)
    assert emb.shape == (42, 4) and np.isfinite(emb).all()
    assert np.allclose(emb[40], emb[41])


def test_feature_set_pairs_with_missing_endpoint() -> None:
    kg = KG(["a", "b", "c", "d", "e", "f"], ["Gene"] * 6, F.adjacency(EDGES, 6))
    cn = FeatureSet("cn", 0.0, None, kg).pair(np.array([[0, 3], [-1, 3]]))
    assert cn[0] == 1 and np.isnan(cn[1])
    emb = FeatureSet("le", 0.0, np.array([[1, 0]] * 3 + [[0, 1]] * 3, dtype=float), kg)
    assert emb.pair(np.array([[0, 1], [0, 4]])).tolist() == [1.0, 0.0]


def _toy(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y0 = 2 * x[:, 0] + rng.normal(scale=0.1, size=n)
    y1 = y0 + x[:, 1] + rng.normal(scale=0.1, size=n)  # gene 1 depends on gene 0
    y2 = rng.normal(size=n)
    return x, np.column_stack([y0, y1, y2])


def test_mtrs_stage2_uses_other_genes_and_is_deterministic() -> None:
    x, y = _toy()
    m = MTRS(n_trees=30, seed=3, n_jobs=1)
    r1 = m.fit_predict(x[:90], y[:90], x[90:], y[90:])
    r2 = MTRS(n_trees=30, seed=3, n_jobs=1).fit_predict(x[:90], y[:90], x[90:], y[90:])
    assert np.array_equal(r1.predictions, r2.predictions)
    assert r1.r2[0] > 0.8 and r1.r2[2] < 0.3
    assert r1.importances.shape == (3, 3) and np.all(np.diag(r1.importances) == 0)
    # for gene 1, gene 0's stage-1 prediction matters more than unrelated gene 2's
    assert r1.importances[1, 0] > r1.importances[1, 2]


def test_mtrs_per_gene_features_and_too_few_samples() -> None:
    x, y = _toy()
    extra = [np.zeros((90, 1)), np.zeros((90, 1)), np.zeros((90, 1))]
    extra_te = [np.zeros((30, 1))] * 3
    r = MTRS(n_trees=10, seed=1, n_jobs=1).fit_predict(x[:90], y[:90], x[90:], y[90:], extra,
                                                       extra_te)
    assert r.predictions.shape == (30, 3)
    with pytest.raises(GenekgError, match="too few training samples"):
        MTRS(n_trees=5).fit_predict(x[:10], y[:10], x[10:20], y[10:20])


def test_compare_counts_and_tests() -> None:
    r2 = {"baseline": np.array([0.1, 0.2, 0.3, 0.4]),
          "cn": np.array([0.2, 0.3, 0.4, 0.5]),
          "stacking": np.array([0.0, 0.25, 0.2, 0.6])}
    c = compare(r2)
    assert c["cn"]["wins_vs_baseline"] == 4 and c["cn"]["losses_vs_baseline"] == 0
    assert c["stacking"]["wins_vs_baseline"] == 2
    assert c["cn"]["best_count"] + c["stacking"]["best_count"] + c["baseline"]["best_count"] == 4
    assert c["cn"]["sign_test_p"] == pytest.approx(0.125)


def test_impute_median_uses_training_rows_only() -> None:
    tr = np.array([[1.0], [np.nan], [3.0]])
    te = np.array([[np.nan]])
    a, b = impute_median(tr, te)
    assert a[1, 0] == 2.0 and b[0, 0] == 2.0


def test_standard_features() -> None:
    meta = {"id": ["s1", "s2", "s3"], "pert_dose": ["10", "1", "-666"],
            "pert_time": ["24", "6", "24"], "pert_type": ["trt_cp", "trt_cp", "ctl_vehicle"],
            "pert_iname": ["drugA", "drugB", "DMSO"]}
    x, names = standard_features(meta)
    assert names[:3] == ["log10_dose", "time_h", "vehicle"]
    assert x[0, 0] == pytest.approx(1.0) and x[1, 0] == pytest.approx(0.0)
    assert x[2, 2] == 1.0 and x.shape == (3, 6)


def test_mtrs_same_result_for_any_worker_count_and_learners_named() -> None:
    x, y = _toy()
    one = MTRS(n_trees=20, seed=5, n_jobs=1).fit_predict(x[:90], y[:90], x[90:], y[90:])
    two = MTRS(n_trees=20, seed=5, n_jobs=2).fit_predict(x[:90], y[:90], x[90:], y[90:])
    assert np.array_equal(one.predictions, two.predictions)
    assert np.array_equal(one.importances, two.importances)
    # another forest seed (an ensemble member) changes the forests, not the folds
    other = MTRS(n_trees=20, seed=5, n_jobs=1, forest_seed=1).fit_predict(
        x[:90], y[:90], x[90:], y[90:])
    assert not np.array_equal(one.predictions, other.predictions)
    fast = MTRS(n_trees=20, seed=5, n_jobs=1, learner="extra").fit_predict(
        x[:90], y[:90], x[90:], y[90:])
    assert fast.r2[0] > 0.7
    with pytest.raises(GenekgError, match="unknown learner"):
        MTRS(learner="xgb")


def test_compare_against_the_ensemble_control() -> None:
    # stacking beats the baseline on every gene but the ensemble on none: the report
    # must say the graph adds nothing beyond averaging
    base = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    r2 = {"baseline": base, "baseline_ensemble": base + 0.05, "stacking": base + 0.02}
    c = compare(r2)["stacking"]
    assert c["wins_vs_baseline"] == 6 and c["wins_vs_ensemble"] == 0
    assert c["losses_vs_ensemble"] == 6 and c["win_frac_vs_ensemble"] == 0.0
    assert c["sign_p_vs_ensemble"] == pytest.approx(2 * 0.5 ** 6)
    assert "wins_vs_ensemble" not in compare(r2)["baseline_ensemble"]


def test_multi_output_learner_wires_stage1_into_stage2_and_is_deterministic() -> None:
    x, y = _toy()
    gx = [np.column_stack([x[:, 0] * k, np.ones(len(x))]) for k in (1.0, 2.0, 3.0)]
    tr, te = slice(0, 90), slice(90, None)

    def fit(n_jobs: int, forest_seed: int = 0) -> Any:
        return MTRS(n_trees=20, seed=5, n_jobs=n_jobs, learner="extra-mo",
                    forest_seed=forest_seed).fit_predict(
            x[tr], y[tr], x[te], y[te], [g[tr] for g in gx], [g[te] for g in gx])

    one, two = fit(1), fit(2)
    assert np.array_equal(one.predictions, two.predictions)  # threads change nothing
    assert one.predictions.shape == (30, 3) and one.stage1_test.shape == (30, 3)
    assert one.r2[0] > 0.7 and one.r2[2] < 0.3
    # stage 2 of gene 1 leans on gene 0's stage-1 prediction, as with per-gene forests
    assert one.importances[1, 0] > one.importances[1, 2]
    assert not np.array_equal(one.predictions, fit(1, forest_seed=1).predictions)
    with pytest.raises(GenekgError, match="evaluation learner"):
        MTRS(learner="extra-mo").fit_models(x, y)
