"""Path scores, knowledge-graph pair features, the stack's leakage guards, auto, calibration."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.graphdata import Network
from genekg.linkpred import scores as S
from genekg.linkpred.auto import AutoReport
from genekg.linkpred.base import LinkPredictor, SplitCache, SplitInputs
from genekg.linkpred.calibrate import Calibrator, brier
from genekg.linkpred.embedding import Spectral, SpectralKG
from genekg.linkpred.kgcontext import build_context, pair_features
from genekg.linkpred.methods import METHODS, TRAINABLE, get_method, resolve
from genekg.linkpred.protocol import run_methods
from genekg.linkpred.split import encode, split_edges
from genekg.linkpred.stack import Stack


def _fit(name: str, inputs: SplitInputs, cache: SplitCache | None = None) -> Any:
    """The registry's method `name` fitted on `inputs` (through `cache` when given)."""
    p: LinkPredictor = METHODS[name].make()
    return (cache or SplitCache()).fit(p, inputs)


def _square_with_tail() -> np.ndarray:
    # 0-1, 1-2, 2-3, 3-0 (a square) and 3-4 (a tail)
    return np.array([[0, 1], [1, 2], [2, 3], [0, 3], [3, 4]])


def test_l3_and_a3_match_hand_computed_values() -> None:
    a = S.adjacency(_square_with_tail(), 5)
    k = [2, 2, 2, 3, 1]
    # Paths of length 3 from 0 to 1: 0-3-2-1 only (0-1-?-1 revisits 1 as the end, 0-1-0-1
    # is a walk: A³ counts walks). Walks 0→1 of length 3: 0-1-0-1, 0-1-2-1, 0-3-0-1,
    # 0-3-2-1 → A³ = 4.
    pairs = np.array([[0, 1], [1, 4], [0, 2]])
    a3 = S.a3(a, pairs)
    dense = a.toarray()
    assert a3.tolist() == np.linalg.matrix_power(dense, 3)[pairs[:, 0], pairs[:, 1]].tolist()
    assert a3[0] == 4
    # L3(0,1) = Σ_{u,v} a_0u a_uv a_v1 / √(k_u k_v): (u,v) ∈ {(1,0), (1,2), (3,0), (3,2)}
    want = 1 / math.sqrt(k[1] * k[0]) + 1 / math.sqrt(k[1] * k[2]) + \
        1 / math.sqrt(k[3] * k[0]) + 1 / math.sqrt(k[3] * k[2])
    assert S.l3(a, pairs)[0] == pytest.approx(want)
    # L3(1,4): 1-u-v-4 needs v = 3: u ∈ Γ(1) ∩ Γ(3) = {0, 2}
    assert S.l3(a, pairs)[1] == pytest.approx(2 / math.sqrt(2 * 3))


def test_node_context_matches_hand_computed_values() -> None:
    from genekg.linkpred.pairfeatures import node_context

    # a triangle 0-1-2 with a tail 2-3: degrees 2, 2, 3, 1
    a = S.adjacency(np.array([[0, 1], [1, 2], [0, 2], [2, 3]]), 4)
    got = node_context(a)
    assert np.allclose(got["clustering"], [1.0, 1.0, 1 / 3, 0.0])
    assert np.allclose(got["log_nbr_degree"], np.log1p([2.5, 2.5, 5 / 3, 3.0]))


def test_ratio_features_match_hand_computed_values() -> None:
    from genekg.linkpred.pairfeatures import PairFeatures, ratio_features

    # a triangle 0-1-2 with a tail 2-3: degrees 2, 2, 3, 1
    a = S.adjacency(np.array([[0, 1], [1, 2], [0, 2], [2, 3]]), 4)
    pairs = np.array([[0, 3], [1, 3], [0, 1]])
    # (0,3): CN {2} = 1, A³ = 1 (0-1-2-3), k 2·1; (0,1): CN {2} = 1, A³ = 3 walks
    # (0-1-0-1, 0-1-2-1, 0-2-0-1), k 2·2
    feats = PairFeatures(a, {})
    got, names = feats(pairs), feats.names
    col = {n: got[:, names.index(n)] for n in ("cn_salton", "a3_norm", "cn_hpi", "cn_hdi")}
    assert np.allclose(col["cn_salton"], [1 / math.sqrt(2), 1 / math.sqrt(2), 1 / 2])
    assert np.allclose(col["a3_norm"], [1 / 2, 1 / 2, 3 / 4])
    assert np.allclose(col["cn_hpi"], [1.0, 1.0, 0.5])
    assert np.allclose(col["cn_hdi"], [0.5, 0.5, 0.5])
    # an isolated end gives 0, not a division by zero
    z = ratio_features(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([3.0]))
    assert all(v[0] == 0.0 for v in z.values())


