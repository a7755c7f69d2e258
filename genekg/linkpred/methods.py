"""The link-prediction method registry: one record per method, one table.

A method is a `fit(ctx) -> Fitted` function over a `Context` (the split, the training
graph, optional expression profiles, knowledge-graph context and database). `Fitted.score`
ranks any index pairs; higher means more likely to interact. Adding a method is one
function plus one line in `METHODS` (README, "Adding a method").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score

from genekg.db import Database
from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.gne.data import Network, Profiles
from genekg.linkpred import evaluate as E
from genekg.linkpred import scores as S
from genekg.linkpred.hub_promoted import hub_promoted
from genekg.linkpred.kgcontext import GeneContext, build_context, pull_context
from genekg.linkpred.split import EdgeSplit

if TYPE_CHECKING:
    from genekg.gne.train import TrainResult

Scorer = Callable[[np.ndarray], np.ndarray]


def val_pairs(split: EdgeSplit) -> tuple[np.ndarray, np.ndarray]:
    """Validation pairs (positives first) and their labels."""
    pairs = np.vstack([split.val_pos, split.val_neg]).reshape(-1, 2)
    return pairs, np.r_[np.ones(len(split.val_pos)), np.zeros(len(split.val_neg))]


@dataclass
class Context:
    """What a method may look at for one split. Graph scores read `a_train` only."""

    network: Network
    split: EdgeSplit
    seed: int
    cfg: GNEConfig = field(default_factory=GNEConfig)
    profiles: Profiles | None = None
    db: Database | None = None
    device: str = "auto"
    on_epoch: Callable[[int, float, float], None] | None = None
    gene_context: GeneContext | None = None
    fitted: dict[str, Fitted] = field(default_factory=dict)  # shared within one split
    gds_graph: str | None = None
    on_fit: Callable[[str], None] | None = None  # told before each method is fitted
    _a_train: sp.csr_matrix | None = None

    @property
    def a_train(self) -> sp.csr_matrix:
        """Adjacency of the training edges (never validation or test)."""
        if self._a_train is None:
            self._a_train = S.adjacency(self.split.train, self.split.n_nodes)
        return self._a_train

    def kg(self) -> GeneContext:
        """Knowledge-graph context of the network's genes (empty without a database)."""
        if self.gene_context is None:
            genes = self.network.genes
            self.gene_context = (pull_context(self.db, genes) if self.db is not None
                                 else build_context(genes, []))
        return self.gene_context

    def fit(self, name: str) -> Fitted:
        """Fit method `name` once for this split (a stack reuses its members' fits)."""
        if name not in self.fitted:
            if self.on_fit is not None:
                self.on_fit(name)
            self.fitted[name] = get_method(name).fit(self)
        return self.fitted[name]

    def close(self) -> None:
        """Drop the GDS projection this split made, if any."""
        if self.gds_graph is not None and self.db is not None:
            from genekg.linkpred.gds import drop_graph

            drop_graph(self.db, self.gds_graph)
            self.gds_graph = None


@dataclass
class Fitted:
    """A fitted method: a pair scorer plus what the run records about it."""

    method: str
    score: Scorer
    extra: dict[str, Any] = field(default_factory=dict)
    val_scores: np.ndarray | None = None  # honest validation scores (e.g. out-of-fold)
    embedding: np.ndarray | None = None
    classifier: E.EdgeClassifier | None = None
    model: Any = None

    def validation(self, split: EdgeSplit) -> tuple[np.ndarray, np.ndarray]:
        """(scores, labels) on the validation pairs; cached."""
        pairs, y = val_pairs(split)
        if self.val_scores is None:
            self.val_scores = self.score(pairs) if len(pairs) else np.empty(0)
        return self.val_scores, y

    def val_auroc(self, split: EdgeSplit) -> float:
        """AUROC on the validation pairs (NaN without validation pairs)."""
        s, y = self.validation(split)
        return float(roc_auc_score(y, s)) if len(set(y.tolist())) == 2 else float("nan")


