"""`gcn-rank`: a learned gene-level ranker — a vector per gene, propagated over the network.

What the public link-prediction benchmarks say beats pairwise heuristic counts on
protein networks (docs/peers.md, last section: every method ≥ 1.2× resource allocation on
ogbl-ppa learns a vector per protein): a learnable embedding per gene, a few propagation
steps over the training graph with a residual, a decoder of the pair's two vectors, a
ranking loss against several negatives per positive.

- **Inputs**: a learnable vector per gene, plus (where the knowledge graph has data) a
  linear map of the gene's pathway / drug-target / cell-line memberships (the seeded SVD
  `embedding.kg_attributes` GNE+kg reads), so a gene without training edges still gets a
  position from what the graph knows of it.
- **Encoder**: `LAYERS` steps h ← h + tanh(W·Â h) over the symmetric-normalised
  training adjacency Â.
- **Decoder**: s(i, j) = (h_i ⊙ w) · h_j + Σ_c α_c log(1 + path_c(i, j) / scale_c) + b —
  the Hadamard product of the two vectors into one linear layer, plus learned weights on
  the pair's path counts (L3, Adamic-Adar, common neighbours: `CHANNELS`), which free
  vectors of dimension 64 cannot hold for 15,000 genes. The vector part is chosen over
  an MLP on the Hadamard product because the fitted form is then the one every embedding
  method stores (`base.EmbeddingPredictor`) plus sparse path-count blocks: a block of
  genes against all is one matrix product, so the ranker ranks all 106 million pairs of
  the whole human interactome blockwise (what `predict`'s every-depth list and a
  cascade's tail need), where an MLP would cost ~10⁴ flops per pair.
- **Masked training**: the training edges fall into `FOLDS` folds by a fixed hash of the
  pair; a training edge is scored — propagation and path counts alike — on the training
  graph without its fold, so an edge never carries its own message nor counts its own
  paths (its training-time score is the same whether or not it is in the graph handed
  over: `masked_logits`, tested). One fold is 1/FOLDS of the graph: the path counts a
  training edge sees are thinned about as much as a validation edge's (human c2: masking
  a third of the graph per batch cost 0.03 validation MRR).
- **Loss**: listwise — softmax cross-entropy of each training edge (i, j) against
  `RANDOM_NEGATIVES` uniform partners of i and `HARD_NEGATIVES` from i's row of the hard
  pool: its top `POOL_K` partners by Adamic-Adar and by L3 on the training graph, what a
  curator would otherwise be shown. No negative is ever a training edge or a validation
  pair (positive or negative); the split's test pairs are never read, as in the stack.
- **Two phases, chosen on validation**: first the path-count weights alone, then the gene
  vectors join from that optimum (smaller step). Each phase stops on the mean reciprocal
  rank of the validation edges against fixed random and hard partners; then each phase's
  model ranks the validation edges among ALL candidates (`retrieval.ranking_criterion`,
  what `auto` chooses by) and the vectors are kept only where they improve it (a sparse
  network lets free per-gene vectors memorise: human c2, seed 1, the full-ranking
  criterion fell with them and they are dropped; the report says which was kept).
  Validation edges are never propagated nor counted.

CPU-first in PyTorch (already a dependency; PyG would add a compiled dependency for two
sparse products). `shuffle_labels` draws each list's target slot at random, in training
and in the stopping criterion: the sanity check that nothing is learned without labels.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.linkpred import scores as S
from genekg.linkpred.base import (
    EmbeddingPredictor,
    EmbeddingReport,
    SplitCache,
    SplitInputs,
    load_adjacency,
    save_adjacency,
    top_k_per_gene,
)
from genekg.linkpred.embedding import kg_attributes
from genekg.linkpred.evaluate import Classifier
from genekg.linkpred.retrieval import ranking_criterion, validation_retrieval
from genekg.linkpred.split import EdgeSplit, PairSet, encode

DIM = 64
LAYERS = 2
EPOCHS = 40  # per phase, at most
STEPS = 25  # optimiser steps per epoch
PATIENCE = 5
LR_CHANNELS = 0.05  # phase 1: the path-count weights (few parameters, full batch)
LR_VECTORS = 0.003  # phase 2: the gene vectors join
WEIGHT_DECAY = 0.0
FOLDS = 20  # a training edge is scored on the graph without its fold
BATCH = 1024  # training lists per phase-2 step (one fold's)
RANDOM_NEGATIVES = 8  # uniform partners of each query gene per positive
HARD_NEGATIVES = 4  # partners from the query gene's row of the hard pool
POOL_K = 20  # partners per gene by each of AA and L3 that form the hard pool
HARD_POOL_BY = ("aa", "l3")
# Path-count channels of the decoder: a learned weight on log(1 + score / scale) of each,
# computed on the graph the pair is scored on (a training edge: without its fold).
CHANNELS = ("l3", "aa", "cn")
# fixed partners each validation positive is ranked against (the stopping criterion)
VAL_RANDOM, VAL_HARD = 20, 30


@dataclass
class RankerReport(EmbeddingReport):
    """What the ranker's fit did: epochs, the stopping epoch and its validation AUROC
    (positives against random and hard non-edges), the negatives it learned from."""

    epochs: int = 0
    best_epoch: int = 0
    val_sampled_mrr: float = float("nan")
    seconds: float = 0.0
    dim: int = DIM
    layers: int = LAYERS
    hard_negatives: int = HARD_NEGATIVES
    random_negatives: int = RANDOM_NEGATIVES
    hard_pool: int = 0
    kg_inputs: int = 0  # columns of knowledge-graph input (0: network only)
    channels: dict[str, float] = field(default_factory=dict)  # learned weight of each
    vectors_kept: bool = True  # phase 2 (gene vectors) kept: it ranked validation better
    # ranking criterion of validation edges among all candidates after each phase
    phase_criterion: dict[str, float] = field(default_factory=dict)
    history: list[float] = field(default_factory=list)


def known_pairs(split: EdgeSplit) -> sp.csr_matrix:
    """Every pair a negative must never be: training edges and validation pairs of both
    labels (the pairs the fit learns or stops by). The split's test pairs are not read:
    excluding them would tell the fit where they are (the stack's rule too)."""
    parts = [split.train, split.val_pos, split.val_neg]
    return S.adjacency(np.vstack([p.reshape(-1, 2) for p in parts]), split.n_nodes)


def hard_pool(a_train: sp.csr_matrix, known: sp.csr_matrix, k: int = POOL_K
              ) -> np.ndarray:
    """Unique pairs (i < j): each gene's top-k partners by each heuristic of HARD_POOL_BY
    on the training graph, never a pair of `known`."""
    n = a_train.shape[0]
    parts = [top_k_per_gene(partial(S.block_scores, h, a_train), n, k, None, known)
             for h in HARD_POOL_BY]
    pool = np.vstack(parts) if parts else np.empty((0, 2), dtype=np.int64)
    return np.unique(pool, axis=0) if len(pool) else pool.astype(np.int64)



def _symmetric_product() -> Any:
    """Â·h whose backward is Â·grad (Â is symmetric): both passes are the forward sparse
    product, which is deterministic on CPU; torch's own backward of a sparse product
    accumulates in thread order, so one seed would not give one model."""
    import torch

    class SymmetricProduct(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, adj: Any, h: Any) -> Any:
            ctx.save_for_backward(adj)
            return torch.sparse.mm(adj, h)

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (adj,) = ctx.saved_tensors
            return None, torch.sparse.mm(adj, grad)

    return SymmetricProduct


class _Net:
    """The model (built lazily so importing this module does not import torch)."""

    def __init__(self, n: int, kg: np.ndarray | None, seed: int) -> None:
        import torch

        torch.manual_seed(seed)
        self.torch = torch
        self.product = _symmetric_product()
        self.n = n
        self.emb = torch.nn.Parameter(torch.randn(n, DIM) * 0.1)
        self.kg = torch.as_tensor(kg, dtype=torch.float32) if kg is not None else None
        self.kg_lin = torch.nn.Linear(kg.shape[1], DIM, bias=False) if kg is not None \
            else None
        self.layers = torch.nn.ModuleList(torch.nn.Linear(DIM, DIM) for _ in range(LAYERS))
        # the decoder starts at zero: every pair scores alike until labels teach it (random
        # vectors propagated over the graph already rank communities, so a decoder that
        # started at ones would score above chance having learned nothing)
        self.w = torch.nn.Parameter(torch.zeros(DIM))
        self.b = torch.nn.Parameter(torch.zeros(1))
        self.alpha = torch.nn.Parameter(torch.zeros(len(CHANNELS)))

    def parameters(self) -> list[Any]:
        """Every learned tensor."""
        ps = [self.emb, self.w, self.b, self.alpha, *self.layers.parameters()]
        return ps + (list(self.kg_lin.parameters()) if self.kg_lin is not None else [])

    def trained(self, vectors: bool) -> list[Any]:
        """The tensors the optimiser moves (without `vectors`: the decoder's path-count
        weights and bias only, the ablation without learned gene vectors)."""
        return self.parameters() if vectors else [self.b, self.alpha]

    def state(self) -> list[Any]:
        """A copy of the parameters (the best epoch's, restored at the end)."""
        return [p.detach().clone() for p in self.parameters()]

    def restore(self, state: list[Any]) -> None:
        """Put back a copy taken by `state`."""
        with self.torch.no_grad():
            for p, s in zip(self.parameters(), state, strict=True):
                p.copy_(s)

    def adjacency(self, edges: np.ndarray) -> Any:
        """Â = D^-1/2 A D^-1/2 of the given undirected edges, as a torch sparse matrix."""
        torch = self.torch
        a = S.adjacency(edges, self.n)
        deg = np.asarray(a.sum(axis=1)).ravel()
        inv = np.where(deg > 0, 1.0 / np.sqrt(np.maximum(deg, 1.0)), 0.0)
        a = sp.csr_matrix(sp.diags(inv) @ a @ sp.diags(inv), dtype=np.float32)
        c = a.tocoo()  # from CSR: row-major, no duplicates (already coalesced)
        return torch.sparse_coo_tensor(
            torch.as_tensor(np.vstack([c.row, c.col]).astype(np.int64)),
            torch.as_tensor(c.data), (self.n, self.n), check_invariants=False,
            is_coalesced=True)

    def encode(self, adj: Any) -> Any:
        """Gene vectors after the propagation steps over `adj`."""
        torch = self.torch
        h = self.emb
        if self.kg_lin is not None and self.kg is not None:
            h = h + self.kg_lin(self.kg)
        for lin in self.layers:
            h = h + torch.tanh(lin(self.product.apply(adj, h)))
        return h

    def logits(self, h: Any, pairs: np.ndarray, channels: np.ndarray) -> Any:
        """Decoder (h_i ⊙ w) · h_j + α · channels + b."""
        torch = self.torch
        t = torch.as_tensor(pairs)
        c = torch.as_tensor(channels, dtype=torch.float32)
        return (h[t[:, 0]] * self.w * h[t[:, 1]]).sum(dim=1) + c @ self.alpha + self.b


def channel_values(a: sp.csr_matrix, pairs: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """log(1 + score / scale) of each path-count channel on graph `a`, (len(pairs), C)."""
    cols = [S.PAIR_SCORES[c](a, pairs) if len(pairs) else np.empty(0) for c in CHANNELS]
    return np.log1p(np.column_stack(cols) / scale) if cols else np.empty((len(pairs), 0))


def fold_of(pairs: np.ndarray, n: int) -> np.ndarray:
    """The training fold of each pair (i < j): a fixed hash, the same in any graph."""
    return np.asarray(encode(np.sort(pairs, axis=1), n) % 1_000_003 % FOLDS, dtype=np.int64)


def without_fold(edges: np.ndarray, n: int, f: int) -> np.ndarray:
    """The graph a training edge of fold `f` is scored on: `edges` without that fold (what
    the fit's path counts and propagation, and `masked_logits`, all read)."""
    return edges[fold_of(edges, n) != f]


def _grid(pos: np.ndarray, tails: np.ndarray) -> np.ndarray:
    """Pairs of each query row: (head, positive partner) then (head, each tail)."""
    heads = np.repeat(pos[:, 0], tails.shape[1] + 1)
    partners = np.column_stack([pos[:, 1], tails]).ravel()
    return np.column_stack([heads, partners])


def _list_loss(torch: Any, logit: Any, ok: np.ndarray, target: np.ndarray) -> Any:
    """Softmax cross-entropy of each row's target slot among its usable slots (the
    positive is slot 0 unless labels are shuffled): a listwise ranking loss."""
    mask = torch.as_tensor(np.column_stack([np.ones(len(ok), dtype=bool), ok]))
    z = logit.masked_fill(~mask, float("-inf"))
    return torch.nn.functional.cross_entropy(z, torch.as_tensor(target))


def _random_usable(rng: np.random.Generator, ok: np.ndarray) -> np.ndarray:
    """A uniformly drawn usable slot of each row (slot 0, the positive, always is): the
    target when labels are shuffled."""
    usable = np.column_stack([np.ones(len(ok), dtype=bool), ok])
    u = rng.random(usable.shape) * usable
    return np.asarray(u.argmax(axis=1), dtype=np.int64)


def _sampled_mrr(s: np.ndarray, ok: np.ndarray, target: np.ndarray) -> float:
    """Mean reciprocal rank of each row's target slot among its usable slots (ties at
    their mid-rank: a model that scores everything alike is not ranked first)."""
    usable = np.column_stack([np.ones(len(ok), dtype=bool), ok])
    z = np.where(usable, s, -np.inf)
    t = z[np.arange(len(z)), target]
    ties = (z == t[:, None]).sum(axis=1) - 1
    rank = 1 + (z > t[:, None]).sum(axis=1) + 0.5 * ties
    return float(np.mean(1.0 / rank)) if len(z) else 0.0


class GeneRanker(EmbeddingPredictor):
    """`gcn-rank` (see the module docstring): a learnable vector per gene (+ its KG
    memberships), LAYERS masked propagation steps, a decoder of the pair's two vectors
    plus learned weights on its path counts, trained against random and hard negatives.
    Stored as the final gene vectors, the decoder and the training graph: a block of
    genes against all is one matrix product plus sparse path counts (exhaustive)."""

    kind = "gcn-rank"
    report_cls = RankerReport

    a_: sp.csr_matrix
    alpha_: np.ndarray
    scale_: np.ndarray

    def __init__(self, name: str = "gcn-rank", *, hard_negatives: int = HARD_NEGATIVES,
                 knowledge_graph: bool = True, shuffle_labels: bool = False,
                 epochs: int = EPOCHS, vectors: bool = True) -> None:
        super().__init__(name)
        self.vectors = vectors
        self.hard_negatives, self.knowledge_graph = hard_negatives, knowledge_graph
        self.shuffle_labels, self.epochs = shuffle_labels, epochs

    def fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        """Train on the split's training edges, stop on validation, keep the final form.
        Torch runs on one thread here: its multi-threaded sparse products and reductions
        sum in thread order, so one seed would not give one model (measured: 0.005 apart
        in probability); the path counts, most of the time, are NumPy/SciPy anyway."""
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._fit(inputs, cache)
        finally:
            torch.set_num_threads(threads)

    def _fit(self, inputs: SplitInputs, cache: SplitCache) -> Self:
        import torch

        t0 = time.monotonic()
        split = inputs.split
        n = split.n_nodes
        rng = np.random.default_rng(inputs.seed)
        known = known_pairs(split)
        codes = PairSet.of_adjacency(known)
        cache.step(f"{self.name}: hard pool (each gene's top {POOL_K} by AA and L3)")
        pool = hard_pool(inputs.a_train, known)
        by_gene = S.adjacency(pool, n) if len(pool) else sp.csr_matrix((n, n))
        kg = None
        if self.knowledge_graph and not inputs.kg.empty:
            try:
                kg = kg_attributes(inputs).matrix
            except GenekgError:  # too few super nodes for these genes: the network alone
                kg = None
        net = _Net(n, kg, inputs.seed)
        self.net_ = net
        self.a_ = inputs.a_train
        train = split.train
        # each channel's scale: its mean over training edges (so log1p sees O(1) values)
        raw = np.column_stack([S.PAIR_SCORES[c](self.a_, train[:20_000]) for c in CHANNELS])
        self.scale_ = np.maximum(raw.mean(axis=0), 1e-12)
        # the training lists: each edge, one end as the query, against its negatives;
        # every pair's path counts on the graph without the edge's fold
        cache.step(f"{self.name}: path counts of {len(train):,} training lists, each on "
                   "the graph without its fold")
        flip = rng.random(len(train)) < 0.5
        pos = np.where(flip[:, None], train[:, ::-1], train)
        tails, ok = self.tails(rng, pos[:, 0], by_gene if self.hard_negatives else
                               sp.csr_matrix((n, n)), codes, RANDOM_NEGATIVES,
                               self.hard_negatives)
        pairs = _grid(pos, tails)
        fold = fold_of(train, n)
        chan = np.empty((len(pairs), len(CHANNELS)))
        width = tails.shape[1] + 1
        for f in range(FOLDS):
            sel = np.repeat(fold == f, width)
            chan[sel] = channel_values(S.adjacency(without_fold(train, n, f), n), pairs[sel],
                                       self.scale_)
        target = _random_usable(rng, ok) if self.shuffle_labels \
            else np.zeros(len(pos), dtype=np.int64)
        full = net.adjacency(train)
        val = split.val_pos.reshape(-1, 2)
        v_tails, v_ok = self.tails(rng, val[:, 0], by_gene, codes, VAL_RANDOM, VAL_HARD)
        v_pairs = _grid(val, v_tails)
        v_chan = channel_values(self.a_, v_pairs, self.scale_)
        # the stopping epoch is chosen without labels too when they are shuffled
        v_target = _random_usable(rng, v_ok) if self.shuffle_labels \
            else np.zeros(len(val), dtype=np.int64)
        chan_t = torch.as_tensor(chan, dtype=torch.float32)
        fold_adj: dict[int, Any] = {}

        def channel_step(opt: Any) -> None:
            logit = (chan_t @ net.alpha + net.b).reshape(len(pos), width)
            opt.zero_grad()
            _list_loss(torch, logit, ok, target).backward()
            opt.step()

        def vector_step(opt: Any) -> None:
            f = int(rng.integers(FOLDS))
            rows = np.flatnonzero(fold == f)
            rows = rng.choice(rows, min(BATCH, len(rows)), replace=False)
            if not len(rows):
                return
            if f not in fold_adj:
                fold_adj[f] = net.adjacency(without_fold(train, n, f))
            sel = (rows[:, None] * width + np.arange(width)).ravel()
            h = net.encode(fold_adj[f])
            logit = net.logits(h, pairs[sel], chan[sel]).reshape(len(rows), width)
            opt.zero_grad()
            _list_loss(torch, logit, ok[rows], target[rows]).backward()
            opt.step()

        def validate() -> float:
            with torch.no_grad():
                s = net.logits(net.encode(full), v_pairs, v_chan).numpy()
            return _sampled_mrr(s.reshape(len(val), -1), v_ok, v_target)

        best = (validate(), 0, net.state())
        history: list[float] = [round(best[0], 5)]
        epoch = 0
        phases = [(net.trained(False), LR_CHANNELS, "path-count weights", channel_step)]
        if self.vectors:
            phases.append((net.parameters(), LR_VECTORS, "gene vectors", vector_step))
        ranked: dict[str, float] = {}
        kept: tuple[float, str, list[Any]] | None = None
        for params, lr, what, step in phases:
            net.restore(best[2])
            opt = torch.optim.Adam(params, lr=lr, weight_decay=WEIGHT_DECAY)
            bad = 0
            for _ in range(self.epochs):
                epoch += 1
                for _ in range(STEPS):
                    step(opt)
                crit = validate()
                history.append(round(crit, 5))
                cache.step(f"{self.name}: epoch {epoch} ({what}), validation MRR against "
                           f"sampled random and hard partners {crit:.4f}")
                if crit > best[0]:
                    best, bad = (crit, epoch, net.state()), 0
                else:
                    bad += 1
                    if bad >= PATIENCE:
                        break
            # Each phase's model ranks the validation edges among ALL candidates (what
            # auto chooses by); the gene vectors are kept only where that improves: the
            # sampled MRR above can rise while the full ranking falls.
            net.restore(best[2])
            self._freeze(full)
            if len(phases) > 1 and len(val) and not self.shuffle_labels:
                cache.step(f"{self.name}: ranking the validation edges ({what})")
                c = ranking_criterion(validation_retrieval(self, split))
                ranked[what] = round(c, 5)
                if kept is None or c > kept[0]:
                    kept = (c, what, best[2])
        if kept is not None:
            net.restore(kept[2])
            self._freeze(full)
        self.val_scores_ = None
        auc_val = self.val_auroc(split) if len(split.val_pos) else float("nan")
        self.report_ = RankerReport(
            method=self.name, val_auroc=auc_val, epochs=len(history) - 1,
            best_epoch=best[1], val_sampled_mrr=float(best[0]),
            seconds=round(time.monotonic() - t0, 1), hard_negatives=self.hard_negatives,
            hard_pool=len(pool), vectors_kept=self.vectors and (
                kept is None or kept[1] == "gene vectors"),
            phase_criterion=ranked, kg_inputs=int(kg.shape[1]) if kg is not None else 0,
            channels={c: round(float(a), 5) for c, a in zip(CHANNELS, self.alpha_,
                                                             strict=True)},
            history=history)
        return self

    def _freeze(self, full: Any) -> None:
        """The network's current state as the stored form (gene vectors, decoder)."""
        import torch

        net = self.net_
        with torch.no_grad():
            self.embedding_ = net.encode(full).numpy().astype(np.float64)
        self.classifier_ = Classifier(net.w.detach().numpy().astype(np.float64),
                                      float(net.b.detach().numpy()[0]))
        self.alpha_ = net.alpha.detach().numpy().astype(np.float64)

    @staticmethod
    def tails(rng: np.random.Generator, heads: np.ndarray, by_gene: sp.csr_matrix,
              never: PairSet, n_random: int, n_hard: int
              ) -> tuple[np.ndarray, np.ndarray]:
        """Negative partners of each query gene: `n_random` uniform genes and `n_hard`
        from its row of the hard pool (uniform where its row is empty), shape
        (len(heads), n_random + n_hard), and which of them may be used (never the gene
        itself, a training edge or a validation pair: `never`)."""
        n = by_gene.shape[0]
        m = len(heads)
        out = rng.integers(0, n, (m, n_random + n_hard))
        if n_hard and len(by_gene.indices):
            lo, hi = by_gene.indptr[heads], by_gene.indptr[heads + 1]
            pick = lo[:, None] + (rng.random((m, n_hard)) * (hi - lo)[:, None]).astype(
                np.int64)
            hard = by_gene.indices[np.minimum(pick, len(by_gene.indices) - 1)]
            out[:, n_random:] = np.where((hi > lo)[:, None], hard, out[:, n_random:])
        h = np.repeat(heads, out.shape[1]).reshape(out.shape)
        return out, ~never.holds(h, out) & (out != h)

    def masked_logits(self, edges: np.ndarray, pairs: np.ndarray) -> np.ndarray:
        """Training-time logits of `pairs` (edges of the graph, i < j) given the graph's
        `edges`: each pair on the graph without its fold, as training scores it."""
        import torch

        net = self.net_
        n = net.n
        out = np.empty(len(pairs))
        fp = fold_of(pairs, n)
        with torch.no_grad():
            for f in np.unique(fp):
                kept = without_fold(edges, n, f)
                sel = fp == f
                h = net.encode(net.adjacency(kept))
                out[sel] = net.logits(h, pairs[sel], channel_values(
                    S.adjacency(kept, n), pairs[sel], self.scale_)).numpy()
        return out

    # ------------------------------------------------------------------------ scoring
    def _logits(self, pairs: np.ndarray) -> np.ndarray:
        h, clf = self.embedding_, self.classifier_
        bil = np.einsum("ij,ij->i", h[pairs[:, 0]] * clf.w, h[pairs[:, 1]])
        return np.asarray(bil + channel_values(self.a_, pairs, self.scale_) @ self.alpha_
                          + clf.b)

    def score(self, pairs: np.ndarray) -> np.ndarray:
        """Interaction probability σ(decoder) on the training graph."""
        return np.asarray(expit(self._logits(np.asarray(pairs, dtype=np.int64))))

    @contextmanager
    def block_memo(self) -> Iterator[None]:
        """Within: each block of rows is computed once (a stack's stage-1 ladder ranks the
        validation edges several times, each with this ranker as generator and cascade;
        memory up to 8 · n² bytes, 1.6 GB for whole human, freed on exit)."""
        self._memo: dict[bytes, np.ndarray] | None = {}
        try:
            yield
        finally:
            self._memo = None

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """(row gene, every gene): one matrix product plus sparse path-count blocks."""
        memo = getattr(self, "_memo", None)
        if memo is None:
            return self._block(rows)
        key = np.asarray(rows, dtype=np.int64).tobytes()
        if key not in memo:
            memo[key] = self._block(rows)
        return memo[key]

    def _block(self, rows: np.ndarray) -> np.ndarray:
        z = self.classifier_.logits_block(self.embedding_, rows)
        for c, a, sc in zip(CHANNELS, self.alpha_, self.scale_, strict=True):
            z = z + a * np.log1p(S.block_scores(c, self.a_, rows) / sc)
        return np.asarray(expit(z))

    def save(self, folder: Path) -> None:
        """Gene vectors and decoder (the embedding form), channel weights, training graph."""
        super().save(folder)
        np.savez(folder / "channels.npz", alpha=self.alpha_, scale=self.scale_,
                 names=np.array(CHANNELS))
        save_adjacency(folder / "train_graph.npz", self.a_)

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> Self:
        """The stored form; the channels it was fitted with must be the ones of today."""
        self = super().load(folder, store, allow_changed_graph=allow_changed_graph)
        z = np.load(folder / "channels.npz")
        if tuple(z["names"].tolist()) != CHANNELS:
            raise GenekgError(f"{folder}: fitted with channels {list(z['names'])}, this "
                              f"genekg computes {list(CHANNELS)}", hint="retrain the run")
        self.alpha_, self.scale_ = z["alpha"], z["scale"]
        self.a_ = load_adjacency(folder / "train_graph.npz")
        return self
