"""`auto`: per network, the candidate that ranks held-out validation edges best.

The candidates are given (the method table passes spectral-reg, stack-rank+gcn,
gcn-rank and L3, and spectral+kg where the knowledge graph has data); each is fitted on
the same split through the split's cache and judged on the validation edges only, the
way a curator reads the result: each validation edge ranked among all candidate pairs
(every pair that is not a training edge) through predict's own path with honest scores
(`retrieval.validation_retrieval`: the stack's pairs it learned from by their out-of-fold
scores). The criterion is the geometric mean of the filtered MRR of each gene's list and
the recall@1000 of the global list: a candidate must do well on both ways predictions are
read. spectral-reg also used the validation pairs to pick τ and C, a small optimistic bias
in its favour. Every candidate's numbers and the choice are in its report, saved with the
run and printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

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
from genekg.linkpred.retrieval import ranking_criterion, validation_retrieval
from genekg.linkpred.split import EdgeSplit

CRITERION = "sqrt(MRR x recall@1000) of validation edges among all candidates"


@dataclass
class AutoReport(Report):
    """Which candidate `auto` kept, every candidate's criterion and the numbers behind it
    (validation MRR, recall@1000, balanced AUROC), and the kept candidate's own report."""

    chosen: str = ""
    candidates: dict[str, float] = field(default_factory=dict)  # criterion by candidate
    chosen_report: Report | None = None  # the kept candidate's own (typed) report
    criterion: str = "validation AUROC"  # runs trained before the retrieval criterion
    retrieval: dict[str, dict[str, float]] = field(default_factory=dict)


class Auto(LinkPredictor):
    """The best of `candidates` (and of `kg_candidates` where the knowledge graph has data
    for the genes) by validation retrieval (ties: the earlier candidate)."""

    kind = "auto"

    def __init__(self, name: str = "auto", candidates: tuple[LinkPredictor, ...] = (),
                 kg_candidates: tuple[LinkPredictor, ...] = ()) -> None:
        super().__init__(name)
        self.candidates_given, self.kg_candidates = candidates, kg_candidates

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Fit every candidate (shared with the split's other methods); keep the best."""
        if not self.candidates_given:
            raise GenekgError("auto needs at least one candidate method")
        given = [*self.candidates_given, *(() if inputs.kg.empty else self.kg_candidates)]
        fitted = [cache.fit(c, inputs) for c in given]
        numbers: dict[str, dict[str, float]] = {}
        scored: dict[str, float] = {}
        for c in fitted:
            r = c.val_retrieval_  # measured in its fit at its own stage-1 K
            if r is None:
                cache.step(f"auto: ranking the validation edges by {c.name}")
                r = validation_retrieval(c, inputs.split)
            numbers[c.name] = {"mrr": r.mrr, "recall@1000": r.recall[1000],
                               "hits@10": r.hits10, "val_auroc": c.val_auroc(inputs.split)}
            scored[c.name] = ranking_criterion(r)
        best = max(range(len(fitted)), key=lambda i: (scored[fitted[i].name], -i))
        self.chosen_ = fitted[best]
        self.val_scores_ = self.chosen_.validation(inputs.split)[0]
        self.report_ = AutoReport(self.name, numbers[self.chosen_.name]["val_auroc"],
                                  self.chosen_.name,
                                  {k: round(v, 5) for k, v in scored.items()},
                                  self.chosen_.report(), CRITERION,
                                  {k: {m: round(v, 5) for m, v in d.items()}
                                   for k, d in numbers.items()})
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

    def tail_block(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """The chosen candidate's cascade (None: it has none)."""
        return self.chosen_.tail_block()

    def oof_pairs(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The chosen candidate's."""
        return self.chosen_.oof_pairs()

    @property
    def stage1_k(self) -> int:
        """The chosen candidate's."""
        return self.chosen_.stage1_k

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
        self.chosen_ = load_predictor(folder / "chosen", store,
                                      allow_changed_graph=allow_changed_graph)
        raw = json.loads((folder / "report.json").read_text())
        raw["chosen_report"] = self.chosen_.report()  # typed, from the chosen candidate
        self.report_ = AutoReport(**raw)
        self.name = self.report_.method
        self.notes_ = self.chosen_.notes_
        return self
