"""`auto`: per network, the candidate with the best validation AUROC.

Candidates (`AUTO_CANDIDATES`) are fitted on the same split; each is judged on the
validation pairs only (the stack by its out-of-fold AUROC, which is honest; spectral-reg
also used those pairs to pick τ and C, a small optimistic bias in its favour). The choice
and every candidate's validation AUROC are recorded in the run and printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genekg.linkpred.methods import Context, Fitted

AUTO_CANDIDATES = ("spectral-reg", "stack")


def fit_auto(ctx: Context, candidates: tuple[str, ...] = AUTO_CANDIDATES) -> Fitted:
    """Fit every candidate; return the best by validation AUROC, renamed `auto`."""
    from dataclasses import replace

    scored = {c: ctx.fit(c).val_auroc(ctx.split) for c in candidates}
    chosen = max(scored, key=lambda c: (scored[c], -candidates.index(c)))
    best = ctx.fit(chosen)
    extra = {**best.extra, "chosen": chosen,
             **{f"val_auroc:{c}": round(v, 5) for c, v in scored.items()}}
    return replace(best, method="auto", extra=extra)
