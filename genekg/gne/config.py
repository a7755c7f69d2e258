"""GNE hyper-parameters (no torch import: the CLI and the method registry read them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class GNEConfig:
    """GNE hyper-parameters (torch-free, so configs can be built and recorded without torch)."""
    dim: int = 128
    # λ: weight of the attribute branch. Used by gne+expr (gne is topology only, λ = 0
    # whatever this says; gne+kg picks λ on validation from its grid plus this one).
    lam: float = 1.0
    dropout: float = 0.5  # paper: keep-prob 0.5
    lr: float = 0.001  # from the paper's grid; on validation 0.005 peaks at epoch 2 and overfits
    # lr is the rate at batch 256; larger batches scale it linearly (warm-up: one epoch).
    # 512 on validation-picked lr: E. coli seed 42, 1 CPU thread, time to the best epoch
    # 0.48x (uniform) / 0.39x (degree) of batch 256 before the CPU rework, test AUROC
    # -0.001 (benchmarks/RESULTS.md, "GNE training speed"); 1024 loses up to 0.006.
    batch_size: int = 512
    val_signal: str = "lr"  # early stopping: "lr" (the protocol) or "dot" (on-device)
    negatives: int = 10
    epochs: int = 30  # an upper bound: early stopping ends most runs at 15-25
    patience: int = 3
    noise_power: float = 0.75
    neighbour_bias: bool = False  # a per-gene bias absorbs degree, which y then lacks
    # L2 on all weights (Adam's coupled decay). Not in the paper; chosen on validation
    # (E. coli, seed 0): 0 -> val 0.962, 3e-5 -> 0.966, 1e-4 -> 0.969, 3e-4 -> 0.967; in
    # degree-matched mode 1e-4 lifts test AUROC 0.819 -> 0.849. Without it GNE memorises
    # the training edges by epoch 8 and validation AUROC falls.
    weight_decay: float = 1e-4
    # GNE models trained with different seeds, their edge classifiers averaged (mean
    # logit); None = the method's default: 1 for gne / gne+expr (the paper's model),
    # KG_ENSEMBLE for gne+kg (genekg.linkpred.methods, where the choice is measured).
    ensemble: int | None = None

    def to_dict(self) -> dict[str, float | int | None]:
        """The config as a JSON-ready dict (recorded in each run)."""
        return asdict(self)
