"""Training loop: Adam, mini-batches of (gene, neighbour) pairs from the training edges
only, early stopping on validation AUROC with the best epoch's weights kept."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from genekg.gne.model import GNE, GNEConfig
from genekg.linkpred.split import EdgeSplit
from genekg.record import seed_everything

EpochCallback = Callable[[int, float, float], None]  # (epoch, loss, val AUROC)


def _seeded_generator(seed: int) -> torch.Generator:
    """Seed every global generator (the one policy) and return a torch Generator for GNE's
    sampling."""
    seed_everything(seed)  # the one seed policy (genekg.record)
    return torch.Generator().manual_seed(seed)


def pick_device(requested: str = "auto") -> torch.device:
    """`auto` -> CUDA when available, else CPU; otherwise the named device."""
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(requested)


@dataclass
class TrainResult:
    """Trained GNE embeddings with the history of the validation signal and timings."""
    embeddings: np.ndarray
    history: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int = 0
    best_val_auroc: float = float("nan")
    seconds: float = 0.0
    seconds_per_epoch: float = 0.0
    model: GNE | None = None


def pair_scores(emb: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Dot-product scores of gene pairs under an embedding."""
    return np.einsum("ij,ij->i", emb[pairs[:, 0]], emb[pairs[:, 1]])


def val_auroc(emb: np.ndarray, split: EdgeSplit, seed: int, max_fit: int = 20_000,
              model: LogisticRegression | None = None) -> float:
    """Early-stopping signal: the evaluation protocol itself (Hadamard features, logistic
    regression fitted on a seeded subsample of training edges + non-edges), AUROC on the
    validation pairs. Never flipped when below 0.5 (a defect of the original code).

    `model`: a `LogisticRegression(warm_start=True)` kept across epochs — the problem is
    convex, so starting from last epoch's solution reaches the same optimum in a fraction
    of the iterations (E. coli: ~0.07-0.2 s instead of 0.5 s per epoch)."""
    if len(split.val_pos) == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    pos = split.train[rng.permutation(len(split.train))[:max_fit]]
    neg = split.train_neg[rng.permutation(len(split.train_neg))[:max_fit]]
    x = np.vstack([emb[pos[:, 0]] * emb[pos[:, 1]], emb[neg[:, 0]] * emb[neg[:, 1]]])
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    scale = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) or 1.0
    lr = (model if model is not None else LogisticRegression(max_iter=1000)).fit(x / scale, y)
    vp = np.vstack([split.val_pos, split.val_neg])
    vx = emb[vp[:, 0]] * emb[vp[:, 1]] / scale
    vy = np.r_[np.ones(len(split.val_pos)), np.zeros(len(split.val_neg))]
    return float(roc_auc_score(vy, lr.predict_proba(vx)[:, 1]))


def dot_val_auroc(model: GNE, pairs: torch.Tensor, labels: torch.Tensor) -> float:
    """Cheap early-stopping signal on the device: AUROC of the dot products y_i·y_j on a
    fixed validation subsample (rank statistic, ties counted half; one host sync)."""
    with torch.no_grad():
        was = model.training
        model.eval()
        idx = torch.unique(pairs)
        y = model.encode(idx) + model.neighbour(idx)
        pos_of = torch.empty(int(idx.max()) + 1, dtype=torch.long, device=idx.device)
        pos_of[idx] = torch.arange(len(idx), device=idx.device)
        s = (y[pos_of[pairs[:, 0]]] * y[pos_of[pairs[:, 1]]]).sum(1)
        model.train(was)
        s_sorted, order = torch.sort(s.double())
        _, inv, counts = torch.unique_consecutive(s_sorted, return_inverse=True,
                                                  return_counts=True)
        mid = torch.cumsum(counts, 0).double() - (counts.double() - 1) / 2  # tied: mean rank
        ranks = torch.empty_like(s_sorted)
        ranks[order] = mid[inv]
        n_pos = labels.sum()
        n_neg = len(labels) - n_pos
        u = ranks[labels > 0].sum() - n_pos * (n_pos + 1) / 2
        return float(u / (n_pos * n_neg))


