"""GNE, splits, features and scoring without a server."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest

from genekg.errors import GenekgError
from genekg.features import similarity as F
from genekg.gne.model import GNEConfig
from genekg.gne.train import train_gne
from genekg.linkpred.evaluate import EdgeClassifier, held_out_pairs
from genekg.linkpred.predict import score_candidates
from genekg.linkpred.prediction import PredictOptions
from genekg.linkpred.protocol import run_methods
from genekg.linkpred.split import encode, split_edges
from genekg.sample import sample_dir


@pytest.fixture(scope="module")
def ecoli_sub() -> tuple[list[str], np.ndarray]:
    """A real subnetwork: the first 6,000 rows of the bundled E. coli BioGRID edge list."""
    with gzip.open(sample_dir() / "ecoli_biogrid_edgelist.csv.gz", "rt") as fh:
        rows = [line.strip().split(",") for _, line in zip(range(6000), fh, strict=False)]
    genes = sorted({g for r in rows for g in r})
    idx = {g: i for i, g in enumerate(genes)}
    e = np.array([[idx[a], idx[b]] for a, b in rows if a != b])
    return genes, np.unique(np.sort(e, axis=1), axis=0)


def test_split_has_no_leakage_and_right_sizes(ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    genes, edges = ecoli_sub
    n = len(genes)
    for mode in ("uniform", "degree"):
        s = split_edges(edges, n, seed=3, negatives=mode)
        codes = {k: set(encode(getattr(s, k), n).tolist()) for k in
                 ("train", "val_pos", "test_pos", "val_neg", "test_neg", "train_neg")}
        assert not codes["train"] & codes["test_pos"]
        assert not codes["train"] & codes["val_pos"]
        assert not codes["val_pos"] & codes["test_pos"]
        all_edges = set(encode(edges, n).tolist())
        for k in ("val_neg", "test_neg", "train_neg"):
            assert not codes[k] & all_edges, k
        assert not codes["val_neg"] & codes["test_neg"]
        assert len(s.val_pos) == round(0.1 * len(edges))
        assert abs(len(s.train) - len(s.test_pos)) <= 1
        assert len(s.test_neg) == len(s.test_pos) and len(s.val_neg) == len(s.val_pos)
        assert (s.train[:, 0] < s.train[:, 1]).all()


def test_split_is_seeded(ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    genes, edges = ecoli_sub
    a = split_edges(edges, len(genes), seed=5)
    b = split_edges(edges, len(genes), seed=5)
    c = split_edges(edges, len(genes), seed=6)
    assert np.array_equal(a.test_pos, b.test_pos) and np.array_equal(a.test_neg, b.test_neg)
    assert not np.array_equal(a.test_pos, c.test_pos)


def test_sparsity_split_fixes_test_and_nests_training(
    ecoli_sub: tuple[list[str], np.ndarray],
) -> None:
    genes, edges = ecoli_sub
    n, m = len(genes), len(edges)
    small = split_edges(edges, n, seed=2, test_frac=0.1, train_frac=0.2)
    large = split_edges(edges, n, seed=2, test_frac=0.1, train_frac=0.8)
    assert np.array_equal(small.test_pos, large.test_pos)
    assert np.array_equal(small.val_pos, large.val_pos)
    assert len(small.test_pos) == round(0.1 * m) and len(small.train) == round(0.2 * m)
    assert len(large.train) == m - len(large.val_pos) - len(large.test_pos)
    assert set(encode(small.train, n).tolist()) <= set(encode(large.train, n).tolist())
    with pytest.raises(GenekgError, match="exceed the edge set"):
        split_edges(edges, n, seed=2, test_frac=0.5, train_frac=0.8)


def test_degree_negatives_remove_degree_signal(ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    genes, edges = ecoli_sub
    from sklearn.metrics import roc_auc_score

    aucs = {}
    for mode in ("uniform", "degree"):
        s = split_edges(edges, len(genes), seed=1, negatives=mode)
        pairs, y = held_out_pairs(s)
        pa = F.preferential_attachment(F.adjacency(s.train, s.n_nodes), pairs)
        aucs[mode] = roc_auc_score(y, pa)
    assert aucs["uniform"] > 0.8
    assert aucs["degree"] < aucs["uniform"] - 0.15


def test_too_small_graph_is_a_clear_error() -> None:
    with pytest.raises(GenekgError, match="too small to split"):
        split_edges(np.array([[0, 1], [1, 2], [2, 3]]), 4, seed=0)


def test_similarity_measures_hand_computed() -> None:
    # path 0-1-2-3 plus 0-2:  Γ(0)={1,2} Γ(1)={0,2} Γ(2)={0,1,3} Γ(3)={2}
    a = F.adjacency(np.array([[0, 1], [1, 2], [2, 3], [0, 2]]), 4)
    pairs = np.array([[0, 3], [1, 3], [0, 1]])
    assert F.common_neighbours(a, pairs).tolist() == [1, 1, 1]
    assert F.preferential_attachment(a, pairs).tolist() == [2, 2, 4]
    assert F.resource_allocation(a, pairs).tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert F.adamic_adar(a, pairs).tolist() == pytest.approx([1 / math.log(3)] * 3)
    dense = a.toarray()
    a2, a3 = dense @ dense, dense @ dense @ dense
    lp = F.local_path_index(a, pairs, beta=0.1)
    assert lp.tolist() == pytest.approx([a2[i, j] + 0.1 * a3[i, j] for i, j in pairs])


def test_gne_same_seed_same_numbers(ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    genes, edges = ecoli_sub
    s = split_edges(edges, len(genes), seed=2)
    cfg = GNEConfig(epochs=2, dim=32)
    r1 = run_methods(None, s, ["gne"], seed=7, gne_config=cfg)[0]  # type: ignore[arg-type]
    r2 = run_methods(None, s, ["gne"], seed=7, gne_config=cfg)[0]  # type: ignore[arg-type]
    r3 = run_methods(None, s, ["gne"], seed=8, gne_config=cfg)[0]  # type: ignore[arg-type]
    assert (r1.auroc, r1.aupr) == (r2.auroc, r2.aupr)
    assert r1.auroc != r3.auroc
    assert r1.auroc > 0.6


def test_genes_without_profiles_are_masked(ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    genes, edges = ecoli_sub
    s = split_edges(edges, len(genes), seed=2)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(len(genes), 8)).astype(np.float32)
    has = np.ones(len(genes), dtype=bool)
    has[::3] = False
    x[~has] = 0.0
    res = train_gne(s, GNEConfig(epochs=1, dim=16, lam=1.0), seed=1, attributes=x,
                    has_attributes=has)
    assert res.model is not None and res.model.use_attributes
    assert np.isfinite(res.embeddings).all()
    import torch

    m = res.model.eval()
    idx = torch.tensor(np.nonzero(~has)[0][:5])
    va = torch.nn.functional.elu(m.attribute(m.x[idx])) * m.has_x[idx]  # type: ignore[misc]
    assert float(va.abs().sum().detach()) == 0.0


def test_classifier_folds_into_bilinear_form(ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    genes, edges = ecoli_sub
    s = split_edges(edges, len(genes), seed=2)
    emb = F.spectral_embedding(F.adjacency(s.train, s.n_nodes), 16, 0)
    clf = EdgeClassifier.fit(emb, s, 0)
    pairs, _ = held_out_pairs(s)
    folded = clf.bilinear()
    logits = folded.logits_block(emb, pairs[:, 0])[np.arange(len(pairs)), pairs[:, 1]]
    assert (1 / (1 + np.exp(-logits))) == pytest.approx(clf.predict(emb, pairs), abs=1e-6)


def test_mean_logit_ensemble_is_one_bilinear_classifier(
        ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    # an ensemble of embedding models scores by the mean of its members' logits, and its
    # stored (concatenated embedding, w, b) form gives the same probabilities
    genes, edges = ecoli_sub
    s = split_edges(edges, len(genes), seed=2)
    a = F.adjacency(s.train, s.n_nodes)
    embs = [F.spectral_embedding(a, 16, 0), F.spectral_embedding(a, 8, 0, tau=0.5)]
    clfs = [EdgeClassifier.fit(e, s, 0) for e in embs]
    pairs, _ = held_out_pairs(s)

    def logit(p: np.ndarray) -> np.ndarray:
        return np.log(p / (1 - p))

    want = np.mean([logit(c.predict(e, pairs)) for c, e in zip(clfs, embs, strict=True)],
                   axis=0)
    cat = np.hstack(embs)
    ens = EdgeClassifier.mean_logit(clfs)
    assert logit(ens.predict(cat, pairs)) == pytest.approx(want, abs=1e-6)
    assert ens.predict(cat, pairs) != pytest.approx(clfs[0].predict(embs[0], pairs), abs=1e-3)
    folded = ens.bilinear()
    assert folded.probability(cat, pairs) == pytest.approx(ens.predict(cat, pairs), abs=1e-6)


def _brute(emb: np.ndarray, w: np.ndarray, b: float, known: set[tuple[int, int]]
           ) -> list[tuple[float, int, int]]:
    m = len(emb)
    out = []
    for i in range(m):
        for j in range(i + 1, m):
            if (i, j) not in known:
                out.append((float(1 / (1 + np.exp(-((emb[i] * w) @ emb[j] + b)))), i, j))
    return sorted(out, reverse=True)


def test_scoring_matches_brute_force_and_excludes_known() -> None:
    rng = np.random.default_rng(1)
    emb = rng.normal(size=(23, 4))
    w, b = rng.normal(size=4), 0.1

    def block(rows: np.ndarray) -> np.ndarray:
        return np.asarray(1 / (1 + np.exp(-((emb[rows] * w) @ emb.T + b))))

    known = np.array([[0, 1], [2, 5], [3, 4]])
    brute = _brute(emb, w, b, {(0, 1), (2, 5), (3, 4)})
    got, scored = score_candidates(block, 23, known, PredictOptions(top_k=10, block=5))
    assert scored == 23 * 22 // 2 - 3
    assert [(i, j) for _, i, j in got] == [(i, j) for _, i, j in brute[:10]]
    allp, _ = score_candidates(block, 23, known, PredictOptions(top_k=None, min_score=0.0))
    assert len(allp) == len(brute) and all((i, j) not in {(0, 1), (2, 5), (3, 4)}
                                           for _, i, j in allp)
    per, _ = score_candidates(block, 23, known, PredictOptions(top_k=None, per_gene=2))
    for g in range(23):
        mine = sorted(((s, i, j) for s, i, j in brute if g in (i, j)), reverse=True)[:2]
        assert {(i, j) for _, i, j in mine} <= {(i, j) for _, i, j in per}
    both, _ = score_candidates(block, 23, known, PredictOptions(top_k=10, per_gene=2))
    want = {(i, j) for _, i, j in per} | {(i, j) for _, i, j in brute[:10]}
    assert {(i, j) for _, i, j in both} == want  # union: every gene's 2 + the best 10
    # stage 1 (a stack run): pairs outside the candidates score -inf and are never kept,
    # nor counted as scored; the kept ones are the best candidates
    cand = {(i, j) for _, i, j in brute[::3]}

    def staged(rows: np.ndarray) -> np.ndarray:
        out = block(rows)
        keep = np.array([[(min(r, c), max(r, c)) in cand for c in range(23)] for r in rows])
        return np.where(keep, out, -np.inf)

    st, n_st = score_candidates(staged, 23, known, PredictOptions(top_k=10, per_gene=2))
    assert n_st == len(cand) and {(i, j) for _, i, j in st} <= cand
    assert [(i, j) for _, i, j in st][:3] == [(i, j) for _, i, j in brute[::3]][:3]
    rows, _ = score_candidates(block, 23, known, PredictOptions(top_k=5),
                               rows=np.array([7]))
    assert all(7 in (i, j) for _, i, j in rows)
    with pytest.raises(GenekgError, match="choose what to keep"):
        score_candidates(block, 23, known, PredictOptions(top_k=None))


@pytest.mark.parametrize(("spectrum", "dim", "tau"),
                         [("positive", 5, 0.0), ("magnitude", 6, 0.0), ("magnitude", 3, 0.25)])
def test_spectral_embedding_spans_the_right_eigenvectors(spectrum: str, dim: int,
                                                         tau: float) -> None:
    # Ring of 6 triangles joined by single edges: N has negative eigenvalues too; the
    # embedding must span the largest algebraic ones (not the largest in magnitude).
    edges = [(3 * c + i, 3 * c + j) for c in range(6) for i, j in ((0, 1), (1, 2), (0, 2))]
    edges += [(3 * c + 2, (3 * c + 3) % 18) for c in range(6)]
    a = F.adjacency(np.array(edges), 18)
    emb = F.spectral_embedding(a, dim, seed=0, spectrum=spectrum, tau=tau)
    k = np.asarray(a.sum(axis=1)).ravel()
    k = k + tau * k.mean()  # regularised: D + τ·mean(degree)
    n = a.toarray() / np.sqrt(np.outer(k, k))
    w, u = np.linalg.eigh(n)
    # λ: 1, .921 x2, .722 x2, -.667, -.636 x2, ...: the 6th by magnitude is negative;
    # the cut never falls inside a tied pair (Gram matrices are then unique).
    order = np.argsort(-np.abs(w) if spectrum == "magnitude" else -w)[:dim]
    top = u[:, order] * np.sqrt(np.abs(w[order]))
    # Compare Gram matrices: invariant to eigenvector signs and rotations within ties.
    assert emb @ emb.T == pytest.approx(top @ top.T, abs=1e-5)
    assert np.array_equal(emb, F.spectral_embedding(a, dim, seed=0, spectrum=spectrum, tau=tau))


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_cli_defaults_match_the_library(command: str) -> None:
    # Every GNE option of the command defaults to GNEConfig's value (read from the
    # command Typer builds, so an option declared with its own literal default fails).
    import dataclasses

    import typer

    from genekg.cli.gne import GNE_FIELDS
    from genekg.cli.main import app
    from genekg.linkpred.methods import DEFAULT_METHOD, TRAINABLE

    cmd = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    fields = {f.name: f.default for f in dataclasses.fields(GNEConfig)}
    seen = set()
    for param in cmd.params:
        field = GNE_FIELDS.get(param.name, param.name)
        if field in fields and param.name not in ("negatives",):
            assert param.default == fields[field], (param.name, param.default)
            seen.add(field)
    assert {"dim", "lam", "lr", "batch_size", "epochs", "negatives", "dropout",
            "weight_decay", "ensemble"} <= seen
    method = next(p for p in cmd.params if p.name in ("method", "methods"))
    if command == "train":
        assert method.default == DEFAULT_METHOD and DEFAULT_METHOD in TRAINABLE


def test_spectral_reg_picks_tau_on_validation(ecoli_sub: tuple[list[str], np.ndarray]) -> None:
    from genekg.linkpred.evaluate import TAU_GRID, spectral_method

    genes, edges = ecoli_sub
    s = split_edges(edges, len(genes), seed=4)
    a = F.adjacency(s.train, s.n_nodes)
    _, plain, _ = spectral_method("spectral", a, s, 16, 4)
    emb, clf, extra = spectral_method("spectral-reg", a, s, 16, 4)
    assert extra["tau"] in TAU_GRID
    assert clf.val_auroc >= plain.val_auroc  # τ = 0 is in the grid
    assert np.array_equal(emb, F.spectral_embedding(a, 16, 4, tau=extra["tau"]))
    no_val = split_edges(edges, len(genes), seed=4, val_frac=0.0, test_frac=0.5,
                         train_frac=0.5)
    assert spectral_method("spectral-reg", a, no_val, 16, 4)[2] == {"tau": 0.0}


def test_with_expression_scales_each_block() -> None:
    from genekg.graphdata import Profiles
    from genekg.linkpred.evaluate import with_expression

    emb = np.full((4, 3), 0.01, dtype=np.float32)  # spectral-sized coordinates
    mat = np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 0.0], [-1.0, 3.0]], dtype=np.float32)
    prof = Profiles("d", mat, np.array([True, True, False, True]), 2)
    out = with_expression(emb, prof)
    assert out.shape == (4, 5)
    for block in (out[:, :3], out[:, 3:]):
        assert np.sqrt(np.mean(block.astype(np.float64) ** 2)) == pytest.approx(1.0, rel=1e-5)
    assert (out[2, 3:] == 0).all()  # no profile stays zero


def test_on_device_validation_auroc_equals_sklearn() -> None:
    import torch
    from sklearn.metrics import roc_auc_score

    from genekg.gne.model import GNE
    from genekg.gne.train import dot_val_auroc

    torch.manual_seed(0)
    model = GNE(50, 0, GNEConfig(dim=8))
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, 50, (400, 2))
    labels = (rng.random(400) < 0.5).astype(np.float64)
    got = dot_val_auroc(model, torch.as_tensor(pairs), torch.as_tensor(labels))
    emb = model.embeddings()
    want = roc_auc_score(labels, np.einsum("ij,ij->i", emb[pairs[:, 0]], emb[pairs[:, 1]]))
    assert got == pytest.approx(want, abs=1e-6)


def test_large_batch_scales_the_learning_rate_and_stays_seeded() -> None:
    rng = np.random.default_rng(0)
    e = np.unique(np.sort(rng.integers(0, 80, (600, 2)), axis=1), axis=0)
    s = split_edges(e[e[:, 0] != e[:, 1]], 80, seed=0)
    cfg = GNEConfig(epochs=2, dim=8, batch_size=1024, val_signal="dot")
    a = train_gne(s, cfg, seed=3, device="cpu")
    b = train_gne(s, cfg, seed=3, device="cpu")
    assert np.array_equal(a.embeddings, b.embeddings)  # one seed fixes every choice
    assert len(a.history) >= 1 and 0.0 <= a.best_val_auroc <= 1.0


def test_a_cap_per_gene_keeps_a_hub_from_filling_the_global_list() -> None:
    """Gene 0 is a hub: it scores highest with everyone. With --max-per-gene 2 it holds two
    pairs of the global top-10, no gene holds more, and the next best pairs of other genes
    fill the rest, in score order."""
    rng = np.random.default_rng(3)
    s = rng.uniform(0, 0.5, size=(30, 30))
    s = (s + s.T) / 2
    s[0, 1:] = s[1:, 0] = np.linspace(0.99, 0.9, 29)  # the hub's pairs come first

    def block(rows: np.ndarray) -> np.ndarray:
        return s[rows]

    known = np.empty((0, 2), dtype=np.int64)
    free, _ = score_candidates(block, 30, known, PredictOptions(top_k=10, block=7))
    assert all(0 in (i, j) for _, i, j in free)  # uncapped: all ten through the hub
    capped, _ = score_candidates(block, 30, known, PredictOptions(top_k=10, block=7,
                                                                  max_per_gene=2))
    assert len(capped) == 10 and sum(0 in (i, j) for _, i, j in capped) == 2
    counts = np.bincount(np.array([[i, j] for _, i, j in capped]).ravel(), minlength=30)
    assert counts.max() == 2
    # the blockwise pool loses nothing: the same as the rule applied to every pair's order
    from genekg.linkpred.predict import cap_per_gene

    every = sorted(((s[a, b], a, b) for a in range(30) for b in range(a + 1, 30)), reverse=True)
    keep = cap_per_gene([a for _, a, _ in every], [b for _, _, b in every], 2, 10)
    assert [(i, j) for _, i, j in capped] == [every[q][1:] for q in keep.tolist()]
