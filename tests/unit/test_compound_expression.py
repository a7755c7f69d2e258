"""The compound split of expression prediction (issue 26): target propagation on hand-made
graphs, the block ridge learner, folds that never let a compound's signature reach its
own model, determinism and the label-shuffle sanity check. Synthetic data, labelled so."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.errors import GenekgError
from genekg.expression import blockridge as br
from genekg.expression.compound import (
    Blocks,
    CompoundGraph,
    SeedComparison,
    build_blocks,
    compare_over_seeds,
    morgan_fingerprints,
    random_walk_with_restart,
    resolve_drug,
    run_compound_experiment,
    seed_verdict,
)

ETHANOL = "InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3"
BENZENE = "InChI=1S/C6H6/c1-2-4-6-5-3-1/h1-6H"


def _graph() -> CompoundGraph:
    """a - b - c path, d isolated; pathway P1 = {a, b}, P2 = {c}; drugs D1 -> a,
    D2 -> c, D3 -> none."""
    genes = ["9606:A", "9606:B", "9606:C", "9606:D"]
    adj = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]],
                                 dtype=float))
    mem = sp.csr_matrix(np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=float))
    return CompoundGraph(names={"D1": "one", "D2": "two", "D3": "Three"},
                         inchi={"D1": ETHANOL, "D2": BENZENE, "D3": "not an InChI"},
                         targets={"D1": ["9606:A"], "D2": ["9606:C", "9606:D"], "D3": []},
                         genes=genes, adj=adj, pathways=["P1", "P2"], membership=mem)


def test_random_walk_with_restart_matches_the_closed_form() -> None:
    # Two genes, one edge, restart 0.5, walk from a: p_a = .5 + .5 p_b, p_b = .5 p_a
    # -> p_a = 2/3, p_b = 1/3.
    adj = sp.csr_matrix(np.array([[0, 1], [1, 0]], dtype=float))
    p = random_walk_with_restart(adj, np.array([[1.0], [0.0]]), restart=0.5)
    assert p[:, 0] == pytest.approx([2 / 3, 1 / 3], abs=1e-9)
    g = _graph()
    seeds = np.zeros((4, 3))
    seeds[0, 0] = 1.0  # from a
    seeds[3, 1] = 1.0  # from the isolated d
    p = random_walk_with_restart(g.adj, seeds)
    assert p[0, 0] > p[1, 0] > p[2, 0] > 0 and p[3, 0] == 0  # decays along the path
    assert p[:, 0].sum() == pytest.approx(1.0) and p[3, 1] == pytest.approx(1.0)
    assert not p[:, 2].any()  # no seed, no walk


def test_blocks_read_targets_pathways_and_structure() -> None:
    g = _graph()
    b = build_blocks(g, ["D1", "D2", "D3"], ["9606:A", "9606:C", "9606:Z"], sets=())
    assert b.has_targets.tolist() == [True, True, False]
    assert b.has_structure.tolist() == [True, True, False]  # D3's InChI does not parse
    t = b.x["targets"]
    assert t[0, 0] > t[0, 1] > 0  # D1 targets A: more walk at A than at C
    assert t[1, 1] > t[1, 0]  # D2 targets C
    assert t[:, 2].tolist() == [0, 0, 0]  # a landmark outside the network
    assert not t[2, :3].any()
    assert b.x["targets"][:, 3] == pytest.approx(np.log1p([1, 2, 0]))
    # share of the drug's targets in each pathway: D2 has C (P2) and D (none)
    assert b.x["pathways"].tolist() == [[1.0, 0.0], [0.0, 0.5], [0.0, 0.0]]
    assert b.x["chem"][0].sum() > 0 and not b.x["chem"][2].any()
    assert b.columns["targets"][0] == "rwr:9606:A"


def test_morgan_bits_differ_between_molecules() -> None:
    x, ok = morgan_fingerprints([ETHANOL, BENZENE, None])
    assert ok.tolist() == [True, True, False] and x.shape == (3, 2048)
    assert (x[0] != x[1]).any() and set(np.unique(x)) <= {0.0, 1.0}


def test_leave_one_out_penalty_is_the_one_refitting_would_choose() -> None:
    """The library picks each gene's penalty from a grid by its closed-form leave-one-out
    error; refitting without each row (brute force, through the library's own fit at one
    penalty) must prefer the same grid point: a small penalty for a nearly noise-free gene,
    the largest for a gene of pure noise."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 6))
    y = np.column_stack([x @ rng.normal(size=6) + 0.05 * rng.normal(size=30),
                         rng.normal(size=30)])
    k = x @ x.T
    tr = np.arange(30)
    grid = np.array([1e-3, 1e-1, 1.0, 10.0, 1e3])
    chosen = br.fit_predict(k, tr, tr, y, alphas=grid).alphas
    scale = np.mean(np.diag(k))
    brute = np.zeros((len(grid), 2))
    for g, rel in enumerate(grid):
        errs = []
        for i in range(30):
            keep = np.delete(tr, i)
            # the same absolute penalty on the reduced problem (its own scale differs)
            a = rel * scale / np.mean(np.diag(k[np.ix_(keep, keep)]))
            f = br.fit_predict(k, keep, np.array([i]), y[keep], alphas=np.array([a]))
            errs.append((y[i] - f.predictions[0]) ** 2)
        brute[g] = np.mean(errs, axis=0)
    want = grid[np.argmin(brute, axis=0)]
    assert chosen == pytest.approx(want)
    assert want[0] < 1.0 and want[1] == grid[-1]  # the two genes want different penalties


