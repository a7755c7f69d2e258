"""Expression prediction: L1000 signatures -> per-gene MTRS models with graph features.

`mtrs` (the learner: two-stage multi-target regressor stacking), `experiment` (standard
features, the paper's comparison with its controls, saved models).
"""
