"""Embedding methods: spectral (plain, positive, regularised, joined with the knowledge
graph), GDS node2vec/DeepWalk/FastRP and GNE. Each computes a gene embedding on the
training graph, fits the Hadamard edge classifier (`evaluate.EdgeClassifier`, C picked on
validation) and keeps both as one bilinear form (`base.EmbeddingPredictor`), the form
runs store and `predict` scores every pair with.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp

from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.graphdata import Profiles, standardise
from genekg.linkpred import evaluate as E
from genekg.linkpred import gds as G
from genekg.linkpred.base import EmbeddingPredictor, EmbeddingReport, SplitCache, SplitInputs


class Spectral(EmbeddingPredictor):
    """`variant` ("spectral", "spectral-pos" or "spectral-reg": τ picked on validation),
    optionally joined with expression profiles (`expression`). Parameters, not the name,
    say what is computed: renaming a table entry changes nothing a fit does."""

    kind = "spectral"

    def __init__(self, name: str = "spectral-reg", variant: str = "spectral-reg",
                 expression: bool = False) -> None:
        super().__init__(name)
        if variant not in ("spectral", "spectral-pos", "spectral-reg"):
            raise ValueError(variant)
        self.variant, self.expression = variant, expression

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Spectral embedding of the training graph and its edge classifier."""
        emb, clf, extra = E.spectral_method(self.variant, inputs.a_train, inputs.split,
                                            inputs.cfg.dim, inputs.seed)
        if self.expression:
            emb = E.with_expression(emb, inputs.profiles)
            clf = E.EdgeClassifier.fit(emb, inputs.split, inputs.seed)
        return self._set(emb, clf, inputs.split, tau=extra.get("tau"))

    @property
    def tau(self) -> float:
        """The regularisation τ this fit chose (0 for the unregularised variants)."""
        return float(getattr(self.report_, "tau", None) or 0.0)


def memberships(inputs: SplitInputs) -> sp.csr_matrix:
    """Genes × super nodes (pathways, drugs, cell lines), 0/1, from the KG context."""
    kg = inputs.kg
    m = sp.hstack([kg.membership[k] for k in sorted(kg.membership)]).tocsr()
    m.data[:] = 1.0
    return m


class SpectralKG(EmbeddingPredictor):
    """Regularised spectral embedding of the training network JOINED with the knowledge
    graph: genes and super nodes (pathways, drug targets, cell-line mutations) in one
    adjacency [[A_train, M], [Mᵀ, 0]]. A gene with no training edge still gets a position
    from its memberships, so the edge classifier can rank pairs the network alone cannot
    (human: a quarter of test positives touch such a gene). τ and C picked on validation;
    the test pairs are never an edge of the joined graph."""

    kind = "spectral+kg"

    def __init__(self, name: str = "spectral+kg") -> None:
        super().__init__(name)

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Embed the joined graph; keep the gene rows."""
        m = memberships(inputs)
        if m.shape[1] == 0 or m.nnz == 0:
            raise GenekgError("spectral+kg needs pathway, drug or cell-line data for these "
                              "genes")
        joint = sp.bmat([[inputs.a_train, m], [m.T, None]], format="csr")
        # The classifier reads only gene rows (every pair is a gene pair), so the one fitted
        # on the joint embedding is the one for its gene rows.
        emb, clf, extra = E.spectral_method("spectral-reg", joint, inputs.split,
                                            inputs.cfg.dim, inputs.seed)
        n = inputs.a_train.shape[0]
        return self._set(emb[:n], clf, inputs.split, tau=extra.get("tau"),
                         super_nodes=int(m.shape[1]))


class GDSEmbedding(EmbeddingPredictor):
    """node2vec / DeepWalk / FastRP computed by GDS on a projection of the training edges
    (shared by every GDS method of the split), optionally joined with expression."""

    kind = "gds"

    def __init__(self, name: str, algorithm: str, expression: bool = False) -> None:
        super().__init__(name)
        self.algorithm, self.expression = algorithm, expression

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Project once per split, embed once per algorithm, fit the edge classifier."""
        store = inputs.store
        if store is None:
            raise GenekgError("GDS methods need a database connection")
        if self.algorithm not in cache.gds_embeddings:
            if cache.gds_graph is None:
                cache.gds_graph = G.project_training_graph(store, inputs.network.genes,
                                                           inputs.split.train)
            cache.gds_embeddings[self.algorithm] = G.gds_embedding(
                store, cache.gds_graph, inputs.network.genes, self.algorithm,
                dim=inputs.cfg.dim, seed=inputs.seed)
        emb = cache.gds_embeddings[self.algorithm]
        if self.expression:
            emb = E.with_expression(emb, inputs.profiles)
        return self._set(emb, E.EdgeClassifier.fit(emb, inputs.split, inputs.seed),
                         inputs.split)


@dataclass
class GNEReport(EmbeddingReport):
    """GNE: training history and the ensemble's members."""

    epochs: int = 0
    best_epoch: int = 0
    best_val_auroc: float = float("nan")  # GNE's own early-stopping signal (first model)
    seconds_per_epoch: float = 0.0
    ensemble: int = 1
    member_val_auroc: list[float] = field(default_factory=list)
    lam: float = 0.0  # λ of the attribute branch
    genes_with_attributes: int | None = None
    history: list[dict[str, float]] = field(default_factory=list)


