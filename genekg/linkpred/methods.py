"""The link-prediction method registry: one record per method, one table.

A method is a factory of a `LinkPredictor` (`genekg.linkpred.base`): `make()` returns an
unfitted predictor whose `fit(inputs, cache)` learns from one split. The implementations
live in their own modules (`pairscore`, `embedding`, `stack`, `auto`), imported here at
the top; this module only names them. Adding a method is one class (or one
parametrisation of an existing one) plus one line in `_TABLE` (README, "Adding a method").

Importing this module registers every predictor class, so `load_predictor` (re-exported
here) finds the class of any saved kind: load runs through this module, not `base`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import numpy as np

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.graphdata import Profiles
from genekg.linkpred.auto import Auto

# load_predictor & co re-exported (the `as` form marks it for mypy): this module registers
# every kind, so loads go here.
from genekg.linkpred.base import LinkPredictor, Report, SplitCache, SplitInputs
from genekg.linkpred.base import load_predictor as load_predictor
from genekg.linkpred.base import registered_kinds as registered_kinds
from genekg.linkpred.base import save_predictor as save_predictor
from genekg.linkpred.embedding import GNE, GNEKG, KG_ENSEMBLE, GDSEmbedding, Spectral, SpectralKG
from genekg.linkpred.generank import GeneRanker
from genekg.linkpred.local_path import LocalPath
from genekg.linkpred.pairscore import PairScorePredictor
from genekg.linkpred.stack import STAGE1_LADDER, Stack


class ExprCorr(LinkPredictor):
    """Correlation of the two genes' expression profiles (evaluate only: a run would have
    to carry the profiles)."""

    def __init__(self, name: str = "expr-corr") -> None:
        super().__init__(name)

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Keep the z-scored profiles."""
        if inputs.profiles is None:
            raise GenekgError("this method needs expression profiles", hint="pass --dataset")
        self.x_ = inputs.profiles.matrix
        self.val_auroc_ = self.val_auroc(inputs.split)
        return self

    @property
    def n_genes(self) -> int:
        """Rows of the profile matrix."""
        return int(self.x_.shape[0])

    def score(self, pairs: np.ndarray) -> np.ndarray:
        """Mean product of the z-scored profiles (Pearson correlation)."""
        x = self.x_
        return np.einsum("ij,ij->i", x[pairs[:, 0]], x[pairs[:, 1]]) / max(x.shape[1], 1)

    def report(self) -> Report:
        """Validation AUROC only."""
        return Report(self.name, self.val_auroc_)

    def save(self, folder: Path) -> None:
        """Not saved: evaluate only."""
        raise GenekgError("expr-corr is evaluate-only; it cannot be a run")

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """Never saved, never loaded."""
        raise GenekgError("expr-corr is evaluate-only; it cannot be a run")


@dataclass(frozen=True)
class Method:
    """One link-prediction method of the registry."""

    name: str
    label: str
    make: Callable[[], LinkPredictor]
    needs_expression: bool = False
    needs_gds: bool = False
    uses_kg: bool = False
    trainable: bool = False  # can be a `genekg train` run and feed `genekg predict`


def _stack(name: str = "stack", **kw: object) -> Callable[[], LinkPredictor]:
    def make() -> LinkPredictor:
        args: dict[str, object] = {"members": (Spectral("spectral-reg"),),
                                   "kg_members": (SpectralKG(),), **kw}
        return Stack(name, **args)  # type: ignore[arg-type]  # keyword table above

    return make


# The stack trained for ranking: hard negatives from stage 1, relative features.
STACK_RANK: dict[str, object] = {"hard_negatives": 2, "relative": True,
                                 "stage1_ks": STAGE1_LADDER, "stage1_global": (False, True)}


# stack-rank with the learned gene ranker: a member (its top-K per gene joins stage 1, its
# score is a booster feature) and the cascade (it orders every pair stage 1 leaves out).
STACK_RANK_GCN: dict[str, object] = {**STACK_RANK, "cascade": "gcn-rank"}


def _stack_gcn(name: str) -> Callable[[], LinkPredictor]:
    def make() -> LinkPredictor:
        return Stack(name, members=(Spectral("spectral-reg"), GeneRanker()),
                     kg_members=(SpectralKG(),), **STACK_RANK_GCN)  # type: ignore[arg-type]

    return make


def _auto() -> LinkPredictor:
    return Auto("auto", (Spectral("spectral-reg"), _stack_gcn("stack-rank+gcn")(),
                         GeneRanker(), PairScorePredictor("l3")),
                kg_candidates=(SpectralKG(),))


def _heuristic(name: str, label: str) -> Method:
    return Method(name, label, lambda: PairScorePredictor(name), trainable=True)


