"""The link-predictor contract: one object per method that train, evaluate and predict share.

A `LinkPredictor` follows scikit-learn's estimator rules: `__init__` stores parameters,
`fit(inputs, cache)` learns from one split and returns `self`, fitted state ends in `_`.
A fitted predictor scores any index pairs (`score`), proposes each gene's best partners
for predict's stage 1 (`candidates`), says what it chose (`report`, a typed dataclass per
method) and persists itself (`save(folder)` / `load(folder, store)`), so a run folder
holds the predictor itself rather than strings that train and predict must agree on.

`SplitInputs` is what a method may read (frozen: the split, the training graph, the
knowledge-graph context, profiles, the store, the seed); `SplitCache` is what methods fitted
on the same split share (fitted members by name, the spectral ladder, the GDS projection),
as named attributes.

Every concrete predictor class registers itself under its `kind` (`__init_subclass__`,
the PyKEEN pattern). This module imports nothing above it: `genekg.linkpred.methods`
imports every predictor class (so every kind is registered) and is where callers load a
saved predictor from; `stack` and `auto` load their members through this module's
`load_predictor`, by which time the method table has registered every kind.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.metrics import roc_auc_score

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.graphdata import Network, Profiles
from genekg.linkpred import scores as S
from genekg.linkpred.evaluate import Classifier, EdgeClassifier
from genekg.linkpred.kgcontext import GeneContext, build_context, pull_context
from genekg.linkpred.ranking import GlobalTopK, PerGeneTopK, rank_pass
from genekg.linkpred.split import EdgeSplit

EpochFn = Callable[[int, float, float], None]
PREDICTOR_FILE = "predictor.json"
# Stage 1 of predict for a predictor that cannot score every pair (a stack): the union of
# each gene's top-K partners by each of its generators; K is this unless its fit chose one.
STAGE1_K = 50

logger = logging.getLogger("genekg.linkpred")


def val_pairs(split: EdgeSplit) -> tuple[np.ndarray, np.ndarray]:
    """Validation pairs (positives first) and their labels."""
    pairs = np.vstack([split.val_pos, split.val_neg]).reshape(-1, 2)
    return pairs, np.r_[np.ones(len(split.val_pos)), np.zeros(len(split.val_neg))]


@dataclass(frozen=True)
class SplitInputs:
    """What a method may look at for one split. Graph features read `a_train` only."""

    network: Network
    split: EdgeSplit
    seed: int
    cfg: GNEConfig = field(default_factory=GNEConfig)
    profiles: Profiles | None = None
    store: GraphStore | None = None
    device: str = "auto"
    gene_context: GeneContext | None = None  # given, else pulled from `store` on first use
    on_epoch: EpochFn | None = None

    @cached_property
    def a_train(self) -> sp.csr_matrix:
        """Adjacency of the training edges (never validation or test)."""
        return S.adjacency(self.split.train, self.split.n_nodes)

    @cached_property
    def kg(self) -> GeneContext:
        """Knowledge-graph context of the network's genes (empty without a store)."""
        if self.gene_context is not None:
            return self.gene_context
        genes = self.network.genes
        return pull_context(self.store, genes) if self.store is not None \
            else build_context(genes, [])


P = TypeVar("P", bound="LinkPredictor")


@dataclass
class SplitCache:
    """What the methods fitted on one split share (one cache per split)."""

    # fitted predictors by method name: a stack or `auto` reuses its members' fits
    fitted: dict[str, LinkPredictor] = field(default_factory=dict)
    # spectral-reg at several ranks: rank -> (embedding columns, validation-fitted classifier)
    spectral_ladder: dict[int, tuple[np.ndarray, EdgeClassifier]] | None = None
    gds_graph: str | None = None  # the GDS projection of the training edges
    gds_embeddings: dict[str, np.ndarray] = field(default_factory=dict)  # by algorithm
    # Told what is happening: "fitting <name>", "<name> fitted in 12.3 s", and the steps
    # long fits report themselves (a stack's booster grid points).
    on_fit: Callable[[str], None] | None = None

    def step(self, message: str) -> None:
        """Report one step of the work on this split (a terminal line and a log line)."""
        logger.info(message)
        if self.on_fit is not None:
            self.on_fit(message)

    def fit(self, predictor: P, inputs: SplitInputs) -> P:
        """`predictor` fitted on this split, or the one of the same name fitted before."""
        done = self.fitted.get(predictor.name)
        if done is not None:
            if type(done) is not type(predictor):
                raise GenekgError(f"two different methods are named {predictor.name!r}")
            return done  # type: ignore[return-value]  # same class, checked above
        self.step(f"fitting {predictor.name}")
        t0 = time.monotonic()
        self.fitted[predictor.name] = predictor.fit(inputs, self)
        self.step(f"{predictor.name} fitted in {time.monotonic() - t0:.1f} s")
        return predictor

    def close(self, store: GraphStore | None) -> None:
        """Drop the GDS projection of this split, if one was made."""
        if self.gds_graph is not None and store is not None:
            store.run("gds/drop", {"name": self.gds_graph})
            self.gds_graph = None