def test_l3_chunking_equals_dense_formula() -> None:
    rng = np.random.default_rng(0)
    e = np.unique(np.sort(rng.integers(0, 60, (300, 2)), axis=1), axis=0)
    e = e[e[:, 0] != e[:, 1]]
    a = S.adjacency(e, 60)
    d = a.toarray()
    k = d.sum(1)
    w = np.where(k > 0, 1 / np.sqrt(np.where(k > 0, k, 1)), 0)
    dense_l3 = d @ np.diag(w) @ d @ np.diag(w) @ d
    pairs = np.stack(np.triu_indices(60, 1), axis=1)
    old = S.PATH3_BLOCK
    S.PATH3_BLOCK = 7 * 60  # blocks of 7 distinct first genes: many blocks
    try:
        got = S.l3(a, pairs[::-1])[::-1]  # any pair order
    finally:
        S.PATH3_BLOCK = old
    assert got == pytest.approx(dense_l3[pairs[:, 0], pairs[:, 1]])
    jac = S.jaccard(a, pairs)
    cn = (d @ d)[pairs[:, 0], pairs[:, 1]]
    union = k[pairs[:, 0]] + k[pairs[:, 1]] - cn
    assert jac == pytest.approx(np.where(union > 0, cn / np.where(union > 0, union, 1), 0))


def test_kg_pair_features_on_a_hand_made_graph() -> None:
    genes = ["g0", "g1", "g2", "g3"]
    rows = [
        {"gene": "g0", "pathway": ["p1", "p2"], "drug": ["d1"], "cell_line": ["c1"],
         "kegg": ["g1"]},
        {"gene": "g1", "pathway": ["p1"], "drug": ["d1"], "cell_line": ["c1", "c2"],
         "kegg": ["g0"]},
        {"gene": "g2", "pathway": ["p2"], "drug": [], "cell_line": [], "kegg": []},
        {"gene": "g3", "pathway": ["p3"], "drug": [], "cell_line": [], "kegg": []},
    ]
    ctx = build_context(genes, rows)
    f = pair_features(ctx, np.array([[0, 1], [1, 2], [2, 3]]))
    assert f["shared_pathways"].tolist() == [1, 0, 0]
    assert f["pathway_jaccard"].tolist() == pytest.approx([1 / 2, 0, 0])
    assert f["shared_drugs"].tolist() == [1, 0, 0]
    assert f["co_mutated"].tolist() == [1, 0, 0]
    assert f["co_mutation_jaccard"].tolist() == pytest.approx([1 / 2, 0, 0])
    assert f["kegg_relation"].tolist() == [1, 0, 0]
    # g1 and g2 share nothing, but g1 —p1— g0 —p2— g2: four hops; g3 is alone in p3.
    assert f["super_hops"].tolist() == [2, 4, 6]
    # super RA of (g0, g1): p1 has 2 genes, d1 has 2, c1 has 2 → 1/2 + 1/2 + 1/2
    assert f["super_ra"][0] == pytest.approx(1.5)


def _planted(n: int = 300, seed: int = 0) -> Network:
    """Synthetic graph with community structure (unit tests only, not biology)."""
    rng = np.random.default_rng(seed)
    comm = rng.integers(0, 6, n)
    i, j = rng.integers(0, n, 60_000), rng.integers(0, n, 60_000)
    p = np.where(comm[i] == comm[j], 0.3, 0.005)
    keep = (rng.random(len(i)) < p) & (i != j)
    e = np.unique(np.sort(np.stack([i[keep], j[keep]], 1), axis=1), axis=0)
    return Network(0, [f"g{k}" for k in range(n)], e)