PairScore = Callable[[sp.csr_matrix, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Method:
    """One link-prediction method of the registry."""

    name: str
    label: str
    fit: Callable[[Context], Fitted]
    needs_expression: bool = False
    needs_gds: bool = False
    uses_kg: bool = False
    trainable: bool = False  # can be a `genekg train` run and feed `genekg predict`


# ------------------------------------------------------------------ fit functions
def pair_score(name: str, fn: PairScore | None = None) -> Callable[[Context], Fitted]:
    """Fit function of a score computed on the training graph for each pair: `fn(A, pairs)`
    (default: the score of that name in `scores.PAIR_SCORES`). Nothing to fit; the score
    only ever sees the training adjacency."""
    fn = fn or S.PAIR_SCORES[name]

    def fit(ctx: Context) -> Fitted:
        a = ctx.a_train
        return Fitted(name, lambda p: fn(a, p))

    return fit


def _expr_corr(ctx: Context) -> Fitted:
    x = _need_profiles(ctx).matrix

    def score(p: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->i", x[p[:, 0]], x[p[:, 1]]) / max(x.shape[1], 1)

    return Fitted("expr-corr", score)


def _need_profiles(ctx: Context) -> Profiles:
    if ctx.profiles is None:
        raise GenekgError("this method needs expression profiles", hint="pass --dataset")
    return ctx.profiles


def _embedding_fitted(name: str, emb: np.ndarray, clf: E.EdgeClassifier,
                      extra: dict[str, Any] | None = None, model: Any = None) -> Fitted:
    return Fitted(name, lambda p: clf.predict(emb, p), {**(extra or {}), "C": clf.c},
                  embedding=emb, classifier=clf, model=model)


def _spectral(name: str) -> Callable[[Context], Fitted]:
    def fit(ctx: Context) -> Fitted:
        base = name.removesuffix("+expr")
        emb, clf, extra = E.spectral_method(base, ctx.a_train, ctx.split, ctx.cfg.dim, ctx.seed)
        if name.endswith("+expr"):
            emb = E.with_expression(emb, ctx.profiles)
            clf = E.EdgeClassifier.fit(emb, ctx.split, ctx.seed)
        return _embedding_fitted(name, emb, clf, extra)

    return fit


def _spectral_kg(ctx: Context) -> Fitted:
    """Regularised spectral embedding of the training network JOINED with the knowledge
    graph: genes and super nodes (pathways, drug targets, cell-line mutations) in one
    adjacency [[A_train, M], [Mᵀ, 0]]. A gene with no training edge still gets a position
    from its memberships, so the edge classifier can rank pairs the network alone cannot
    (human: a quarter of test positives touch such a gene). τ and C picked on validation;
    the test pairs are never an edge of the joined graph."""
    kg = ctx.kg()
    m = sp.hstack([kg.membership[k] for k in sorted(kg.membership)]).tocsr()
    if m.shape[1] == 0 or m.nnz == 0:
        raise GenekgError("spectral+kg needs pathway, drug or cell-line data for these genes")
    m.data[:] = 1.0
    joint = sp.bmat([[ctx.a_train, m], [m.T, None]], format="csr")
    # The classifier reads only gene rows (every pair is a gene pair), so the one fitted on
    # the joint embedding is the one for its gene rows.
    emb, clf, extra = E.spectral_method("spectral-reg", joint, ctx.split, ctx.cfg.dim, ctx.seed)
    n = ctx.a_train.shape[0]
    return _embedding_fitted("spectral+kg", emb[:n], clf,
                             {**extra, "super_nodes": int(m.shape[1])})


def _gne(name: str) -> Callable[[Context], Fitted]:
    def fit(ctx: Context) -> Fitted:
        tr = E.fit_gne_method(name, ctx.split, ctx.cfg, seed=ctx.seed, profiles=ctx.profiles,
                              device=ctx.device, on_epoch=ctx.on_epoch)
        return _gne_fitted(ctx, name, tr, ctx.cfg, ctx.profiles, ctx.cfg.ensemble or 1)

    return fit


def _gne_fitted(ctx: Context, name: str, first: TrainResult, cfg: GNEConfig,
                profiles: Profiles | None, n: int, extra: dict[str, Any] | None = None
                ) -> Fitted:
    """`first` plus n-1 more GNE models of the same config with other seeds; each gets its
    own validation-fitted edge classifier and the ensemble scores by their mean logit
    (`EdgeClassifier.mean_logit` over the concatenated embeddings)."""
    trs = [first]
    for j in range(1, n):
        # a distinct, reproducible seed per member (one --seed fixes them all)
        trs.append(E.fit_gne_method(name, ctx.split, cfg, seed=ctx.seed + j * 7919,
                                    profiles=profiles, device=ctx.device,
                                    on_epoch=ctx.on_epoch))
    clfs = [E.EdgeClassifier.fit(t.embeddings, ctx.split, ctx.seed) for t in trs]
    emb = np.hstack([t.embeddings for t in trs]) if n > 1 else first.embeddings
    clf = E.EdgeClassifier.mean_logit(clfs) if n > 1 else clfs[0]
    info = {"epochs": float(len(first.history)), "best_epoch": first.best_epoch,
            "seconds_per_epoch": first.seconds_per_epoch, "ensemble": n, **(extra or {})}
    if n > 1:  # the ensemble's own validation AUROC is computed from its scores
        info["member_val_auroc"] = [round(c.val_auroc, 5) for c in clfs]
    else:
        info["val_auroc"] = first.best_val_auroc
    # model: the first member (its weights are what a GNE run saves as model.pt)
    return _embedding_fitted(name, emb, clf, info, model=first)


def kg_attributes(ctx: Context, dim: int = 64) -> Profiles:
    """Knowledge-graph attribute vectors for GNE's attribute branch.

    Each gene's pathway, drug-target and cell-line memberships (one 0/1 column per super
    node), reduced to `dim` columns by a seeded truncated SVD and z-scored per gene.
    Genes with no membership keep a masked branch (like genes without an expression
    profile), so a gene without training edges is still placed by what the graph knows.
    """
    from sklearn.decomposition import TruncatedSVD

    from genekg.gne.data import standardise

    kg = ctx.kg()
    m = sp.hstack([kg.membership[k] for k in sorted(kg.membership)]).tocsr()
    has = np.asarray(m.getnnz(axis=1) > 0)
    if m.shape[1] < 3 or not has.any():
        raise GenekgError("gne+kg needs pathway, drug or cell-line data for these genes",
                          hint="genekg ingest kegg …, drugs …, cell-lines …")
    k = min(dim, m.shape[1] - 1)
    x = TruncatedSVD(k, random_state=ctx.seed).fit_transform(m.astype(np.float64))
    return Profiles("knowledge-graph", standardise(x, has), has, k)


# λ of gne+kg, picked on validation (with the configured λ if it is another): human,
# seeds 1-2, validation picked 3 in 3 of 4 splits; λ=10 lost on validation everywhere.
KG_LAMBDAS = (1.0, 3.0)
# gne+kg trains this many GNE models (seeds differ, λ of the first) and averages their
# logits. Single models on sparse human vary by ±0.006 AUROC from seed to seed; human,
# 5 seeds (benchmarks/RESULTS.md, human_gne), one model → three: uniform 0.773 → 0.791,
# degree-matched 0.791 → 0.808 (spectral-reg 0.776 / 0.740). Each model costs ~20 s there.
KG_ENSEMBLE = 3


def _gne_kg(ctx: Context) -> Fitted:
    prof = kg_attributes(ctx)
    best = None
    for lam in sorted({*KG_LAMBDAS, *([ctx.cfg.lam] if ctx.cfg.lam > 0 else [])}):
        cfg = replace(ctx.cfg, lam=lam)
        tr = E.fit_gne_method("gne+expr", ctx.split, cfg, seed=ctx.seed, profiles=prof,
                              device=ctx.device, on_epoch=ctx.on_epoch)
        if best is None or tr.best_val_auroc > best[2].best_val_auroc:
            best = (lam, cfg, tr)
    assert best is not None
    lam, cfg, tr = best
    fitted = _gne_fitted(ctx, "gne+expr", tr, cfg, prof, ctx.cfg.ensemble or KG_ENSEMBLE,
                         {"lam": lam, "genes_with_attributes": int(prof.has_profile.sum())})
    return replace(fitted, method="gne+kg")


def _gds(name: str, algorithm: str) -> Callable[[Context], Fitted]:
    def fit(ctx: Context) -> Fitted:
        from genekg.linkpred import gds as G

        if ctx.db is None:
            raise GenekgError("GDS methods need a database connection")
        key = f"gds:{algorithm}"
        if key not in ctx.fitted:
            if ctx.gds_graph is None:
                ctx.gds_graph = G.project_training_graph(ctx.db, ctx.network.genes,
                                                         ctx.split.train)
            emb = G.gds_embedding(ctx.db, ctx.gds_graph, ctx.network.genes, algorithm,
                                  dim=ctx.cfg.dim, seed=ctx.seed)
            ctx.fitted[key] = Fitted(key, lambda p: np.zeros(len(p)), embedding=emb)
        base = ctx.fitted[key].embedding
        assert base is not None
        emb = base
        if name.endswith("+expr"):
            emb = E.with_expression(emb, ctx.profiles)
        return _embedding_fitted(name, emb, E.EdgeClassifier.fit(emb, ctx.split, ctx.seed))

    return fit


def _stack(ctx: Context) -> Fitted:
    from genekg.linkpred.stack import fit_stack

    return fit_stack(ctx)


def _stack_cheap(ctx: Context) -> Fitted:
    from genekg.linkpred.stack import fit_stack

    return fit_stack(ctx, knowledge_graph=False, name="stack-cheap")


def _stack_nokegg(ctx: Context) -> Fitted:
    from genekg.linkpred.stack import fit_stack

    return fit_stack(ctx, drop=("kegg_relation",), name="stack-nokegg")


def _stack_gne(ctx: Context) -> Fitted:
    from genekg.linkpred.stack import fit_stack

    gne = "gne+kg" if not ctx.kg().empty else "gne"
    return fit_stack(ctx, embeddings=("spectral-reg", gne), name="stack+gne")


def _stack_masked(ctx: Context) -> Fitted:
    from genekg.linkpred.stack import fit_stack

    return fit_stack(ctx, fit_on="masked-train", name="stack-mt")


def _auto(ctx: Context) -> Fitted:
    from genekg.linkpred.auto import fit_auto

    return fit_auto(ctx)


_TABLE = (
    Method("auto", "auto (best validation AUROC of the candidates)", _auto, uses_kg=True,
           trainable=True),
    Method("stack", "stack: GBM over path, embedding and knowledge-graph features", _stack,
           uses_kg=True, trainable=True),
    Method("stack-nokegg", "stack without the KEGG-relation feature", _stack_nokegg,
           uses_kg=True, trainable=True),
    Method("stack+gne", "stack with the GNE (gne+kg where the KG has data) score as a "
           "feature", _stack_gne, uses_kg=True),
    Method("stack-cheap", "cheap stack: GBM over path scores + spectral (peer)", _stack_cheap,
           trainable=True),
    Method("gne", "GNE, topology only", _gne("gne"), trainable=True),
    Method("gne+expr", "GNE, with expression", _gne("gne+expr"), needs_expression=True,
           trainable=True),
    Method("gne+kg", "GNE, knowledge-graph memberships as attributes, "
           f"{KG_ENSEMBLE} seeds averaged", _gne_kg, uses_kg=True),
    Method("stack-mt", "stack fitted on masked training edges (validation picks)",
           _stack_masked, uses_kg=True),
    Method("spectral", "spectral (SVD of norm. adjacency)", _spectral("spectral"),
           trainable=True),
    Method("spectral+expr", "spectral + expression", _spectral("spectral+expr"),
           needs_expression=True),
    Method("spectral-pos", "spectral (top positive eigenvectors)", _spectral("spectral-pos"),
           trainable=True),
    Method("spectral+kg", "spectral-reg of the network joined with pathways, drugs and "
           "cell lines", _spectral_kg, uses_kg=True),
    Method("spectral-reg", "spectral (regularised, τ picked on validation)",
           _spectral("spectral-reg"), trainable=True),
    Method("node2vec", "node2vec (GDS, p=1 q=0.5)", _gds("node2vec", "node2vec"),
           needs_gds=True),
    Method("node2vec+expr", "node2vec + expression", _gds("node2vec+expr", "node2vec"),
           needs_gds=True, needs_expression=True),
    Method("deepwalk", "DeepWalk (GDS node2vec p=q=1)", _gds("deepwalk", "deepwalk"),
           needs_gds=True),
    Method("fastrp", "FastRP (GDS)", _gds("fastrp", "fastrp"), needs_gds=True),
    Method("l3", "L3 (paths of length 3, degree-normalised)", pair_score("l3")),
    Method("a3", "A³ (paths of length 3)", pair_score("a3")),
    Method("pa", "preferential attachment", pair_score("pa")),
    Method("cn", "common neighbours", pair_score("cn")),
    Method("aa", "Adamic-Adar", pair_score("aa")),
    Method("ra", "resource allocation", pair_score("ra")),
    Method("jaccard", "Jaccard", pair_score("jaccard")),
    Method("hpi", "hub-promoted index (CN / min degree)", pair_score("hpi", hub_promoted)),
    Method("expr-corr", "expression correlation", _expr_corr, needs_expression=True),
)
METHODS: dict[str, Method] = {m.name: m for m in _TABLE}
# Default of `genekg train` / `genekg predict`: pick per network on validation.
DEFAULT_METHOD = "auto"
TRAINABLE = tuple(m.name for m in _TABLE if m.trainable)


def get_method(name: str) -> Method:
    """The registered method `name`; an unknown name is an error listing the valid ones."""
    try:
        return METHODS[name]
    except KeyError:
        raise GenekgError(f"unknown method {name!r}",
                          hint=f"Known methods: {', '.join(METHODS)}") from None


def resolve(names: list[str], *, profiles: Profiles | None, db: Database | None
            ) -> list[Method]:
    """Look up `names` and check that what they need is there."""
    methods = [get_method(n) for n in names]
    need_expr = [m.name for m in methods if m.needs_expression]
    if need_expr and profiles is None:
        raise GenekgError(f"method(s) {', '.join(need_expr)} need expression profiles",
                          hint="pass --dataset")
    need_gds = [m.name for m in methods if m.needs_gds]
    if need_gds and db is None:
        raise GenekgError(f"GDS method(s) {', '.join(need_gds)} need a database connection")
    return methods


def labels() -> dict[str, str]:
    """Method name -> table label."""
    return {m.name: m.label for m in _TABLE}
