"""Expression prediction: L1000 signatures -> per-gene MTRS models with graph features.

`mtrs` (the learner: two-stage multi-target regressor stacking), `experiment` (standard
features, the paper's comparison with its controls, saved models).
"""

from genekg.errors import GenekgError

# The MTRS learners (here, not in mtrs.py, so the CLI's help needs no scikit-learn import).
LEARNERS = {"rf": "random forest, all features per split (the paper's)",
            "extra": "extremely randomised trees, sqrt(p) features per split (faster)",
            "extra-mo": "extra as multi-output forests: one per fold for stage 1, one for "
                        "stage 2, over all genes at once (fastest forest)",
            "ridge-mo": "kernel ridge over feature blocks, all genes at once, penalty per "
                        "gene by leave-one-out (compound split only; its default)"}


def check_learner(name: str) -> str:
    """`name` if it is a learner, else GenekgError listing them (the CLI checks before any
    file is read; MTRS checks when it is built)."""
    if name not in LEARNERS:
        raise GenekgError(f"unknown learner {name!r}", hint="Learners: " + ", ".join(LEARNERS))
    return name