def test_stack_fits_on_validation_pairs_only_and_never_sees_test_edges() -> None:
    net = _planted()
    split = split_edges(net.edges, len(net.genes), seed=3)
    inputs = SplitInputs(net, split, 3, GNEConfig(dim=16))
    # No held-out edge is in the graph the features read.
    a = inputs.a_train
    held = np.vstack([split.val_pos, split.test_pos])
    assert not np.asarray(a[held[:, 0], held[:, 1]]).any()
    fitted = _fit("stack", inputs)
    model, feats = fitted.model_, fitted.feats_
    assert fitted.feats_.a_train is a  # the features read the training graph only
    assert fitted.val_scores_ is not None and len(fitted.val_scores_) == 2 * len(split.val_pos)
    codes = set(encode(split.test_pos, split.n_nodes).tolist())
    assert not codes & set(encode(split.val_pos, split.n_nodes).tolist())
    test = np.vstack([split.test_pos, split.test_neg])
    from sklearn.metrics import roc_auc_score

    y = np.r_[np.ones(len(split.test_pos)), np.zeros(len(split.test_neg))]
    assert roc_auc_score(y, fitted.score(test)) > 0.8
    assert set(model.importances) == set(feats.names)


@pytest.mark.parametrize("hard", [0, 2])
def test_stack_with_shuffled_labels_is_at_chance(hard: int) -> None:
    from sklearn.metrics import roc_auc_score

    net = _planted(seed=1)
    aucs = []
    for seed in (0, 1, 2):
        split = split_edges(net.edges, len(net.genes), seed=seed)
        inputs = SplitInputs(net, split, seed, GNEConfig(dim=16))
        stack = Stack("stack", members=(Spectral("spectral-reg"),), kg_members=(SpectralKG(),),
                      shuffle_labels=True, hard_negatives=hard)
        fitted = stack.fit(inputs, SplitCache())
        test = np.vstack([split.test_pos, split.test_neg])
        y = np.r_[np.ones(len(split.test_pos)), np.zeros(len(split.test_neg))]
        aucs.append(roc_auc_score(y, fitted.score(test)))
    assert abs(np.mean(aucs) - 0.5) < 0.08, aucs


def test_stack_is_deterministic() -> None:
    net = _planted(seed=2)
    split = split_edges(net.edges, len(net.genes), seed=5)
    pairs = np.vstack([split.test_pos, split.test_neg])
    s1 = _fit("stack", SplitInputs(net, split, 5, GNEConfig(dim=16))).score(pairs)
    s2 = _fit("stack", SplitInputs(net, split, 5, GNEConfig(dim=16))).score(pairs)
    assert np.array_equal(s1, s2)


def test_auto_picks_the_best_validation_ranking_and_records_why() -> None:
    net = _planted(seed=4)
    split = split_edges(net.edges, len(net.genes), seed=0)
    res = run_methods(net, split, ["spectral-reg", "stack-rank+gcn", "gcn-rank", "l3",
                                   "auto"], seed=0, gne_config=GNEConfig(dim=16))
    by = {r.method: r for r in res}
    report = by["auto"].report
    assert isinstance(report, AutoReport)
    chosen, vals = report.chosen, report.candidates
    # no knowledge graph here: spectral+kg is not a candidate
    assert set(vals) == {"spectral-reg", "stack-rank+gcn", "gcn-rank", "l3"}
    assert chosen == max(vals, key=lambda c: vals[c])
    for c, v in vals.items():
        nums = report.retrieval[c]
        assert v == pytest.approx(math.sqrt(nums["mrr"] * nums["recall@1000"]), abs=1e-4)
        assert 0 < nums["mrr"] <= 1 and 0 < nums["recall@1000"] <= 1
        # the balanced AUROC beside it is the one the protocol measured for the candidate
        assert nums["val_auroc"] == pytest.approx(by[c].val_auroc, abs=1e-5)
    assert by["auto"].auroc == by[chosen].auroc
    assert 0 <= (by["auto"].brier or -1) <= 0.25


