"""The stack's features of a gene pair, all computed on the TRAINING graph: path scores
and their degree-normalised forms, node context of both ends, the pair's spectral
coordinate products, each embedding member's score as a logit, the knowledge-graph context
(`genekg.linkpred.kgcontext`), training partners of one gene that share a pathway, drug or
cell line with the other (`partner_super_ra`), and the expression correlation where a
dataset is given (`PairFeatures`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np
import scipy.sparse as sp

from genekg.features.similarity import spectral_embedding
from genekg.linkpred import evaluate as E
from genekg.linkpred import scores as S
from genekg.linkpred.base import SplitCache, SplitInputs
from genekg.linkpred.kgcontext import FEATURES as KG_FEATURES
from genekg.linkpred.kgcontext import GeneContext, pair_features
from genekg.linkpred.ranking import RowMax, rank_pass

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
        best = {h: RowMax(n) for h in RELATIVE_SCORES}
        for h, top in best.items():  # the gene itself and its partners are not ranked
            rank_pass(partial(S.block_scores, h, self.a_train), n, [top],
                      exclude=self.a_train)
        return {h: top.best for h, top in best.items()}

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
        full = spectral_embedding(inputs.a_train, max(RANKS), inputs.seed, spectrum="magnitude",
                                  tau=tau)
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

