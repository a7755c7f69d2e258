"""`stack`: gradient boosting over path, embedding and knowledge-graph features of a pair.

Leakage rule (the choice, and why): every feature is computed on the TRAINING graph, and
the booster is fitted on the VALIDATION pairs only, with K-fold cross-fitting. Validation
edges are not in the training graph, so no pair's features see its own edge (a booster
fitted on training edges would: every training positive's path scores count the edge
itself — 0.952 vs 0.978 AUROC on E. coli, docs/peers.md). Hyper-parameters are picked by
out-of-fold AUROC on the validation pairs; test pairs are scored by the average of the K
fold models and are never seen by any fit or choice.

Learner: scikit-learn `HistGradientBoostingClassifier` — already a dependency, handles
NaN and unscaled heavy-tailed counts, deterministic with a seed, and fast enough on
≤ 40k validation pairs; LightGBM would add a compiled dependency for no measured gain.

Features (`feature_names`): the path scores of `genekg.linkpred.scores` (L3, A³, CN, AA,
RA, Jaccard, PA) and their degree-normalised forms, log degrees, the products of the
pair's rank-16 spectral coordinates, the score of each embedding member as a logit
(spectral-reg; where the knowledge graph has data also spectral+kg, the network joined
with pathways, drugs and cell lines; optionally GNE), the knowledge-graph context of
`genekg.linkpred.kgcontext`, network and knowledge graph together (`partner_super_ra`:
training partners of one gene that share a pathway, drug or cell line with the other), and
the expression correlation when a dataset is given.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.features.similarity import spectral_embedding
from genekg.graphdata import pull_profiles
from genekg.linkpred import evaluate as E
from genekg.linkpred import scores as S
from genekg.linkpred.base import (
    STAGE1_K,
    EmbeddingPredictor,
    EmbeddingReport,
    LinkPredictor,
    Report,
    SplitCache,
    SplitInputs,
    load_adjacency,
    load_predictor,
    save_adjacency,
    save_predictor,
    top_k_per_gene,
    top_pairs_global,
    val_pairs,
)
from genekg.linkpred.kgcontext import FEATURES as KG_FEATURES
from genekg.linkpred.kgcontext import GeneContext, pair_features, pull_context
from genekg.linkpred.retrieval import ranking_criterion, validation_retrieval
from genekg.linkpred.split import EdgeSplit, encode

Scorer = Callable[[np.ndarray], np.ndarray]

PATH_FEATURES = ("l3", "a3", "cn", "aa", "ra", "jaccard", "pa")
# Node-level context of both ends (min and max): clustering coefficient and log mean
# neighbour degree, on the training graph.
NODE_FEATURES = ("min_clustering", "max_clustering", "min_log_nbr_degree",
                 "max_log_nbr_degree")
# A pair's heuristic score against each end's best candidate by the same heuristic: the
# booster then sees how a partner ranks in each gene's own list (what a curator reads),
# not only the score's global level (stack-rank).
RELATIVE_SCORES = ("l3", "aa")
# Degree-normalised overlaps (Salton CN/√(k_x k_y), A³/(k_x k_y), CN/min k, CN/max k): trees
# split on one column at a time and approximate a ratio of two columns poorly, so the ratios
# are given. Validation out-of-fold AUROC, with HADAMARD_RANK below, E. coli / yeast
# degree-matched seeds 1-2: +0.001 to +0.002 each.
RATIO_FEATURES = ("cn_salton", "a3_norm", "cn_hpi", "cn_hdi")
# The booster also sees the coordinate-wise products of the rank-16 spectral embedding of
# the pair (the inputs of that member's logistic regression), so it can weigh modules
# non-linearly instead of through one fitted logit.
HADAMARD_RANK = 16
# Spectral-reg at several ranks (the leading columns of one rank-256 embedding, τ of the
# main fit), each with its own validation-fitted edge classifier: low ranks see modules,
# high ranks fine structure. Chosen on out-of-fold VALIDATION AUROC of the booster (seeds
# 1-2): 16-256 lifted yeast degree-matched 0.798 -> 0.808, E. coli 0.863 -> 0.866; rank 8
# added +0.002 on yeast, 0.000 on E. coli. Not adopted (validation gain <= 0.001 each, or
# too slow): τ variants, rank 512, positive eigenvectors, RA-normalised L3, GNE (+0.002 on
# E. coli for ~100 s per fit).
RANKS = (8, 16, 32, 64, 256)
# Small grid: the validation set is small on sparse networks (human: 3,300 pairs), so
# shallow, strongly shrunk trees are in it; picked by out-of-fold AUROC.
GRID: tuple[dict[str, Any], ...] = (
    {"learning_rate": 0.05, "max_leaf_nodes": 15, "max_iter": 300, "min_samples_leaf": 20},
    {"learning_rate": 0.05, "max_leaf_nodes": 31, "max_iter": 500, "min_samples_leaf": 20},
    {"learning_rate": 0.1, "max_leaf_nodes": 7, "max_iter": 200, "min_samples_leaf": 40},
)
FOLDS = 5


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


@dataclass
class PairFeatures:
    """Computes the stack's feature matrix for any pairs from fixed inputs."""

    a_train: sp.csr_matrix
    members: dict[str, Scorer]
    kg: GeneContext | None = None
    profiles: np.ndarray | None = None
    drop: tuple[str, ...] = ()
    node_features: bool = True  # NODE_FEATURES and RATIO_FEATURES (the richer stack)
    # embedding whose coordinate-wise pair products are features (`had<i>`), or None
    hadamard: np.ndarray | None = None
    relative: bool = False  # RELATIVE_SCORES against each end's best candidate

    @cached_property
    def row_best(self) -> dict[str, np.ndarray]:
        """Each gene's best score over the genes it is not a training partner of, per
        RELATIVE_SCORES heuristic (one blockwise pass over the training graph)."""
        n = self.a_train.shape[0]
        out = {h: np.zeros(n) for h in RELATIVE_SCORES}
        for lo in range(0, n, 256):
            rows = np.arange(lo, min(lo + 256, n))
            nb = self.a_train[rows].tocoo()
            for h in RELATIVE_SCORES:
                b = S.block_scores(h, self.a_train, rows)
                b[np.arange(len(rows)), rows] = 0.0
                b[nb.row, nb.col] = 0.0
                out[h][rows] = b.max(axis=1)
        return out

    @cached_property
    def node_vectors(self) -> dict[str, np.ndarray]:
        """`node_context` of the training graph, computed once: features are asked for
        block after block (validation, test, every candidate batch of predict)."""
        return node_context(self.a_train)

    @property
    def names(self) -> list[str]:
        """Feature names, in column order."""
        out = [*PATH_FEATURES, "min_log_degree", "max_log_degree"]
        if self.node_features:
            out += [*NODE_FEATURES, *RATIO_FEATURES]
        out += [f"{m}_logit" for m in self.members]
        if self.hadamard is not None:
            out += [f"had{i}" for i in range(self.hadamard.shape[1])]
        if self.relative:
            out += [f"{h}_rel_{e}" for h in RELATIVE_SCORES for e in ("min", "max")]
        if self.kg is not None:
            out += [*KG_FEATURES, "partner_super_ra"]
        if self.profiles is not None:
            out.append("expr_corr")
        return [n for n in out if n not in self.drop]

    def __call__(self, pairs: np.ndarray) -> np.ndarray:
        """(pairs × features) float64 matrix."""
        cols: dict[str, np.ndarray] = {n: S.PAIR_SCORES[n](self.a_train, pairs)
                                       for n in PATH_FEATURES}
        deg = S.degrees(self.a_train)
        k = np.log1p(deg)
        cols["min_log_degree"] = np.minimum(k[pairs[:, 0]], k[pairs[:, 1]])
        cols["max_log_degree"] = np.maximum(k[pairs[:, 0]], k[pairs[:, 1]])
        if self.node_features:
            for name, v in self.node_vectors.items():
                cols[f"min_{name}"] = np.minimum(v[pairs[:, 0]], v[pairs[:, 1]])
                cols[f"max_{name}"] = np.maximum(v[pairs[:, 0]], v[pairs[:, 1]])
            cols.update(ratio_features(cols["cn"], cols["a3"], deg[pairs[:, 0]],
                                       deg[pairs[:, 1]]))
        for name, scorer in self.members.items():
            cols[f"{name}_logit"] = _logit(scorer(pairs))
        if self.hadamard is not None:
            h = self.hadamard[pairs[:, 0]] * self.hadamard[pairs[:, 1]]
            cols.update({f"had{i}": h[:, i] for i in range(h.shape[1])})
        if self.relative:
            for name in RELATIVE_SCORES:
                v, best = cols[name], self.row_best[name]
                bx, by = best[pairs[:, 0]], best[pairs[:, 1]]
                rx = np.divide(v, bx, out=np.zeros_like(v), where=bx > 0)
                ry = np.divide(v, by, out=np.zeros_like(v), where=by > 0)
                cols[f"{name}_rel_min"], cols[f"{name}_rel_max"] = (np.minimum(rx, ry),
                                                                    np.maximum(rx, ry))
        if self.kg is not None:
            cols.update(pair_features(self.kg, pairs))
            cols["partner_super_ra"] = partner_super_ra(self.a_train, self.kg, pairs)
        if self.profiles is not None:
            x = self.profiles
            cols["expr_corr"] = np.einsum("ij,ij->i", x[pairs[:, 0]], x[pairs[:, 1]]) / max(
                x.shape[1], 1)
        return np.column_stack([cols[n] for n in self.names]).astype(np.float64)