def test_registry_lists_and_rejects() -> None:
    assert "l3" in METHODS and "stack" in TRAINABLE and "auto" in TRAINABLE
    assert get_method("l3").label.startswith("L3")
    with pytest.raises(GenekgError) as e:
        get_method("l4")
    assert "l3" in (e.value.hint or "")
    with pytest.raises(GenekgError, match="expression"):
        resolve(["gne+expr"], profiles=None, db=None)


def test_platt_calibration_keeps_order_and_spreads_squeezed_scores() -> None:
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(500), np.zeros(500)]
    raw = 0.5 + 0.001 * (y + rng.normal(0, 0.7, 1000))  # squeezed around 0.5
    cal = Calibrator.fit(raw, y)
    p = cal(raw)
    assert np.array_equal(np.argsort(p, kind="stable"), np.argsort(raw, kind="stable"))
    assert p.max() - p.min() > 0.5  # no longer all ≈ 0.5
    assert brier(y, p) < brier(y, raw)


def test_partner_super_ra_joins_network_and_knowledge_graph() -> None:
    from genekg.linkpred.pairfeatures import partner_super_ra

    genes = ["g0", "g1", "g2", "g3"]
    rows = [{"gene": "g1", "pathway": ["p1"]}, {"gene": "g2", "pathway": ["p1"]},
            {"gene": "g3", "pathway": ["p2"]}]
    ctx = build_context(genes, rows)
    a = S.adjacency(np.array([[0, 2]]), 4)  # training edge g0–g2; g2 shares p1 with g1
    got = partner_super_ra(a, ctx, np.array([[0, 1], [0, 3], [1, 3]]))
    # (g0, g1): partner g2 is in p1 (2 genes) with g1 → 1/2; g1 has no partner → 0
    assert got.tolist() == pytest.approx([0.5, 0.0, 0.0])


def test_the_temporal_recall_ranks_through_stage_one_as_predict_and_retrieval_do() -> None:
    """`evaluate --experiment temporal` used its own exhaustive pass (top_k_recall), so a
    stack's recall there counted pairs predict never ranks: 0.619 against 0.405 through
    stage 1 on the same yeast releases. Both now read the same ranking."""
    from test_predictors import inputs_for

    from genekg.linkpred.protocol import run_methods, run_retrieval

    inp = inputs_for()
    ks = (50, 400)
    for method in ("stack", "l3"):
        (temporal,) = run_methods(inp.network, inp.split, [method], seed=3,
                                  gene_context=inp.gene_context, recall_ks=ks, device="cpu")
        (ret,) = run_retrieval(inp.network, inp.split, [method], seed=3,
                               gene_context=inp.gene_context, ks=ks, device="cpu")
        got = [temporal.recall[k] for k in ks]
        assert got == pytest.approx([ret.recall[k] for k in ks])
        if method == "stack":
            assert ret.ceiling < 1.0  # stage 1 leaves pairs out: what predict can reach


def _planted_modules_with_orphans(drugs: bool = False) -> tuple[Network, list[dict[str, Any]]]:
    # Two planted modules, each also a pathway (and, with `drugs`, a drug's targets). Genes
    # 0-3 of each module lose every edge (no training edge at all); only what the knowledge
    # graph says of them tells where they belong.
    rng = np.random.default_rng(0)
    n, half = 80, 40
    e = [(i, j) for i in range(n) for j in range(i + 1, n)
         if (i < half) == (j < half) and rng.random() < 0.3]
    orphans = {0, 1, 2, 3, half, half + 1, half + 2, half + 3}
    edges = np.array([p for p in e if not ({p[0], p[1]} & orphans)], dtype=np.int64)
    net = Network(0, [f"g{k}" for k in range(n)], edges)
    rows = [{"gene": f"g{k}", "pathway": ["pA" if k < half else "pB"],
             "drug": (["dA" if k < half else "dB"] if drugs and k % 2 else []),
             "cell_line": [], "kegg": []} for k in range(n)]
    return net, rows


