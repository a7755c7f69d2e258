"""Choosing stage 1 of a stack on validation edges: how many partners per gene each
generator proposes (K), and whether each generator's best K·n/2 pairs of the whole list
join them (a hub's many partners, which its own top-K cannot hold).

Each rung of the ladder is ranked the way predict ranks — the validation edges among all
candidates through `retrieval.stage_scores`, honest scores — and the rung with the best
`retrieval.ranking_criterion` wins. The search returns its choice (`Stage1Choice`); it
changes nothing of the stack it searches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from genekg.linkpred.base import LinkPredictor
from genekg.linkpred.retrieval import RetrievalResult, ranking_criterion, validation_retrieval
from genekg.linkpred.split import EdgeSplit, encode

Scorer = Callable[[np.ndarray], np.ndarray]


class PairMemo:
    """Scores of pairs (i < j) by `fn`, each pair computed once across calls: the rungs of
    the stage-1 ladder are nested, so most of a rung's pairs were scored by the one before."""

    def __init__(self, fn: Scorer, n: int) -> None:
        self.fn, self.n = fn, n
        self.codes, self.scores = np.empty(0, dtype=np.int64), np.empty(0)

    def __call__(self, pairs: np.ndarray) -> np.ndarray:
        """`fn(pairs)`, read from the memo for every pair scored before."""
        codes = encode(pairs, self.n)
        pos = np.searchsorted(self.codes, codes)
        known = np.zeros(len(codes), dtype=bool)
        if len(self.codes):
            known = self.codes[np.minimum(pos, len(self.codes) - 1)] == codes
        out = np.empty(len(pairs))
        out[known] = self.scores[pos[known]]
        if (~known).any():
            out[~known] = self.fn(pairs[~known])
            c, v = np.r_[self.codes, codes[~known]], np.r_[self.scores, out[~known]]
            order = np.argsort(c, kind="stable")
            self.codes, self.scores = c[order], v[order]
        return out


@dataclass(frozen=True)
class Rung:
    """One stage-1 setting: K partners per gene and generator, with or without each
    generator's global top."""

    k: int
    global_top: bool

    @property
    def name(self) -> str:
        """`10` or `10+global` (the key of the report's table)."""
        return f"{self.k}+global" if self.global_top else str(self.k)


@dataclass(frozen=True)
class Stage1Choice:
    """The rung chosen, its criterion and validation ranking, and every rung's numbers
    (rung name -> ceiling, MRR, recall@1000, criterion)."""

    rung: Rung
    criterion: float
    result: RetrievalResult
    table: dict[str, dict[str, float]]


def search_stage1(at: Callable[[bool], LinkPredictor], split: EdgeSplit, ks: Sequence[int],
                  global_tops: Sequence[bool], scorer: Scorer,
                  step: Callable[[str], None] | None = None) -> Stage1Choice:
    """Rank the validation edges of `split` with stage 1 at every rung of `ks` ×
    `global_tops` (`at(global_top)` is the predictor with that setting; `scorer` scores
    candidate pairs honestly, a `PairMemo` shared by the rungs); the best rung (ties: the
    first in ladder order)."""
    table: dict[str, dict[str, float]] = {}
    best: Stage1Choice | None = None
    for glob in global_tops:
        predictor = at(glob)
        for k in ks:
            rung = Rung(k, glob)
            if step is not None:
                step(f"stage 1 of {rung.name} partners per gene and generator: ranking the "
                     "validation edges")
            r = validation_retrieval(predictor, split, k, scorer=scorer)
            c = ranking_criterion(r)
            table[rung.name] = {"ceiling": r.ceiling, "mrr": r.mrr,
                                "recall@1000": r.recall[1000], "criterion": c}
            if best is None or c > best.criterion:
                best = Stage1Choice(rung, c, r, table)
    if best is None:
        raise ValueError("an empty stage-1 ladder")
    return best