def ratio_features(cn: np.ndarray, a3: np.ndarray, kx: np.ndarray, ky: np.ndarray
                   ) -> dict[str, np.ndarray]:
    """RATIO_FEATURES of pairs from their CN, A³ and the degrees of both ends (0 where a
    degree is 0)."""
    prod = kx * ky
    lo, hi = np.minimum(kx, ky), np.maximum(kx, ky)

    def div(x: np.ndarray, d: np.ndarray) -> np.ndarray:
        return np.divide(x, d, out=np.zeros_like(x, dtype=np.float64), where=d > 0)

    return {"cn_salton": div(cn, np.sqrt(prod)), "a3_norm": div(a3, prod),
            "cn_hpi": div(cn, lo), "cn_hdi": div(cn, hi)}


def node_context(a: sp.csr_matrix) -> dict[str, np.ndarray]:
    """Per-gene clustering coefficient and log mean neighbour degree of graph `a`.

    Triangles through i = (A²∘A)·1 / 2, computed row block by row block, so memory stays
    linear in edges (A² is never held whole)."""
    k = S.degrees(a).astype(np.float64)
    tri = np.zeros(a.shape[0])
    step = 2048
    for lo in range(0, a.shape[0], step):
        rows = a[lo : lo + step]
        tri[lo : lo + step] = np.asarray((rows @ a).multiply(rows).sum(axis=1)).ravel() / 2
    cc = np.divide(2 * tri, k * (k - 1), out=np.zeros_like(k), where=k > 1)
    nbr = np.divide(a @ k, k, out=np.zeros_like(k), where=k > 0)
    return {"clustering": cc, "log_nbr_degree": np.log1p(nbr)}