def _orphan_pairs(n: int = 80, half: int = 40) -> tuple[np.ndarray, np.ndarray]:
    # every orphan paired with 12 genes of its own module vs 12 of the other (192 pairs:
    # an AUROC over 8 pairs moved by one pair between torch builds)
    orphans = (0, 1, 2, 3, half, half + 1, half + 2, half + 3)
    same, other = [], []
    for o in orphans:
        mine = (0 if o < half else half) + 8 + np.arange(12)
        same += [[o, g] for g in mine]
        other += [[o, (g + half) % n] for g in mine]
    return np.array(same + other), np.r_[np.ones(len(same)), np.zeros(len(other))]


def test_spectral_kg_places_genes_without_training_edges_by_their_memberships() -> None:
    from sklearn.metrics import roc_auc_score

    net, rows = _planted_modules_with_orphans()
    split = split_edges(net.edges, len(net.genes), seed=1)
    inputs = SplitInputs(net, split, 1, GNEConfig(dim=8),
                         gene_context=build_context(net.genes, rows))
    cache = SplitCache()
    joint = _fit("spectral+kg", inputs, cache)
    pairs, y = _orphan_pairs()
    assert roc_auc_score(y, joint.score(pairs)) == 1.0
    # the network-only embedding cannot tell them apart (orphans have no edge)
    net_only = _fit("spectral-reg", inputs, cache).score(pairs)
    assert roc_auc_score(y, net_only) < 0.9
    # the stack takes the joined score as a member where the KG has data, not otherwise
    stack = _fit("stack", inputs, cache)
    assert "spectral+kg_logit" in stack.feats_.names
    assert stack.members_["spectral+kg"] is joint  # the split's fit, reused
    bare = SplitInputs(net, split, 1, GNEConfig(dim=8))
    assert "spectral+kg_logit" not in _fit("stack", bare).feats_.names


def test_gne_kg_places_orphans_through_the_attribute_branch_and_picks_lambda() -> None:
    from sklearn.metrics import roc_auc_score

    from genekg.linkpred.embedding import KG_ENSEMBLE, KG_LAMBDAS

    net, rows = _planted_modules_with_orphans(drugs=True)
    split = split_edges(net.edges, len(net.genes), seed=1)
    cfg = GNEConfig(dim=16, epochs=30, patience=30, batch_size=256)
    inputs = SplitInputs(net, split, 1, cfg, gene_context=build_context(net.genes, rows))
    fitted = _fit("gne+kg", inputs)
    pairs, y = _orphan_pairs()
    assert roc_auc_score(y, fitted.score(pairs)) >= 0.9
    rep = fitted.report()
    assert rep.lam in KG_LAMBDAS  # chosen on validation from the grid
    assert rep.genes_with_attributes == len(net.genes)
    # an ensemble of KG_ENSEMBLE models (other seeds), one concatenated embedding
    assert rep.ensemble == KG_ENSEMBLE
    assert len(rep.member_val_auroc) == KG_ENSEMBLE
    assert fitted.embedding_.shape == (80, 16 * KG_ENSEMBLE)
    # topology-only GNE has nothing to place an orphan by
    assert roc_auc_score(y, _fit("gne", inputs).score(pairs)) < 0.9


def test_relative_features_place_a_pair_in_each_genes_own_list() -> None:
    from genekg.linkpred.pairfeatures import RELATIVE_SCORES, PairFeatures

    net = _planted(seed=7)
    a = S.adjacency(net.edges, len(net.genes))
    feats = PairFeatures(a, {}, relative=True)
    n = len(net.genes)
    pairs = np.array([(i, j) for i in range(0, n, 7) for j in range(n) if i != j
                      and not a[i, j]])
    x = feats(pairs)
    col = {c: x[:, k] for k, c in enumerate(feats.names)}
    for h in RELATIVE_SCORES:
        lo, hi = col[f"{h}_rel_min"], col[f"{h}_rel_max"]
        assert (lo <= hi + 1e-12).all() and hi.max() <= 1.0 + 1e-12 and lo.min() >= 0
        # each gene's best non-partner by the heuristic reads 1 from that gene's side
        for i in range(0, n, 7):
            mine = pairs[:, 0] == i
            best = np.argmax(np.where(mine, col[h], -1.0))
            assert hi[best] == pytest.approx(1.0)