@dataclass
class Report:
    """What a fitted method records about itself (shown by the CLI, stored in run.json)."""

    method: str
    val_auroc: float

    def summary(self) -> dict[str, Any]:
        """Scalar fields only (table rows, results.csv)."""
        return {k: v for k, v in asdict(self).items()
                if isinstance(v, (int, float, str, bool)) or v is None}

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready."""
        return asdict(self)


_KINDS: dict[str, type[LinkPredictor]] = {}


class LinkPredictor(ABC):
    """A link-prediction method. Higher scores mean more likely to interact."""

    kind: ClassVar[str] = ""  # registry key of the class (saved in predictor.json)
    val_scores_: np.ndarray | None = None  # honest validation scores (e.g. out-of-fold)
    # pairs the predictor was fitted on as labelled examples (the stack's validation pairs
    # and hard negatives) with their out-of-fold scores: what honest ranking reads for them
    fitted_pairs_: tuple[np.ndarray, np.ndarray] | None = None
    # the validation ranking (retrieval.RetrievalResult) measured during fit, if any:
    # `auto` reads it instead of ranking the validation edges again
    val_retrieval_: Any = None
    notes_: tuple[str, ...] = ()  # what `load` wants the user told (e.g. a changed graph)

    def __init__(self, name: str) -> None:
        self.name = name

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.__dict__.get("kind"):  # a class that declares its own kind is loadable
            if cls.kind in _KINDS and _KINDS[cls.kind] is not cls:
                raise TypeError(f"predictor kind {cls.kind!r} registered twice")
            _KINDS[cls.kind] = cls

    @abstractmethod
    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Learn from the split's training graph (and validation pairs); return self."""

    @abstractmethod
    def score(self, pairs: np.ndarray) -> np.ndarray:
        """Scores of index pairs (n, 2)."""

    @abstractmethod
    def report(self) -> Report:
        """What was chosen and measured during `fit`."""

    @abstractmethod
    def save(self, folder: Path) -> None:
        """Write the fitted state into `folder` (exists, empty)."""

    @classmethod
    @abstractmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """A fitted predictor from `folder` (written by `save`)."""

    # ---------------------------------------------------------------- shared behaviour
    @property
    def n_genes(self) -> int:
        """Genes the predictor was fitted on (index space of its pairs)."""
        raise NotImplementedError

    @property
    def exhaustive(self) -> bool:
        """True when every pair can be scored cheaply (`block_scores`): predict then ranks
        all candidate pairs; otherwise it re-ranks `candidates`."""
        return False

    @property
    def stage1_k(self) -> int:
        """Partners per gene and generator that stage 1 admits (non-exhaustive predictors)."""
        return STAGE1_K

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """Scores of (row gene, every gene), shape (len(rows), n_genes)."""
        n = self.n_genes
        i = np.repeat(rows, n)
        j = np.tile(np.arange(n), len(rows))
        return self.score(np.column_stack([i, j])).reshape(len(rows), n)

    def candidates(self, k: int, rows: np.ndarray | None = None,
                   exclude: sp.csr_matrix | None = None) -> np.ndarray:
        """Stage 1 of predict: each gene's (of `rows`, default all) top-k partners by this
        method, pairs in `exclude` and self-pairs left out; unique pairs (i < j)."""
        return top_k_per_gene(self.block_scores, self.n_genes, k, rows, exclude)

    def gene_embedding(self) -> np.ndarray | None:
        """A gene embedding that stands for this predictor (`genekg embeddings export`),
        or None."""
        return None

    def tail_block(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """For a predictor that ranks a stage 1 (`exhaustive` False): the exhaustive
        scorer that orders every pair stage 1 does not admit, below all admitted ones
        (the cascade), or None (those pairs are not ranked)."""
        return None

    def honest_score(self, pairs: np.ndarray) -> np.ndarray:
        """Scores on the footing of `validation()`'s: what a run's expected precision is
        read with. The same as `score` unless the method's validation scores are
        out-of-fold (the stack: one fold model per pair, not the average of all)."""
        return self.score(pairs)

    def oof_pairs(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(pairs, out-of-fold scores) of the labelled pairs the fit learned from, or None
        (nothing learned from pairs, or not known after loading a run)."""
        return self.fitted_pairs_

    def validation(self, split: EdgeSplit) -> tuple[np.ndarray, np.ndarray]:
        """(scores, labels) on the validation pairs; out-of-fold where the method has them."""
        pairs, y = val_pairs(split)
        if self.val_scores_ is None:
            self.val_scores_ = self.score(pairs) if len(pairs) else np.empty(0)
        return self.val_scores_, y

    def val_auroc(self, split: EdgeSplit) -> float:
        """AUROC on the validation pairs (NaN without both classes)."""
        s, y = self.validation(split)
        return float(roc_auc_score(y, s)) if len(set(y.tolist())) == 2 else float("nan")


def top_k_per_gene(block: Callable[[np.ndarray], np.ndarray], n: int, k: int,
                   rows: np.ndarray | None = None, exclude: sp.csr_matrix | None = None,
                   step: int = 256, ties_propose: bool = False) -> np.ndarray:
    """Unique pairs (i < j): for each gene i of `rows`, its k best partners j by `block`
    (scores of row genes against all genes), excluding `exclude` and i itself: one
    `rank_pass` with a `PerGeneTopK` (a row whose candidates all score alike proposes
    none unless `ties_propose`). Memory O(step · n + |rows| · k)."""
    top = PerGeneTopK(n, k, ties_propose=ties_propose)
    rank_pass(block, n, [top], rows=rows, exclude=exclude, step=step)
    return top.result()[0]


def top_pairs_global(block: Callable[[np.ndarray], np.ndarray], n: int, m: int,
                     exclude: sp.csr_matrix | None = None, step: int = 256) -> np.ndarray:
    """Unique pairs (i < j): the `m` best pairs of the whole list by `block`, excluding
    `exclude` and self-pairs: one `rank_pass` with a `GlobalTopK`. Memory O(step · n + m)."""
    top = GlobalTopK(n, m)
    rank_pass(block, n, [top], exclude=exclude, step=step)
    return top.result()[0]


# -------------------------------------------------------------- the stored embedding form
@dataclass
class EmbeddingReport(Report):
    """An embedding method: the classifier's L2 strength and what it picked."""

    C: float = float("nan")
    tau: float | None = None  # spectral-reg: regularisation picked on validation
    super_nodes: int | None = None  # spectral+kg: pathways, drugs, cell lines joined


class EmbeddingPredictor(LinkPredictor):
    """Gene embedding + edge classifier folded into a bilinear form p = σ((y_i⊙w)·y_j + b).

    The fitted form of every embedding method (spectral, GDS, GNE) and the form they are
    saved and loaded in; subclasses only compute the embedding in `fit` (`_set`)."""

    kind = "embedding"
    report_cls: ClassVar[type[EmbeddingReport]] = EmbeddingReport

    embedding_: np.ndarray
    classifier_: Classifier
    report_: Report

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Subclasses compute an embedding; this base is only loaded, never fitted."""
        raise GenekgError(f"{self.name}: a stored embedding predictor cannot be refitted")

    def _set(self, emb: np.ndarray, clf: EdgeClassifier, split: EdgeSplit,
             **fields: Any) -> Self:
        """Keep the embedding and the classifier's bilinear form (the form that is saved,
        so a loaded run scores exactly as the fitted one); the report's validation AUROC
        is measured on those scores."""
        self.embedding_ = np.asarray(emb, dtype=np.float64)
        self.classifier_ = clf.bilinear()
        self.val_scores_ = None
        auc = self.val_auroc(split) if len(split.val_pos) else float("nan")
        self.report_ = self.report_cls(method=self.name, val_auroc=auc, C=clf.c, **fields)
        return self

    @property
    def n_genes(self) -> int:
        """Rows of the embedding."""
        return int(self.embedding_.shape[0])

    @property
    def exhaustive(self) -> bool:
        """Bilinear: one matrix product scores a block of genes against all."""
        return True

    def score(self, pairs: np.ndarray) -> np.ndarray:
        """Interaction probability (1:1 prior of the edge classifier)."""
        return self.classifier_.probability(self.embedding_, pairs)

    def gene_embedding(self) -> np.ndarray | None:
        """The embedding itself."""
        return self.embedding_

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """Probabilities of (row gene, every gene): one matrix product."""
        return np.asarray(expit(self.classifier_.logits_block(self.embedding_, rows)))

    def report(self) -> Report:
        """What `fit` chose (C, τ, GNE history, …)."""
        return self.report_

    def save(self, folder: Path) -> None:
        """embedding.npy (float64), classifier.npz (w, b), report.json."""
        np.save(folder / "embedding.npy", self.embedding_)
        np.savez(folder / "classifier.npz", w=self.classifier_.w, b=np.array([self.classifier_.b]))
        (folder / "report.json").write_text(json.dumps(self.report_.to_dict(), default=float))

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """The stored embedding and bilinear classifier (no torch, no database)."""
        self = cls.__new__(cls)
        rep = json.loads((folder / "report.json").read_text())
        LinkPredictor.__init__(self, rep["method"])
        self.embedding_ = np.load(folder / "embedding.npy")
        z = np.load(folder / "classifier.npz")
        self.classifier_ = Classifier(z["w"], float(z["b"][0]))
        self.report_ = cls.report_cls(**rep)
        return self


# -------------------------------------------------------------------------- persistence
def save_predictor(predictor: LinkPredictor, folder: Path) -> Path:
    """Save `predictor` into a new folder: predictor.json (its kind and name) + its files."""
    if not type(predictor).kind:
        raise GenekgError(f"{type(predictor).__name__} has no registered kind; cannot save")
    folder.mkdir(parents=True, exist_ok=False)
    predictor.save(folder)
    (folder / PREDICTOR_FILE).write_text(json.dumps({"kind": type(predictor).kind,
                                                     "name": predictor.name}))
    return folder


def load_predictor(folder: Path, store: GraphStore | None, *,
                   allow_changed_graph: bool = False) -> LinkPredictor:
    """The predictor saved in `folder` by `save_predictor`, as its own class."""
    try:
        meta = json.loads((folder / PREDICTOR_FILE).read_text())
    except FileNotFoundError:
        raise GenekgError(f"{folder} holds no saved predictor ({PREDICTOR_FILE})") from None
    cls = _KINDS.get(meta.get("kind", ""))
    if cls is None:
        raise GenekgError(f"{folder}: unknown predictor kind {meta.get('kind')!r}",
                          hint="Known: " + ", ".join(sorted(_KINDS)) + " (load runs through "
                          "genekg.linkpred.methods.load_predictor, which registers every kind)")
    pred = cls.load(folder, store, allow_changed_graph=allow_changed_graph)
    pred.name = meta["name"]
    return pred


def registered_kinds() -> dict[str, type[LinkPredictor]]:
    """Every registered predictor class by kind (for tests and `genekg methods`)."""
    return dict(_KINDS)


def save_adjacency(path: Path, a: sp.csr_matrix) -> None:
    """Store a symmetric adjacency as its upper-triangle edge list and size."""
    up = sp.triu(a, k=1).tocoo()
    np.savez_compressed(path, edges=np.column_stack([up.row, up.col]).astype(np.int64),
                        n=np.array([a.shape[0]]))


def load_adjacency(path: Path) -> sp.csr_matrix:
    """The adjacency stored by `save_adjacency`."""
    z = np.load(path)
    return S.adjacency(z["edges"], int(z["n"][0]))