def spectral_ladder(inputs: SplitInputs, cache: SplitCache, tau: float
                    ) -> dict[int, tuple[np.ndarray, E.EdgeClassifier]]:
    """spectral@r for r in RANKS: embedding columns and a validation-fitted classifier.

    Computed once per split (`cache.spectral_ladder`): every stack variant fitted on the
    same split (stack, stack-nokegg, stack+gne) shares the ladder."""
    if cache.spectral_ladder is None:
        full = spectral_at(inputs.a_train, max(RANKS), inputs.seed, tau)
        ladder: dict[int, tuple[np.ndarray, E.EdgeClassifier]] = {}
        for r in RANKS:
            if r > full.shape[1]:
                break
            emb = np.ascontiguousarray(full[:, :r])
            ladder[r] = (emb, E.EdgeClassifier.fit(emb, inputs.split, inputs.seed))
        cache.spectral_ladder = ladder
    return cache.spectral_ladder


def partner_super_ra(a: sp.csr_matrix, kg: GeneContext, pairs: np.ndarray) -> np.ndarray:
    """Network and knowledge graph together: Σ over x's training partners u and super nodes s
    of u and y of 1/|s| — "x interacts with genes that share pathways/drugs/cell lines with
    y" — plus the same from y's side. Uses training edges only."""
    m = sp.hstack([kg.membership[k] for k in sorted(kg.membership)]).tocsr()
    size = np.asarray(m.sum(axis=0)).ravel()
    mw = m.multiply(np.divide(1.0, size, out=np.zeros_like(size), where=size > 0)[None, :])
    am = (a @ m).tocsr()  # training partners' memberships, linear in edges × memberships
    mw = mw.tocsr()
    return S.chunked(pairs, lambda p: S.rowdot(am[p[:, 0]], mw[p[:, 1]])
                     + S.rowdot(am[p[:, 1]], mw[p[:, 0]]))


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


