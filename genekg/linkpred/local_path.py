"""Local path index (Lü, Jin & Zhou, Phys. Rev. E 80:046122, 2009) with its weight learned.

LP(x, y) = (A²)_xy + ε (A³)_xy: common neighbours, with paths of length 3 as a tie-breaker
(ε small) or as the main signal (ε large — protein networks, where L3 beats CN). ε is
picked from EPSILONS by AUROC on the validation pairs, so the method leans towards
triangles or towards paths of length 3 as the network asks; the training adjacency and ε
are its fitted state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import numpy as np
from sklearn.metrics import roc_auc_score

from genekg.db.store import GraphStore
from genekg.linkpred import scores as S
from genekg.linkpred.base import (
    LinkPredictor,
    Report,
    SplitCache,
    SplitInputs,
    load_adjacency,
    save_adjacency,
    val_pairs,
)

EPSILONS = (0.0, 0.001, 0.01, 0.1, 1.0, 10.0)


@dataclass
class LocalPathReport(Report):
    """The weight of paths of length 3 chosen on validation."""

    epsilon: float = 0.0


class LocalPath(LinkPredictor):
    """CN + ε·A³ on the training graph, ε picked on validation."""

    kind = "local-path"

    def __init__(self, name: str = "lp") -> None:
        super().__init__(name)

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Pick ε by validation AUROC (the first of equals: the simpler, smaller ε)."""
        self.a_ = inputs.a_train
        pairs, y = val_pairs(inputs.split)
        cn, a3 = S.common_neighbours(self.a_, pairs), S.a3(self.a_, pairs)
        aucs = [roc_auc_score(y, cn + e * a3) if len(set(y.tolist())) == 2 else 0.0
                for e in EPSILONS]
        self.epsilon_ = EPSILONS[int(np.argmax(aucs))]
        self.report_ = LocalPathReport(self.name, float(max(aucs)), self.epsilon_)
        return self

    @property
    def n_genes(self) -> int:
        """Genes of the training graph."""
        return int(self.a_.shape[0])

    @property
    def exhaustive(self) -> bool:
        """Sparse row products score a block against all genes."""
        return True

    def score(self, pairs: np.ndarray) -> np.ndarray:
        """CN + ε·A³ of each pair."""
        return S.local_path_index(self.a_, pairs, beta=self.epsilon_)

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """(row gene, every gene)."""
        return (S.block_scores("cn", self.a_, rows)
                + self.epsilon_ * S.block_scores("a3", self.a_, rows))

    def report(self) -> Report:
        """ε and its validation AUROC."""
        return self.report_

    def save(self, folder: Path) -> None:
        """train.npz (training edges) and report.json (ε)."""
        save_adjacency(folder / "train.npz", self.a_)
        (folder / "report.json").write_text(json.dumps(self.report_.to_dict()))

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """The stored training edges and ε."""
        self = cls()
        self.report_ = LocalPathReport(**json.loads((folder / "report.json").read_text()))
        self.name, self.epsilon_ = self.report_.method, self.report_.epsilon
        self.a_ = load_adjacency(folder / "train.npz")
        return self