def _planted(n: int = 150, g: int = 20, seed: int = 0) -> tuple[Blocks, np.ndarray]:
    """SYNTHETIC: signatures driven by a 'targets' block; 'chem' is each compound's
    identity (one-hot): useless for an unseen compound, perfect if its signature leaked."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=(n, 8))
    y = signal @ rng.normal(size=(8, g)) + 0.3 * rng.normal(size=(n, g))
    blocks = Blocks([f"D{i}" for i in range(n)], {"chem": np.eye(n), "targets": signal},
                    {"chem": [f"id{i}" for i in range(n)],
                     "targets": [f"s{i}" for i in range(8)]},
                    {}, np.ones(n, dtype=bool), np.ones(n, dtype=bool))
    return blocks, y


MODELS = {"mean": {}, "chemistry": {"chem": 1.0}, "graph": {"targets": 1.0}}


def test_no_compound_signature_reaches_its_own_fold() -> None:
    blocks, y = _planted()
    rep = run_compound_experiment(blocks, y, [f"G{j}" for j in range(y.shape[1])],
                                  folds=5, seed=3, models=MODELS)
    ident = rep.per_gene("chemistry")["r2"]
    assert ident.mean() < 0.05  # identity carries nothing to an unseen compound
    assert rep.per_gene("graph")["r2"].mean() > 0.8  # the planted signal is found
    assert sorted(np.bincount(rep.folds).tolist()) == [30] * 5
    # The same learner given the held-out rows' signatures memorises them: R² ≈ 1. This
    # is what a fold leak would look like, so the check above can fail.
    k = br.block_kernel(blocks.x["chem"], np.arange(150))
    all_rows = np.arange(150)
    leak = br.fit_predict(k, all_rows, all_rows, y, alphas=np.array([1e-4])).predictions
    assert np.mean(1 - ((y - leak) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0)) > 0.99


def test_label_shuffle_leaves_nothing_to_learn() -> None:
    blocks, y = _planted()
    perm = np.random.default_rng(1).permutation(len(y))
    rep = run_compound_experiment(blocks, y[perm], [f"G{j}" for j in range(y.shape[1])],
                                  folds=5, seed=3, models=MODELS)
    assert rep.per_gene("graph")["r2"].mean() < 0.05
    summary = {r["model"]: r for r in rep.summary()}
    assert summary["graph"]["win_frac_vs_chemistry[all]"] < 0.9


def test_same_seed_same_predictions_other_seed_other_folds() -> None:
    blocks, y = _planted(n=60, g=6)
    genes = [f"G{j}" for j in range(6)]
    a = run_compound_experiment(blocks, y, genes, folds=3, seed=7, models=MODELS)
    b = run_compound_experiment(blocks, y, genes, folds=3, seed=7, models=MODELS)
    c = run_compound_experiment(blocks, y, genes, folds=3, seed=8, models=MODELS)
    assert all(np.array_equal(a.predictions[m], b.predictions[m]) for m in MODELS)
    assert not np.array_equal(a.folds, c.folds)


def test_a_verdict_claims_only_what_holds_in_every_fold_seed() -> None:
    blocks, y = _planted(n=90, g=8)
    genes = [f"G{j}" for j in range(8)]
    models = {"mean": {}, "chemistry": {"chem": 1.0},
              "graph+chem": {"targets": 1.0, "chem": 1.0}, "core+chem": {"chem": 1.0}}
    reports = [run_compound_experiment(blocks, y, genes, folds=3, seed=s, models=models)
               for s in (4, 5, 6)]
    comparisons = compare_over_seeds(reports, [4, 5, 6])
    assert [(c.model, c.reference) for c in comparisons] == [("graph+chem", "chemistry"),
                                                              ("graph+chem", "core+chem")]
    assert all(c.wins == (8, 8, 8) and c.holds for c in comparisons)
    assert seed_verdict(comparisons).startswith("over 3 fold seeds: graph+chem beats "
                                                "chemistry in every seed (100% of genes")
    # One seed of three with a significant majority is not a claim (the case: 75%
    # in one fold seed, 54% with p 0.016 in another).
    mixed = SeedComparison("graph+chem", "chemistry", (0, 1, 2), (735, 527, 560),
                           (5e-58, 0.016, 3e-5), 978)
    assert mixed.seeds_won == 2 and not mixed.holds
    said = seed_verdict([mixed])
    assert "beats chemistry in only 2 of 3 seeds (54%–75% of genes, max sign p 0.016)" in said
    lost = SeedComparison("stacking", "core+chem", (0, 1, 2), (400, 480, 489),
                          (1e-8, 0.6, 1.0), 978)
    assert lost.seeds_won == 0 and "stacking does not beat core+chem" in seed_verdict([lost])


def test_forest_learner_runs_and_per_gene_forests_are_refused() -> None:
    blocks, y = _planted(n=40, g=4)
    rep = run_compound_experiment(blocks, y, ["a", "b", "c", "d"], folds=2, seed=1,
                                  learner="extra-mo", trees=5, n_jobs=1,
                                  models={"mean": {}, "chemistry": {"chem": 1.0},
                                          "core+chem": {"targets": 1.0, "chem": 1.0}},
                                  ensemble=2)
    assert np.isfinite(rep.predictions["core+chem ensemble"]).all()
    assert rep.per_gene("core+chem")["r2"].mean() > 0.2
    with pytest.raises(GenekgError, match="compound split"):
        run_compound_experiment(blocks, y, ["a", "b", "c", "d"], learner="rf")


def test_drug_names_resolve_and_misses_are_named() -> None:
    g = _graph()
    g.by_drugbank = {"DB00001": "D1"}  # DrugBank's drug merged onto a LINCS node
    assert g.node_ids(["DB00001", "D2", "DB99999"]) == ["D1", "D2", "DB99999"]
    assert resolve_drug(g, "DB00001") == "D1"
    assert resolve_drug(g, "D2") == "D2" and resolve_drug(g, "three") == "D3"
    with pytest.raises(GenekgError, match="no drug 'Thr'"):
        resolve_drug(g, "Thr")


def test_cli_refuses_an_unknown_split_and_a_random_split_without_cell() -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["expression", "evaluate", "--split", "drug", "--seed", "1"])
    assert r.exit_code == 1 and "--split must be random or compound" in r.output
    r = runner.invoke(app, ["expression", "evaluate", "--seed", "1"])
    assert r.exit_code == 1 and "needs --lincs" in r.output


def test_a_compound_nothing_informs_is_refused_not_given_the_mean_profile() -> None:
    """D3 has no target and no parsable structure: every model would predict it from
    imputed inputs only (it printed a signature and the compounds it "resembles")."""
    from genekg.expression.compound import predict_signature
    from genekg.loaders.lincs_consensus import ConsensusSignatures

    sig = ConsensusSignatures(["D1", "D2"], ["1", "2"], ["A", "C"],
                              np.array([[0.5, -1.0], [1.5, 0.2]]))
    for model in ("stacking", "core+chem"):
        with pytest.raises(GenekgError, match="nothing informs its prediction"):
            predict_signature(_graph(), sig, "D3", model=model, sets=())