MASK_FOLDS = 4
MASKED_GRID: tuple[dict[str, Any], ...] = (
    {"learning_rate": 0.1, "max_leaf_nodes": 31, "max_iter": 300, "min_samples_leaf": 50},
    {"learning_rate": 0.1, "max_leaf_nodes": 63, "max_iter": 300, "min_samples_leaf": 100},
)


def masked_training_rows(inputs: SplitInputs, feats: PairFeatures, tau: float | None,
                         folds: int = MASK_FOLDS) -> tuple[np.ndarray, np.ndarray]:
    """Booster rows from the training edges, each featurised on a graph without it.

    The training edges are split into `folds`; fold k's edges (and as many training
    non-edges) get features from the training graph minus fold k — so no pair's
    features see its own edge. With `tau` the spectral-reg member is re-embedded on each
    masked graph with the τ its main fit chose (None: no embedding member).
    """
    split = inputs.split
    rng = np.random.default_rng(inputs.seed)
    fold = rng.permutation(len(split.train)) % folds
    nfold = rng.permutation(len(split.train_neg)) % folds
    xs, ys = [], []
    for k in range(folds):
        kept = split.train[fold != k]
        a_k = S.adjacency(kept, split.n_nodes)
        members: dict[str, Scorer] = {}
        if tau is not None:
            emb = spectral_at(a_k, inputs.cfg.dim, inputs.seed, tau)
            sub = EdgeSplit(split.n_nodes, kept, split.val_pos, split.val_neg,
                            split.test_pos[:0], split.test_neg[:0], split.train_neg[nfold != k],
                            split.negatives, split.seed)
            clf = E.EdgeClassifier.fit(emb, sub, inputs.seed).bilinear()
            members["spectral-reg"] = (lambda c, e: lambda p: c.probability(e, p))(clf, emb)
        fk = PairFeatures(a_k, members, feats.kg, feats.profiles, feats.drop,
                          node_features=feats.node_features)
        pairs = np.vstack([split.train[fold == k], split.train_neg[nfold == k]])
        xs.append(fk(pairs))
        ys.append(np.r_[np.ones(int((fold == k).sum())), np.zeros(int((nfold == k).sum()))])
    return np.vstack(xs), np.concatenate(ys)


def spectral_at(a: sp.csr_matrix, dim: int, seed: int, tau: float) -> np.ndarray:
    """The spectral-reg embedding of `a` at a given τ."""
    return spectral_embedding(a, dim, seed, spectrum="magnitude", tau=tau)


def fit_on_masked(x: np.ndarray, y: np.ndarray, xv: np.ndarray, yv: np.ndarray,
                  names: list[str], seed: int) -> tuple[StackModel, np.ndarray]:
    """Fit the grid on masked training rows; pick on validation; importances there."""
    best: tuple[float, dict[str, Any], HistGradientBoostingClassifier, np.ndarray] | None = None
    for params in MASKED_GRID:
        m = HistGradientBoostingClassifier(random_state=seed, **params).fit(x, y)
        pv = m.predict_proba(xv)[:, 1]
        auc = float(roc_auc_score(yv, pv))
        if best is None or auc > best[0]:
            best = (auc, params, m, pv)
    assert best is not None
    auc, params, m, pv = best
    model = StackModel(names, [m], dict(params), auc)
    rng = np.random.default_rng(seed)
    imp = {}
    for i, n in enumerate(names):
        xp = xv.copy()
        xp[:, i] = rng.permutation(xp[:, i])
        imp[n] = round(auc - float(roc_auc_score(yv, m.predict_proba(xp)[:, 1])), 5)
    model.importances = imp
    return model, pv


@dataclass
class StackReport(Report):
    """The stack: its boosters' out-of-fold AUROC, grid choice, features and context."""

    oof_auroc: float = float("nan")
    params: dict[str, Any] = field(default_factory=dict)
    importances: dict[str, float] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    kg: dict[str, int] = field(default_factory=dict)  # sizes of the KG context it saw
    stage1_k: int = STAGE1_K  # partners per gene and generator that stage 1 admits
    stage1_global: bool = False  # and each generator's k·n/2 best pairs of the whole list
    # validation ranking by K where K was chosen (K -> ceiling, MRR, recall@1000, criterion)
    stage1: dict[str, dict[str, float]] = field(default_factory=dict)


