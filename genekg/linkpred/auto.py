"""`auto`: per network, the candidate with the best validation AUROC.

The candidates are given (the method table passes spectral-reg and the stack); each is
fitted on the same split through the split's cache and judged on the validation pairs
only (the stack by its out-of-fold AUROC, which is honest; spectral-reg also used those
pairs to pick τ and C, a small optimistic bias in its favour). The choice and every
candidate's validation AUROC are in its report, saved with the run and printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.linkpred.base import (
    LinkPredictor,
    Report,
    SplitCache,
    SplitInputs,
    load_predictor,
    save_predictor,
)
from genekg.linkpred.split import EdgeSplit


@dataclass
class AutoReport(Report):
    """Which candidate `auto` kept, every candidate's validation AUROC, and the kept
    candidate's own report."""

    chosen: str = ""
    candidates: dict[str, float] = field(default_factory=dict)
    chosen_report: dict[str, Any] = field(default_factory=dict)


class Auto(LinkPredictor):
    """The best of `candidates` by validation AUROC (ties: the earlier candidate)."""

    kind = "auto"

    def __init__(self, name: str = "auto", candidates: tuple[LinkPredictor, ...] = ()) -> None:
        super().__init__(name)
        self.candidates_given = candidates

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Fit every candidate (shared with the split's other methods); keep the best."""
        if not self.candidates_given:
            raise GenekgError("auto needs at least one candidate method")
        fitted = [cache.fit(c, inputs) for c in self.candidates_given]
        scored = {c.name: c.val_auroc(inputs.split) for c in fitted}
        best = max(range(len(fitted)), key=lambda i: (scored[fitted[i].name], -i))
        self.chosen_ = fitted[best]
        self.val_scores_ = self.chosen_.validation(inputs.split)[0]
        self.report_ = AutoReport(self.name, scored[self.chosen_.name], self.chosen_.name,
                                  {k: round(v, 5) for k, v in scored.items()},
                                  self.chosen_.report().to_dict())
        return self

    @property
    def n_genes(self) -> int:
        """Genes of the chosen candidate."""
        return self.chosen_.n_genes

    @property
    def exhaustive(self) -> bool:
        """As the chosen candidate."""
        return self.chosen_.exhaustive

    def score(self, pairs: np.ndarray) -> np.ndarray:
        """The chosen candidate's scores."""
        return self.chosen_.score(pairs)

    def honest_score(self, pairs: np.ndarray) -> np.ndarray:
        """The chosen candidate's."""
        return self.chosen_.honest_score(pairs)

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """The chosen candidate's scores of (row gene, every gene)."""
        return self.chosen_.block_scores(rows)

    def candidates(self, k: int, rows: np.ndarray | None = None,
                   exclude: sp.csr_matrix | None = None) -> np.ndarray:
        """The chosen candidate's stage 1."""
        return self.chosen_.candidates(k, rows, exclude)

    def gene_embedding(self) -> np.ndarray | None:
        """The chosen candidate's."""
        return self.chosen_.gene_embedding()

    def validation(self, split: EdgeSplit) -> tuple[np.ndarray, np.ndarray]:
        """The chosen candidate's (honest) validation scores."""
        return self.chosen_.validation(split)

    def report(self) -> AutoReport:
        """The choice and why."""
        return self.report_

    def save(self, folder: Path) -> None:
        """report.json and the chosen candidate in chosen/."""
        save_predictor(self.chosen_, folder / "chosen")
        (folder / "report.json").write_text(json.dumps(self.report_.to_dict(), default=float))

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """The saved choice, loaded as its own class."""
        self = cls()
        self.report_ = AutoReport(**json.loads((folder / "report.json").read_text()))
        self.name = self.report_.method
        self.chosen_ = load_predictor(folder / "chosen", store,
                                      allow_changed_graph=allow_changed_graph)
        self.notes_ = self.chosen_.notes_
        return self
