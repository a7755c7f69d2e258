"""`stack`: gradient boosting over path, embedding and knowledge-graph features of a pair.

Leakage rule (the choice, and why): every feature is computed on the TRAINING graph, and
the booster is fitted on the VALIDATION pairs only, with K-fold cross-fitting. Validation
edges are not in the training graph, so no pair's features see its own edge (a booster
fitted on training edges would: every training positive's path scores count the edge
itself — 0.952 vs 0.978 AUROC on E. coli, docs/peers.md). Hyper-parameters are picked by
out-of-fold AUROC on the validation pairs; test pairs are scored by the average of the K
fold models and are never seen by any fit or choice.

Learner: `genekg.linkpred.boosters`. Stage 1's depth: `genekg.linkpred.stage1`. Features
(`genekg.linkpred.pairfeatures`): the path scores of `genekg.linkpred.scores` (L3, A³, CN,
AA, RA, Jaccard, PA) and their degree-normalised forms, log degrees, the products of the
pair's rank-16 spectral coordinates, the score of each embedding member as a logit
(spectral-reg; where the knowledge graph has data also spectral+kg, the network joined
with pathways, drugs and cell lines; optionally GNE), the knowledge-graph context of
`genekg.linkpred.kgcontext`, network and knowledge graph together (`partner_super_ra`:
training partners of one gene that share a pathway, drug or cell line with the other), and
the expression correlation when a dataset is given.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.graphdata import pull_profiles
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

# Runs saved before the boosters had a module of their own pickled StackModel as
# genekg.linkpred.stack.StackModel: the name stays here so that they still load.
from genekg.linkpred.boosters import StackModel as StackModel
from genekg.linkpred.boosters import booster_threads, fit_boosters
from genekg.linkpred.kgcontext import GeneContext, pull_context
from genekg.linkpred.pairfeatures import HADAMARD_RANK, PairFeatures, spectral_ladder
from genekg.linkpred.stage1 import PairMemo, search_stage1


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
                 drop: tuple[str, ...] = (), richer: bool = True, shuffle_labels: bool = False,
                 generators: tuple[str, ...] = STACK_GENERATORS,
                 hard_negatives: int = 0, relative: bool = False,
                 stage1_ks: tuple[int, ...] = (), global_top: bool = False,
                 stage1_global: tuple[bool, ...] = (), cascade: str | None = None) -> None:
        super().__init__(name)
        self.cascade = cascade
        self.global_top, self.stage1_global = global_top, stage1_global
        self.hard_negatives, self.relative, self.stage1_ks = hard_negatives, relative, stage1_ks
        self.members, self.kg_members, self.plain_members = members, kg_members, plain_members
        self.knowledge_graph, self.drop, self.richer = knowledge_graph, drop, richer
        self.shuffle_labels, self.generators = shuffle_labels, generators

    # ------------------------------------------------------------------------ fitting
    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Boosters cross-fitted on the validation pairs (features on the training graph;
        with `hard_negatives`, also on non-edges stage 1 ranks high). `shuffle_labels`
        permutes the labels the booster learns from: the sanity check that a learned
        method without labels is at chance. (Fitting on training edges featurised with
        their own fold masked was measured worse on E. coli, 0.952 vs 0.978 AUROC:
        docs/peers.md.)"""
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
            model, oof = fit_boosters(x, ya, self.feats_.names, inputs.seed, step=cache.step)
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
        validation edges best (`stage1.search_stage1`)."""
        # nested rungs share most pairs: featurise and score each pair once, and compute
        # each block of a member that memoises its blocks (gcn-rank) once
        with ExitStack() as stack:
            for m in self.members_.values():
                memo = getattr(m, "block_memo", None)
                if memo is not None:
                    stack.enter_context(memo())
            choice = search_stage1(self.with_global_top, inputs.split, self.stage1_ks,
                                   self.stage1_global or (self.global_top,),
                                   PairMemo(self.honest_score, self.n_genes),
                                   lambda msg: cache.step(f"{self.name}: {msg}"))
        self.stage1_k_, self.global_top = choice.rung.k, choice.rung.global_top
        self.val_retrieval_ = choice.result
        self.report_.stage1 = choice.table
        self.report_.stage1_k, self.report_.stage1_global = choice.rung.k, choice.rung.global_top

    def with_global_top(self, global_top: bool) -> Stack:
        """This fitted stack with each generator's global top joining stage 1 or not (a
        shallow copy: the fit is shared, this stack is left as it is)."""
        view = copy.copy(self)
        view.global_top = global_top
        return view

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