# Stage 1 of predict for a stack run: the union of each gene's top-K partners by every
# embedding member (spectral-reg, spectral+kg, …) and by these heuristics on the training
# graph, so a pair that L3 ranks high but spectral does not still reaches the booster.
# K is base.STAGE1_K, or (`stage1_ks`, `stage1_global`) the rung of a ladder whose stage 1
# ranks the validation edges best, each generator's k·n/2 best pairs of the whole list
# joining it or not (they hold the many partners of a hub that its own top-k cannot). A
# deeper stage 1 is not always better: on human c2 (seed 1) the stack-rank booster
# over-rates pairs that only a deep K admits — test MRR 0.194 at K=10, 0.187 at 25, 0.174
# at 50, 0.161 at 100, while the ceiling grows 0.48 -> 0.57 -> 0.63 -> 0.68 (validation
# MRR ranks the four Ks the same way).
STACK_GENERATORS = ("l3", "ra")
STAGE1_LADDER = (5, 10, 25)
# Hard negatives of `stack-rank` come from each gene's top HARD_POOL_K of stage 1.
HARD_POOL_K = 10


class PairMemo:
    """Scores of pairs (i < j) by `fn`, each pair computed once across calls: the rungs of
    the stage-1 ladder are nested, so most of a rung's pairs were scored by the one before."""

    def __init__(self, fn: Scorer, n: int) -> None:
        self.fn, self.n = fn, n
        self.codes, self.scores = np.empty(0, dtype=np.int64), np.empty(0)

    def __call__(self, pairs: np.ndarray) -> np.ndarray:
        """`fn(pairs)`, read from the memo for every pair scored before."""
        codes = encode(pairs, self.n)
        pos = np.searchsorted(self.codes, codes)
        known = np.zeros(len(codes), dtype=bool)
        if len(self.codes):
            known = self.codes[np.minimum(pos, len(self.codes) - 1)] == codes
        out = np.empty(len(pairs))
        out[known] = self.scores[pos[known]]
        if (~known).any():
            out[~known] = self.fn(pairs[~known])
            c, v = np.r_[self.codes, codes[~known]], np.r_[self.scores, out[~known]]
            order = np.argsort(c, kind="stable")
            self.codes, self.scores = c[order], v[order]
        return out