class GNE(EmbeddingPredictor):
    """GNE, topology only (λ = 0) or with expression (`expression`: the config's λ);
    `ensemble` models with other seeds averaged by their logits (default: the config's,
    else 1 — the paper's single model)."""

    kind = "gne"
    report_cls: ClassVar[type[EmbeddingReport]] = GNEReport

    def __init__(self, name: str = "gne", ensemble: int | None = None,
                 expression: bool = False) -> None:
        super().__init__(name)
        self.ensemble, self.expression = ensemble, expression
        self.first_: Any = None  # the first member's TrainResult (its weights: model.pt)

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Train GNE (and the ensemble's other members) on the training edges."""
        prof = inputs.profiles if self.expression else None
        if self.expression and prof is None:
            raise GenekgError(f"{self.name} needs expression profiles", hint="pass --dataset")
        cfg = replace(inputs.cfg, lam=inputs.cfg.lam if prof is not None else 0.0)
        first = E.fit_gne(inputs.split, cfg, seed=inputs.seed, profiles=prof,
                          device=inputs.device, on_epoch=inputs.on_epoch)
        n = self.ensemble or inputs.cfg.ensemble or 1
        return self._members(inputs, first, cfg, prof, n)

    def _members(self, inputs: SplitInputs, first: Any, cfg: GNEConfig,
                 profiles: Profiles | None, n: int, **fields: Any) -> Self:
        """`first` plus n-1 more GNE models of the same config with other seeds; each gets
        its own validation-fitted edge classifier and the ensemble scores by their mean
        logit (`EdgeClassifier.mean_logit` over the concatenated embeddings)."""
        trs = [first]
        for j in range(1, n):
            # a distinct, reproducible seed per member (one --seed fixes them all)
            trs.append(E.fit_gne(inputs.split, cfg, seed=inputs.seed + j * 7919,
                                 profiles=profiles, device=inputs.device,
                                 on_epoch=inputs.on_epoch))
        clfs = [E.EdgeClassifier.fit(t.embeddings, inputs.split, inputs.seed) for t in trs]
        emb = np.hstack([t.embeddings for t in trs]) if n > 1 else first.embeddings
        clf = E.EdgeClassifier.mean_logit(clfs) if n > 1 else clfs[0]
        self.first_ = first
        return self._set(emb, clf, inputs.split, epochs=len(first.history),
                         best_epoch=int(first.best_epoch),
                         best_val_auroc=float(first.best_val_auroc),
                         seconds_per_epoch=float(first.seconds_per_epoch), ensemble=n,
                         member_val_auroc=[round(c.val_auroc, 5) for c in clfs] if n > 1
                         else [], lam=float(cfg.lam if profiles is not None else 0.0),
                         history=list(first.history), **fields)

    def save(self, folder: Path) -> None:
        """The embedding form plus the first member's weights (model.pt)."""
        super().save(folder)
        if self.first_ is not None and self.first_.model is not None:
            import torch

            torch.save(self.first_.model.state_dict(), folder / "model.pt")


# λ of gne+kg, picked on validation (with the configured λ if it is another): human,
# seeds 1-2, validation picked 3 in 3 of 4 splits; λ=10 lost on validation everywhere.
KG_LAMBDAS = (1.0, 3.0)
# gne+kg trains this many GNE models (seeds differ, λ of the first) and averages their
# logits. Single models on sparse human vary by ±0.006 AUROC from seed to seed; human,
# 5 seeds (benchmarks/RESULTS.md, human_gne), one model → three: uniform 0.773 → 0.791,
# degree-matched 0.791 → 0.808 (spectral-reg 0.776 / 0.740). Each model costs ~20 s there.
KG_ENSEMBLE = 3


def kg_attributes(inputs: SplitInputs, dim: int = 64) -> Profiles:
    """Knowledge-graph attribute vectors for GNE's attribute branch.

    Each gene's pathway, drug-target and cell-line memberships (one 0/1 column per super
    node), reduced to `dim` columns by a seeded truncated SVD and z-scored per gene.
    Genes with no membership keep a masked branch (like genes without an expression
    profile), so a gene without training edges is still placed by what the graph knows.
    """
    from sklearn.decomposition import TruncatedSVD

    m = memberships(inputs)
    has = np.asarray(m.getnnz(axis=1) > 0)
    if m.shape[1] < 3 or not has.any():
        raise GenekgError("gne+kg needs pathway, drug or cell-line data for these genes",
                          hint="genekg ingest kegg …, drugs …, cell-lines …")
    k = min(dim, m.shape[1] - 1)
    x = TruncatedSVD(k, random_state=inputs.seed).fit_transform(m.astype(np.float64))
    return Profiles("knowledge-graph", standardise(x, has), has, k)


class GNEKG(GNE):
    """GNE with the knowledge-graph memberships as attributes: λ picked on validation from
    KG_LAMBDAS (and the configured λ), then an ensemble of KG_ENSEMBLE models."""

    kind = "gne+kg"

    def __init__(self, name: str = "gne+kg", ensemble: int | None = None) -> None:
        super().__init__(name, ensemble)

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Pick λ on validation, then train the ensemble with it."""
        prof = kg_attributes(inputs)
        best: tuple[GNEConfig, Any] | None = None
        for lam in sorted({*KG_LAMBDAS, *([inputs.cfg.lam] if inputs.cfg.lam > 0 else [])}):
            cfg = replace(inputs.cfg, lam=lam)
            tr = E.fit_gne(inputs.split, cfg, seed=inputs.seed, profiles=prof,
                           device=inputs.device, on_epoch=inputs.on_epoch)
            if best is None or tr.best_val_auroc > best[1].best_val_auroc:
                best = (cfg, tr)
        assert best is not None
        n = self.ensemble or inputs.cfg.ensemble or KG_ENSEMBLE
        return self._members(inputs, best[1], best[0], prof, n,
                             genes_with_attributes=int(prof.has_profile.sum()))
