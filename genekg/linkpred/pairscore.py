"""Heuristic scores on the training graph (L3, A³, CN, AA, RA, Jaccard, PA, HPI) as
predictors: nothing is learned, the fitted state is the training adjacency itself, so a
run of one of them is its training edges (`train.npz`) and predicts the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Self

import numpy as np
import scipy.sparse as sp

from genekg.db.store import GraphStore
from genekg.linkpred import scores as S
from genekg.linkpred.base import (
    LinkPredictor,
    Report,
    SplitCache,
    SplitInputs,
    load_adjacency,
    save_adjacency,
)
from genekg.linkpred.hub_promoted import hub_promoted

PairScore = Callable[[sp.csr_matrix, np.ndarray], np.ndarray]
# The heuristics by name; `hpi` is its own module (a one-line score added to the table).
HEURISTICS: dict[str, PairScore] = {**S.PAIR_SCORES, "hpi": hub_promoted}


class PairScorePredictor(LinkPredictor):
    """A heuristic pair score computed on the training adjacency."""

    kind = "pair-score"

    a_: sp.csr_matrix

    def __init__(self, name: str, heuristic: str | None = None) -> None:
        # the algorithm is a stored parameter, not the table name: a renamed table entry
        # (or a run saved under another name) still computes what it was fitted as
        self.heuristic = heuristic or name
        if self.heuristic not in HEURISTICS:
            raise KeyError(self.heuristic)
        super().__init__(name)
        self.val_auroc_ = float("nan")

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Nothing to learn: keep the training adjacency (never validation or test)."""
        self.a_ = inputs.a_train
        self.val_auroc_ = self.val_auroc(inputs.split) if len(inputs.split.val_pos) else \
            float("nan")
        return self

    @property
    def n_genes(self) -> int:
        """Genes of the training graph."""
        return int(self.a_.shape[0])

    def score(self, pairs: np.ndarray) -> np.ndarray:
        """The heuristic of each pair on the training graph."""
        return HEURISTICS[self.heuristic](self.a_, pairs)

    @property
    def exhaustive(self) -> bool:
        """Sparse row products score a block of genes against all: rank every pair."""
        return True

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """(row gene, every gene) from sparse row products."""
        return S.block_scores(self.heuristic, self.a_, rows)

    def report(self) -> Report:
        """Validation AUROC only: a heuristic chooses nothing."""
        return Report(self.name, self.val_auroc_)

    def save(self, folder: Path) -> None:
        """train.npz: the training edges and the number of genes."""
        save_adjacency(folder / "train.npz", self.a_)
        (folder / "report.json").write_text(json.dumps(self.report().to_dict()))
        (folder / "params.json").write_text(json.dumps({"heuristic": self.heuristic}))

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """The heuristic on the stored training edges."""
        rep = json.loads((folder / "report.json").read_text())
        params = json.loads((folder / "params.json").read_text())
        self = cls(rep["method"], heuristic=params["heuristic"])
        self.a_ = load_adjacency(folder / "train.npz")
        self.val_auroc_ = float(rep["val_auroc"])
        return self