def train_gne(
    split: EdgeSplit,
    cfg: GNEConfig,
    *,
    seed: int,
    attributes: np.ndarray | None = None,
    has_attributes: np.ndarray | None = None,
    device: str = "auto",
    on_epoch: EpochCallback | None = None,
) -> TrainResult:
    """Train GNE on the training edges; early stopping on validation AUROC.

    Built for the device it runs on: edge tensors, the noise distribution and the
    validation pairs live on the device for the whole run; batches and noise genes are
    drawn there; the loss is summed on the device and read once per epoch (no host sync
    inside an epoch). The learning rate scales linearly with the batch size (cfg.lr is
    the rate at batch 256) with a linear warm-up over the first epoch, so a large batch
    — fast on a GPU, fewer Python steps on a CPU — learns as fast per epoch.
    cfg.val_signal: "lr" = the evaluation protocol (Hadamard logistic regression, host
    side); "dot" = on-device dot-product AUROC on a fixed validation subsample.
    """
    seed_everything(seed)  # the one seed policy (genekg.record)
    dev = pick_device(device)
    dgen = torch.Generator(device=dev).manual_seed(seed)
    n_attr = 0 if attributes is None else attributes.shape[1]
    model = GNE(split.n_nodes, n_attr, cfg)
    if attributes is not None and model.use_attributes:
        assert has_attributes is not None
        model.set_attributes(attributes, has_attributes)
    model.to(dev)
    lr = cfg.lr * cfg.batch_size / 256
    # The fused kernel updates every table in one pass (~4x cheaper per step on a CPU).
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=cfg.weight_decay,
                           fused=True)
    # Both directions of every training edge: i's neighbour j and j's neighbour i.
    tr = torch.as_tensor(split.train, dtype=torch.long, device=dev)
    src_all = torch.cat([tr[:, 0], tr[:, 1]])
    dst_all = torch.cat([tr[:, 1], tr[:, 0]])
    deg = np.bincount(split.train.ravel(), minlength=split.n_nodes).astype(np.float64)
    noise_p = torch.as_tensor((deg + 1e-3) ** cfg.noise_power, device=dev)
    noise_p /= noise_p.sum()
    n = len(src_all)
    steps_per_epoch = max(1, -(-n // cfg.batch_size))
    warmup = steps_per_epoch if cfg.batch_size > 256 else 0
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min(1.0, (step + 1) / warmup) if warmup else 1.0)
    vp = np.vstack([split.val_pos, split.val_neg]).reshape(-1, 2)
    if len(vp) > 20_000:
        keep = np.random.default_rng(seed).permutation(len(vp))[:20_000]
    else:
        keep = np.arange(len(vp))
    v_pairs = torch.as_tensor(vp[keep], dtype=torch.long, device=dev)
    v_labels = torch.as_tensor((keep < len(split.val_pos)).astype(np.float64), device=dev)
    val_model = LogisticRegression(max_iter=1000, warm_start=True)
    result = TrainResult(embeddings=np.zeros((split.n_nodes, cfg.dim), dtype=np.float32))
    best_state: dict[str, torch.Tensor] | None = None
    bad = 0
    t0 = time.monotonic()
    epochs_run = 0
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=dgen, device=dev)
        noise = torch.multinomial(noise_p, n * cfg.negatives, replacement=True,
                                  generator=dgen).view(n, cfg.negatives)
        total = torch.zeros((), device=dev)
        for start in range(0, n, cfg.batch_size):
            b = perm[start : start + cfg.batch_size]
            loss = model.loss(src_all[b], dst_all[b], noise[b])
            opt.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            sched.step()
            total += loss.detach() * len(b)
        epochs_run = epoch
        if cfg.val_signal == "dot" and len(v_pairs):
            auc = dot_val_auroc(model, v_pairs, v_labels)
            emb = None
        else:
            emb = model.embeddings()
            auc = val_auroc(emb, split, seed, model=val_model)
        mean_loss = float(total) / n
        result.history.append({"epoch": epoch, "loss": mean_loss, "val_auroc": auc})
        if on_epoch:
            on_epoch(epoch, mean_loss, auc)
        if np.isnan(auc) or auc > result.best_val_auroc or np.isnan(result.best_val_auroc):
            result.best_val_auroc, result.best_epoch = auc, epoch
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            bad = 0
        else:
            bad += 1
            if bad >= cfg.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    result.embeddings = model.embeddings()
    result.seconds = time.monotonic() - t0
    result.seconds_per_epoch = result.seconds / max(epochs_run, 1)
    result.model = model.cpu()
    return result