_TABLE = (
    Method("auto", "auto (of spectral-reg, spectral+kg, L3, gcn-rank and stack-rank+gcn, "
           "the one that ranks validation edges best among all candidates)", _auto,
           uses_kg=True, trainable=True),
    Method("stack", "stack: GBM over path, embedding and knowledge-graph features", _stack(),
           uses_kg=True, trainable=True),
    Method("stack-rank", "stack for ranking: its booster also learns from hard negatives "
           "(stage-1 candidates, 2 per validation edge), sees each pair against both "
           "genes' best candidates, and its stage 1 (K = 5, 10, 25 per gene, with or "
           "without each generator's global top) is chosen by how it ranks the validation "
           "edges", _stack("stack-rank", **STACK_RANK),
           uses_kg=True, trainable=True),
    Method("stack-rank+gcn", "stack-rank with the learned gene ranker gcn-rank as a "
           "member (stage-1 generator and booster feature) and as its cascade: every pair "
           "stage 1 leaves out is ranked below the admitted ones in gcn-rank's order",
           _stack_gcn("stack-rank+gcn"), uses_kg=True, trainable=True),
    Method("stack-nokegg", "stack without the KEGG-relation feature",
           _stack("stack-nokegg", drop=("kegg_relation",)), uses_kg=True, trainable=True),
    Method("stack+gne", "stack with the GNE (gne+kg where the KG has data) score as a "
           "feature", _stack("stack+gne", kg_members=(GNEKG(),), plain_members=(GNE(),)),
           uses_kg=True, trainable=True),
    Method("stack-cheap", "cheap stack: GBM over path scores + spectral (peer)",
           _stack("stack-cheap", kg_members=(), knowledge_graph=False, richer=False),
           trainable=True),
    Method("gcn-rank", "learned gene ranker: a learnable vector per gene plus its "
           "knowledge-graph memberships, 2 propagation steps over the training graph (each "
           "training edge masked while it is scored), bilinear pair decoder, trained against "
           "random and hard (Adamic-Adar / L3 top) negatives", lambda: GeneRanker(),
           uses_kg=True, trainable=True),
    Method("gne", "GNE, topology only", lambda: GNE("gne"), trainable=True),
    Method("gne+expr", "GNE, with expression", lambda: GNE("gne+expr", expression=True),
           needs_expression=True, trainable=True),
    Method("gne+kg", f"GNE, knowledge-graph memberships as attributes, {KG_ENSEMBLE} seeds "
           "averaged", lambda: GNEKG(), uses_kg=True, trainable=True),
    Method("spectral", "spectral (SVD of norm. adjacency)",
           lambda: Spectral("spectral", "spectral"), trainable=True),
    Method("spectral+expr", "spectral + expression",
           lambda: Spectral("spectral+expr", "spectral", expression=True),
           needs_expression=True),
    Method("spectral-pos", "spectral (top positive eigenvectors)",
           lambda: Spectral("spectral-pos", "spectral-pos"), trainable=True),
    Method("spectral+kg", "spectral-reg of the network joined with pathways, drugs and "
           "cell lines", lambda: SpectralKG(), uses_kg=True, trainable=True),
    Method("spectral-reg", "spectral (regularised, τ picked on validation)",
           lambda: Spectral("spectral-reg"), trainable=True),
    Method("node2vec", "node2vec (GDS, p=1 q=0.5)", lambda: GDSEmbedding("node2vec", "node2vec"),
           needs_gds=True),
    Method("node2vec+expr", "node2vec + expression",
           lambda: GDSEmbedding("node2vec+expr", "node2vec", expression=True), needs_gds=True,
           needs_expression=True),
    Method("deepwalk", "DeepWalk (GDS node2vec p=q=1)",
           lambda: GDSEmbedding("deepwalk", "deepwalk"), needs_gds=True),
    Method("fastrp", "FastRP (GDS)", lambda: GDSEmbedding("fastrp", "fastrp"), needs_gds=True),
    _heuristic("l3", "L3 (paths of length 3, degree-normalised)"),
    _heuristic("a3", "A³ (paths of length 3)"),
    _heuristic("pa", "preferential attachment"),
    _heuristic("cn", "common neighbours"),
    _heuristic("aa", "Adamic-Adar"),
    _heuristic("ra", "resource allocation"),
    _heuristic("jaccard", "Jaccard"),
    _heuristic("hpi", "hub-promoted index (CN / min degree)"),
    Method("lp", "local path index CN + ε·A³ (ε picked on validation)", LocalPath,
           trainable=True),
    Method("expr-corr", "expression correlation", ExprCorr, needs_expression=True),
)
METHODS: dict[str, Method] = {m.name: m for m in _TABLE}
# Default of `genekg train` / `genekg predict`: pick per network on validation.
DEFAULT_METHOD = "auto"
TRAINABLE = tuple(m.name for m in _TABLE if m.trainable)
EVALUATE_ONLY = tuple(m.name for m in _TABLE if not m.trainable)


def get_method(name: str) -> Method:
    """The registered method `name`; an unknown name is an error listing the valid ones."""
    try:
        return METHODS[name]
    except KeyError:
        raise GenekgError(f"unknown method {name!r}",
                          hint=f"Known methods: {', '.join(METHODS)}") from None


def resolve(names: list[str], *, profiles: Profiles | None, db: GraphStore | None
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
