"""GNE (Kishan KC et al., BMC Systems Biology 2019) in PyTorch.

For gene i:  v_s = normalise(W_id[i]);  v_a = normalise(ELU(W_att x_i)) (masked to zero
for genes without a profile);  v = [v_s, λ v_a];  h = dropout(tanh(W_0 v + b)).
A second table W_out holds every gene "as a neighbour"; p(j | i) ∝ exp(W_out[j] · h_i),
trained with negative sampling (K noise genes per observed neighbour, drawn from the
training degree^0.75). Final representation: y_i = h_i + W_out[i].

Memory is O(M·d + E): nothing M×M is ever built.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from genekg.gne.config import GNEConfig

__all__ = ["GNE", "GNEConfig"]


class GNE(nn.Module):
    """GNE: structure embedding plus an attribute branch, combined by lambda, trained with
    sampled softmax."""
    def __init__(self, n_genes: int, n_attributes: int, cfg: GNEConfig) -> None:
        super().__init__()
        self.cfg = cfg
        d = cfg.dim
        self.id_embedding = nn.Embedding(n_genes, d)
        self.use_attributes = n_attributes > 0 and cfg.lam > 0
        self.attribute = nn.Linear(n_attributes, d) if self.use_attributes else None
        self.hidden = nn.Linear(2 * d if self.use_attributes else d, d)
        self.dropout = nn.Dropout(cfg.dropout)
        self.neighbour = nn.Embedding(n_genes, d)
        self.neighbour_bias = nn.Embedding(n_genes, 1)
        nn.init.uniform_(self.id_embedding.weight, -1.0, 1.0)
        nn.init.normal_(self.neighbour.weight, std=1.0 / np.sqrt(d))
        nn.init.zeros_(self.neighbour_bias.weight)
        self.register_buffer("x", torch.zeros(n_genes, max(n_attributes, 1)))
        self.register_buffer("has_x", torch.zeros(n_genes, 1))

    def set_attributes(self, x: np.ndarray, has: np.ndarray) -> None:
        """Fix the per-gene attribute vectors (rows of genes without attributes are zero)."""
        self.x = torch.as_tensor(x, dtype=torch.float32)
        self.has_x = torch.as_tensor(has, dtype=torch.float32).unsqueeze(1)

    def encode(self, idx: torch.Tensor) -> torch.Tensor:
        """The final embedding of the genes at `idx`."""
        v = F.normalize(self.id_embedding(idx), dim=1)
        if self.attribute is not None:
            va = F.normalize(F.elu(self.attribute(self.x[idx])), dim=1) * self.has_x[idx]
            v = torch.cat([v, self.cfg.lam * va], dim=1)
        h = torch.tanh(self.hidden(v))
        p = self.dropout.p
        if not self.training or p == 0.0:
            return h
        # The same inverted dropout as nn.Dropout; a uniform draw and a compare is ~3x
        # cheaper on a CPU than the bernoulli_ kernel it uses.
        return h * (torch.rand_like(h) >= p).to(h.dtype) * (1.0 / (1.0 - p))

    def loss(self, src: torch.Tensor, dst: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Negative-sampling loss for observed (src -> dst) pairs; noise: (B, K)."""
        h = self.encode(src)  # (B, d)
        pos = (h * self.neighbour(dst)).sum(1)
        # Broadcast multiply + sum, not bmm: a (B,K,d)x(B,d,1) bmm is ~2x slower on a CPU,
        # forward and backward.
        neg = (self.neighbour(noise) * h.unsqueeze(1)).sum(2)
        if self.cfg.neighbour_bias:
            pos = pos + self.neighbour_bias(dst).squeeze(1)
            neg = neg + self.neighbour_bias(noise).squeeze(2)
        return -(F.logsigmoid(pos) + F.logsigmoid(-neg).sum(1)).mean()

    @torch.no_grad()
    def embeddings(self, batch: int = 4096) -> np.ndarray:
        """y_i = h_i + W_out[i] for every gene (eval mode: no dropout)."""
        was_training = self.training
        self.eval()
        n = self.id_embedding.num_embeddings
        out = []
        for start in range(0, n, batch):
            idx = torch.arange(start, min(n, start + batch), device=self.x.device)
            out.append(self.encode(idx) + self.neighbour(idx))
        self.train(was_training)
        return torch.cat(out).cpu().numpy()
