"""Calibration of pair scores on validation pairs (Platt scaling).

Platt scaling: a one-feature logistic regression on a monotone transform of the raw score
(logit for scores already in [0, 1], log(1 + s) for non-negative counts, the score itself
otherwise), fitted on the validation pairs. It keeps the ranking (AUROC/AUPR unchanged)
and maps scores to probabilities; isotonic regression was not chosen because its steps
tie many pairs at one probability, which a curator reads as "no difference".

The validation pairs are balanced (one non-edge per edge), so a calibrated probability is
P(interaction | score) at a 1:1 prior — comparable across methods and runs, and 0.5 means
"as likely an edge as a non-edge at that prior"; the per-run percentile says where a pair
stands among all candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

# logit of the smallest probability kept apart; scores below 0 (a cascade's tail,
# retrieval.tail_scores: -2..-1) continue below it in order, so predict's calibrated
# ranking keeps the tail scorer's order instead of tying every tail pair.
_LOGIT_FLOOR = float(np.log(1e-7 / (1 - 1e-7)))


def _transform(s: np.ndarray, kind: str) -> np.ndarray:
    s = np.nan_to_num(np.asarray(s, dtype=np.float64))
    if kind == "logit":
        p = np.clip(s, 1e-7, 1 - 1e-7)
        return np.where(s < 0, _LOGIT_FLOOR + 10.0 * s, np.log(p / (1 - p)))
    if kind == "log1p":
        return np.log1p(np.clip(s, 0.0, None))
    return s


@dataclass
class Calibrator:
    """p = σ(a · t(score) + b) with t chosen from the score's range."""

    kind: str
    a: float
    b: float

    @classmethod
    def fit(cls, scores: np.ndarray, y: np.ndarray) -> Calibrator:
        """Fit on validation scores and labels."""
        s = np.nan_to_num(np.asarray(scores, dtype=np.float64))
        kind = ("logit" if s.min(initial=0) >= 0 and s.max(initial=0) <= 1
                else "log1p" if s.min(initial=0) >= 0 else "identity")
        if len(set(np.asarray(y).tolist())) < 2:
            return cls(kind, 0.0, 0.0)
        lr = LogisticRegression(C=1e4, max_iter=1000).fit(_transform(s, kind)[:, None], y)
        return cls(kind, float(lr.coef_[0, 0]), float(lr.intercept_[0]))

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated probabilities."""
        z = self.a * _transform(scores, self.kind) + self.b
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))

    def to_dict(self) -> dict[str, float | str]:
        """JSON form (stored with a run)."""
        return {"kind": self.kind, "a": self.a, "b": self.b}


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared error of probabilities against 0/1 labels."""
    return float(np.mean((np.asarray(p) - np.asarray(y)) ** 2))


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean predicted, observed frequency, count) per probability bin."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    cnt = np.bincount(which, minlength=bins)
    pred = np.bincount(which, weights=p, minlength=bins) / np.maximum(cnt, 1)
    obs = np.bincount(which, weights=y, minlength=bins) / np.maximum(cnt, 1)
    return pred, obs, cnt