class Stack(LinkPredictor):
    """Gradient boosting over path, embedding and knowledge-graph features of a pair (see
    the module docstring). Its members are given, fitted through the split's cache (so a
    stack reuses the spectral-reg fitted beside it): `members` always, `kg_members` where
    the knowledge graph has data for these genes, `plain_members` where it has none.
    The first member is the spectral-reg embedding (its τ builds the spectral ladder)."""

    kind = "stack"

    def __init__(self, name: str = "stack", *, members: tuple[LinkPredictor, ...],
                 kg_members: tuple[LinkPredictor, ...] = (),
                 plain_members: tuple[LinkPredictor, ...] = (), knowledge_graph: bool = True,
                 drop: tuple[str, ...] = (), richer: bool = True, fit_on: str = "validation",
                 shuffle_labels: bool = False,
                 generators: tuple[str, ...] = STACK_GENERATORS,
                 hard_negatives: int = 0, relative: bool = False,
                 stage1_ks: tuple[int, ...] = (), global_top: bool = False,
                 stage1_global: tuple[bool, ...] = (), cascade: str | None = None) -> None:
        super().__init__(name)
        self.cascade = cascade
        self.global_top, self.stage1_global = global_top, stage1_global
        self.hard_negatives, self.relative, self.stage1_ks = hard_negatives, relative, stage1_ks
        if fit_on not in ("validation", "masked-train"):
            raise ValueError(fit_on)
        self.members, self.kg_members, self.plain_members = members, kg_members, plain_members
        self.knowledge_graph, self.drop, self.richer = knowledge_graph, drop, richer
        self.fit_on, self.shuffle_labels, self.generators = fit_on, shuffle_labels, generators

    # ------------------------------------------------------------------------ fitting
    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """fit_on="validation": boosters cross-fitted on the validation pairs (features on
        the training graph). fit_on="masked-train": one booster on the training edges
        featurised with their own fold masked (`masked_training_rows`), hyper-parameters
        picked on the validation pairs. `shuffle_labels` permutes the labels the booster
        learns from: the sanity check that a learned method without labels is at chance."""
        kg = inputs.kg if self.knowledge_graph and not inputs.kg.empty else None
        chosen = [*self.members, *(self.kg_members if kg is not None else self.plain_members)]
        fitted: dict[str, LinkPredictor] = {m.name: cache.fit(m, inputs) for m in chosen}
        spectral = fitted[self.members[0].name]
        rep = spectral.report()
        tau = float(rep.tau or 0.0) if isinstance(rep, EmbeddingReport) else 0.0
        members = dict(fitted)
        if self.richer:
            for r, (emb, clf) in spectral_ladder(inputs, cache, tau).items():
                members[f"spectral@{r}"] = EmbeddingPredictor(f"spectral@{r}")._set(
                    emb, clf, inputs.split)
        prof = inputs.profiles
        self.a_ = inputs.a_train
        self.members_ = members
        self.generator_members_ = list(fitted)
        if self.cascade is not None and not (self.cascade in members
                                             and members[self.cascade].exhaustive):
            raise GenekgError(f"{self.name}: the cascade {self.cascade!r} must be an "
                              "exhaustive member")
        self.feats_ = self._features(kg, prof.matrix if prof is not None else None)
        pairs, y = val_pairs(inputs.split)
        rng = np.random.default_rng(inputs.seed)
        if self.fit_on == "masked-train":
            x, yt = masked_training_rows(inputs, self.feats_, tau)
            if self.shuffle_labels:
                yt = rng.permutation(yt)
            xv = self.feats_(pairs)
            with booster_threads():
                model, oof = fit_on_masked(x, yt, xv, y, self.feats_.names, inputs.seed)
            self.fitted_pairs_ = (pairs, oof)
        else:
            x = self.feats_(pairs)
            ya = y
            learned = pairs
            if self.hard_negatives:
                hard = self.hard_negative_pairs(inputs, rng)
                x = np.vstack([x, self.feats_(hard)])
                ya = np.r_[y, np.zeros(len(hard))]
                learned = np.vstack([pairs, hard])
            if self.shuffle_labels:
                ya = rng.permutation(ya)
            with booster_threads():
                model, oof = fit_boosters(x, ya, self.feats_.names, inputs.seed,
                                          step=cache.step)
            self.fitted_pairs_ = (learned, oof)
            oof = oof[: len(y)]  # the validation pairs' own (calibration, auto, reports)
        self.model_ = model
        self.val_scores_ = oof
        self.genes_ = list(inputs.network.genes)
        self.kg_digest_ = kg.digest() if kg is not None else None
        self.profiles_dataset_ = prof.dataset if prof is not None else None
        self.report_ = StackReport(self.name, model.oof_auroc, model.oof_auroc,
                                   dict(model.params), dict(model.importances),
                                   list(members), kg.fingerprint() if kg is not None else {})
        self.stage1_k_ = STAGE1_K
        if self.stage1_ks:
            self._choose_stage1(inputs, cache)
        return self

    def _choose_stage1(self, inputs: SplitInputs, cache: SplitCache) -> None:
        """Stage 1's K (and whether each generator's global top joins it): the rung of
        `stage1_ks` × `stage1_global` whose stage 1, scored by this stack, ranks the
        validation edges best among all candidates (retrieval.ranking_criterion, honest
        scores: the pairs the booster learned from by their out-of-fold ones)."""
        # nested rungs share most pairs: featurise and score each pair once, and compute
        # each block of a member that memoises its blocks (gcn-rank) once
        with ExitStack() as stack:
            for m in self.members_.values():
                memo = getattr(m, "block_memo", None)
                if memo is not None:
                    stack.enter_context(memo())
            best = self._ladder(inputs, cache, PairMemo(self.honest_score, self.n_genes))
        _, self.stage1_k_, self.global_top, self.val_retrieval_ = best
        self.report_.stage1_k = best[1]
        self.report_.stage1_global = best[2]

    def _ladder(self, inputs: SplitInputs, cache: SplitCache, memo: PairMemo
                ) -> tuple[float, int, bool, Any]:
        """Every rung ranked on validation; the best (criterion, K, global, result)."""
        best: tuple[float, int, bool, Any] | None = None
        for glob in self.stage1_global or (self.global_top,):
            self.global_top = glob
            for k in self.stage1_ks:
                name = f"{k}+global" if glob else str(k)
                cache.step(f"{self.name}: stage 1 of {name} partners per gene and generator: "
                           "ranking the validation edges")
                r = validation_retrieval(self, inputs.split, k, scorer=memo)
                c = ranking_criterion(r)
                self.report_.stage1[name] = {"ceiling": r.ceiling, "mrr": r.mrr,
                                             "recall@1000": r.recall[1000], "criterion": c}
                if best is None or c > best[0]:
                    best = (c, k, glob, r)
        assert best is not None
        return best

    def _features(self, kg: GeneContext | None, profiles: np.ndarray | None) -> PairFeatures:
        """The feature builder of this stack's members and training graph (fit and load
        build it alike, so a loaded run computes the features it was trained with)."""
        had = self.members_.get(f"spectral@{HADAMARD_RANK}") if self.richer else None
        return PairFeatures(self.a_, {n: m.score for n, m in self.members_.items()}, kg,
                            profiles, self.drop, node_features=self.richer,
                            hadamard=had.embedding_ if isinstance(had, EmbeddingPredictor)
                            else None, relative=self.relative)

    def hard_negative_pairs(self, inputs: SplitInputs, rng: np.random.Generator
                            ) -> np.ndarray:
        """`hard_negatives` × (validation positives) pairs drawn from stage 1 — the
        non-edges the generators rank high, which a curator would otherwise be shown —
        never a training edge nor a validation pair (the booster's labels)."""
        split = inputs.split
        n = self.n_genes
        known = S.adjacency(np.vstack([split.train, split.val_pos, split.val_neg]), n)
        pool = self.candidates(HARD_POOL_K, None, exclude=known)
        want = min(len(pool), self.hard_negatives * len(split.val_pos))
        return pool[np.sort(rng.choice(len(pool), size=want, replace=False))]

    # ------------------------------------------------------------------------ scoring
    @property
    def n_genes(self) -> int:
        """Genes of the training graph."""
        return int(self.a_.shape[0])

    def score(self, pairs: np.ndarray) -> np.ndarray:
        """Mean probability of the fold boosters on the pairs' features."""
        return self.model_.predict(self.feats_(pairs))

    def honest_score(self, pairs: np.ndarray) -> np.ndarray:
        """One fold booster per pair (fold = a fixed hash of the pair), on the footing of
        the out-of-fold validation scores: an average of K boosters is smoother than any
        one, so reading a single-model threshold off it would overstate its precision."""
        x = self.feats_(pairs)
        models = self.model_.models
        fold = (pairs[:, 0] * 1_000_003 + pairs[:, 1]) % len(models)
        out = np.empty(len(pairs))
        for k, m in enumerate(models):
            sel = fold == k
            if sel.any():
                out[sel] = m.predict_proba(x[sel])[:, 1]
        return out

    def candidates(self, k: int, rows: np.ndarray | None = None,
                   exclude: sp.csr_matrix | None = None) -> np.ndarray:
        """The union of each gene's top-k by every embedding member and generator (and,
        with `global_top`, of each one's best k·n/2 pairs of the whole list, which holds
        many partners of a hub that its own top-k cannot)."""
        n = self.n_genes
        blocks = [self.members_[g].block_scores for g in self.generator_members_] + [
            partial(S.block_scores, h, self.a_) for h in self.generators]
        parts = [top_k_per_gene(b, n, k, rows, exclude) for b in blocks]
        if self.global_top:
            for b in blocks:
                g = top_pairs_global(b, n, k * n // 2, exclude)
                parts.append(g if rows is None else g[np.isin(g, rows).any(axis=1)])
        # A gene every generator scores alike (no training edge, an embedding at the
        # origin) proposes no partner, so predict's --per-gene would skip it: its partners
        # to score are then the best-connected genes (what its KG features and the stack
        # can still tell apart), so every gene of the run gets an answer.
        want = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
        got = np.vstack(parts)
        bare = np.setdiff1d(want, got.ravel())
        if len(bare):
            deg = np.asarray(self.a_.sum(axis=1)).ravel()
            parts.append(top_k_per_gene(
                lambda blk: np.broadcast_to(deg, (len(blk), n)) + 0.0, n, k, bare, exclude,
                ties_propose=True))
        return np.unique(np.vstack(parts), axis=0)

    def tail_block(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """The cascade member's exhaustive scores: they order every pair stage 1 does not
        admit, below the admitted ones (None: those pairs are not ranked)."""
        return None if self.cascade is None else self.members_[self.cascade].block_scores

    @property
    def stage1_k(self) -> int:
        """K of stage 1 (chosen on validation when the stack was given a ladder)."""
        return int(getattr(self, "stage1_k_", STAGE1_K))

    def gene_embedding(self) -> np.ndarray | None:
        """The first member's (spectral-reg) embedding."""
        return self.members_[self.generator_members_[0]].gene_embedding()

    def report(self) -> Report:
        """Out-of-fold AUROC, grid choice, permutation importances, members."""
        return self.report_

    # -------------------------------------------------------------------- persistence
    def save(self, folder: Path) -> None:
        """stack.joblib (boosters), features.json (the feature specification as data and
        the digest of the KG context it saw), genes.json, train.npz, members/<name>/."""
        import joblib

        joblib.dump(self.model_, folder / "stack.joblib")
        save_adjacency(folder / "train.npz", self.a_)
        for n, m in self.members_.items():
            save_predictor(m, folder / "members" / n)
        spec = {"names": self.feats_.names, "members": list(self.members_),
                "generator_members": self.generator_members_, "generators": self.generators,
                "node_features": self.feats_.node_features,
                "relative": self.feats_.relative, "drop": list(self.drop),
                "kg_digest": self.kg_digest_, "profiles": self.profiles_dataset_,
                "stage1_k": self.stage1_k, "global_top": self.global_top,
                "cascade": self.cascade}
        (folder / "features.json").write_text(json.dumps(spec, indent=1))
        (folder / "genes.json").write_text(json.dumps(self.genes_))
        (folder / "report.json").write_text(json.dumps(self.report_.to_dict(), default=float))

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """The stack as fitted; its KG context pulled again and checked against the digest
        it was trained with (a changed graph is refused unless `allow_changed_graph`)."""
        import joblib

        spec = json.loads((folder / "features.json").read_text())
        rep = StackReport(**json.loads((folder / "report.json").read_text()))
        self = cls(rep.method, members=(), drop=tuple(spec["drop"]),
                   richer=bool(spec["node_features"]),
                   relative=bool(spec.get("relative", False)),
                   generators=tuple(spec["generators"]),
                   global_top=bool(spec.get("global_top", False)),
                   cascade=spec.get("cascade"))
        self.report_ = rep
        self.stage1_k_ = int(spec.get("stage1_k", STAGE1_K))  # runs saved before K was chosen
        self.model_ = joblib.load(folder / "stack.joblib")
        self.a_ = load_adjacency(folder / "train.npz")
        self.genes_ = json.loads((folder / "genes.json").read_text())
        self.members_ = {n: load_predictor(folder / "members" / n, store)
                         for n in spec["members"]}
        self.generator_members_ = list(spec["generator_members"])
        self.kg_digest_ = spec["kg_digest"]
        self.profiles_dataset_ = spec["profiles"]
        kg = None
        if store is None and (self.kg_digest_ is not None or self.profiles_dataset_):
            raise GenekgError(f"{folder}: this stack reads the knowledge graph; "
                              "it needs a database connection")
        if self.kg_digest_ is not None and store is not None:
            kg = pull_context(store, self.genes_)
            if kg.digest() != self.kg_digest_:
                now = kg.fingerprint()
                msg = (f"the knowledge-graph context of this run's genes changed since it "
                       f"was trained (then {rep.kg}, now {now})")
                if not allow_changed_graph:
                    raise GenekgError(msg, hint="Retrain, or pass --allow-changed-graph to "
                                      "score with the graph as it is now.")
                self.notes_ = (msg + "; scoring with the graph as it is now",)
        prof = pull_profiles(store, self.profiles_dataset_, self.genes_).matrix \
            if store is not None and self.profiles_dataset_ else None
        self.feats_ = self._features(kg, prof)
        if self.feats_.names != spec["names"] or spec["names"] != self.model_.feature_names:
            raise GenekgError(f"{folder}: the stored stack expects features "
                              f"{self.model_.feature_names}, rebuilt {self.feats_.names}")
        return self
