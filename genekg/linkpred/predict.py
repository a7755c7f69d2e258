"""Rank a run's candidate gene pairs and select what to keep (`predict`), or state pairs a
user brings as predict ranks them (`score_pairs`); both open a run the same way
(`_open_run`). The records are in `prediction`, the evidence in `evidence`, the
write-back in `writeback`, files in `pairio`.

Scoring: the run's predictor is loaded as it was saved (`Run.load_predictor`). Where it
can score every pair cheaply (`exhaustive`: an embedding's edge classifier is the bilinear
form p(i, j) = σ((y_i ⊙ w) · y_j + b), so one block of rows is one matrix product against
all genes — memory O(block · M), never M×M) every candidate pair is ranked; otherwise
(a stack) stage 1 takes the union of each gene's best partners by the predictor's
generators (`candidates`) and stage 2 scores those. Known interactions (any
INTERACTS_WITH in the graph between the run's genes) and self-pairs are excluded.

Scores are the run's calibrated probabilities (Platt scaling fitted on validation pairs,
`genekg.linkpred.calibrate`); `percentile` places a pair among random candidate pairs.

Written back (`writeback.write_predictions`) as `(:Gene)-[:PREDICTED_INTERACTION {score,
percentile, rank, model, run_id, created_at, shared_partners, shares_pathway,
shares_drug_target}]->(:Gene)`, once per pair (lower id first).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from genekg.db import GraphStore
from genekg.errors import GenekgError
from genekg.features import similarity as F
from genekg.linkpred.evidence import (
    annotate,
    display_names,
    per_gene_ranks,
    shared_partners,
    strongest_path3,
)
from genekg.linkpred.prediction import PairScore, Prediction, PredictOptions, PredictResult
from genekg.linkpred.ranking import GlobalTopK, PerGeneTopK, rank_pass
from genekg.linkpred.retrieval import stage_scores
from genekg.linkpred.runs import FittedRun, Run, known_pairs
from genekg.linkpred.split import encode

ProgressFn = Callable[[int, int], None]

logger = logging.getLogger("genekg.predict")


def score_candidates(
    block_scores: Callable[[np.ndarray], np.ndarray],
    m: int,
    known: np.ndarray,
    opts: PredictOptions,
    rows: np.ndarray | None = None,
    progress: ProgressFn | None = None,
    calibrate: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[list[tuple[float, int, int]], int]:
    """Pairs (i, j), i in `rows` (default all m genes), j any gene, ranked in one
    `rank_pass` over `block_scores(rows)` (the (len(rows), m) scores of a block; -inf: not
    ranked) with known interactions and self-pairs excluded.

    Returns (probability, i, j) with i < j for the selected pairs and the number of
    distinct candidate pairs ranked. Selection: minimum probability (after `calibrate`,
    the run's Platt scaling, when given), then each gene's top-K partners (both
    directions of a pair count for each gene) together with the global top-k (union).
    """
    if not (opts.top_k or opts.per_gene or opts.min_score is not None):
        raise GenekgError("choose what to keep: --top-k, --per-gene or --min-score")

    def probabilities(blk: np.ndarray) -> np.ndarray:
        raw = np.asarray(block_scores(blk), dtype=np.float64)
        ranked = np.isfinite(raw)  # -inf: not a candidate of stage 1
        if calibrate is None:
            return raw
        return np.where(ranked, calibrate(np.where(ranked, raw, 0.0)), -np.inf)

    # With a cap per gene, the global list is filled greedily from a deeper pool: the
    # pairs a hub may not take are replaced by the next best pairs of other genes.
    everything = not (opts.top_k or opts.per_gene)  # --min-score alone: all above it
    keep = None if everything else (opts.top_k or 0) * (1 if opts.max_per_gene is None else 8)
    best = GlobalTopK(m, keep, rows, opts.min_score)
    per = PerGeneTopK(m, opts.per_gene or 0, opts.min_score, ties_propose=True)
    rank_pass(probabilities, m, [best, per] if opts.per_gene else [best], rows=rows,
              exclude=F.adjacency(known, m), step=opts.block, progress=progress)
    chosen: dict[tuple[int, int], float] = {}
    if opts.per_gene:
        pairs, s = per.result()
        chosen.update(zip(map(tuple, pairs.tolist()), s.tolist(), strict=True))
    # Per-gene and global top-k together: the union (each gene's K best partners plus the
    # k best pairs overall), so every gene of the run has its answer.
    pairs, s = best.result()
    order = np.arange(len(s))
    if opts.max_per_gene is not None:
        order = order[cap_per_gene(pairs[:, 0].tolist(), pairs[:, 1].tolist(),
                                   opts.max_per_gene, opts.top_k)]
    for q in order.tolist():
        chosen[(int(pairs[q, 0]), int(pairs[q, 1]))] = float(s[q])
    return (sorted(((sc, i, j) for (i, j), sc in chosen.items()), reverse=True),
            best.candidates)


def cap_per_gene(a: Sequence[Any], b: Sequence[Any], cap: int,
                 limit: int | None = None) -> np.ndarray:
    """Positions of the pairs (a[q], b[q]), taken in the order given, that `--max-per-gene`
    keeps: a pair while both its genes hold fewer than `cap` kept pairs, up to `limit`."""
    load: Counter[Any] = Counter()
    take: list[int] = []
    for q, (x, y) in enumerate(zip(a, b, strict=True)):
        if load[x] < cap and load[y] < cap:
            load[x] += 1
            load[y] += 1
            take.append(q)
            if len(take) == limit:
                break
    return np.array(take, dtype=np.int64)


def predict(
    db: GraphStore, run: Run, opts: PredictOptions, progress: ProgressFn | None = None, *,
    allow_changed_graph: bool = False,
) -> PredictResult:
    """Load the run's predictor, rank its candidate pairs (known interactions excluded)
    and select by `opts`."""
    cfg = run.config
    fitted, table, known, notes = _open_run(db, run, allow_changed_graph)
    predictor, cal = fitted.predictor, fitted.calibrator
    genes = list(table["gene_id"])
    rows = None
    if opts.genes:
        idx = {g: i for i, g in enumerate(genes)}
        taxon = cfg["selection"]["taxon"]
        by_symbol = dict(db.scalar("pull/genes_by_name", {"s": opts.genes, "t": taxon}) or [])
        missing = [g for g in opts.genes if by_symbol.get(g) not in idx]
        if missing:
            raise GenekgError(f"gene(s) not in run {run.id}'s network: {', '.join(missing)}",
                              hint="Use gene symbols or ids of the run's organism.")
        rows = np.array(sorted(idx[by_symbol[g]] for g in opts.genes))
    t0 = time.monotonic()
    # Every pair (exhaustive predictors) or stage 1: each gene's best partners by the
    # predictor's generators, scored by the predictor (retrieval.stage_scores, the path the
    # retrieval experiment measures).
    a = F.adjacency(known, len(genes))
    # a gene's own list holds at least stage1_k candidates; more only when asked for more
    k = max(predictor.stage1_k, opts.per_gene or 0)
    block = stage_scores(predictor, a, k, rows)
    selected, scored = score_candidates(block, len(genes), known, opts, rows, progress,
                                        calibrate=cal)
    if opts.per_gene and opts.min_score is None:
        asked = np.arange(len(genes)) if rows is None else rows
        has = np.zeros(len(genes), dtype=bool)
        has[[i for _, i, _ in selected] + [j for _, _, j in selected]] = True
        bare = [genes[g] for g in asked if not has[g]]
        if bare:  # every other pair of theirs is a known interaction
            notes = (*notes, f"{len(bare):,} gene(s) have no partner left to predict (all "
                     "their candidate pairs are known interactions): "
                     + ", ".join(b.split(":", 1)[-1] for b in bare[:10]))
    # Per-run percentile: where a pair's probability falls among uniformly drawn candidate
    # pairs scored by the same run (20,000 of them, seeded by the run's seed).
    sample = _random_pairs(len(genes), known, int(cfg.get("seed", 0)))
    ref = np.sort(cal(predictor.score(sample)))
    seconds = time.monotonic() - t0
    pct = 100.0 * np.searchsorted(ref, [s for s, _, _ in selected], side="right") / max(
        len(ref), 1)
    names = display_names(genes, table)
    # read off each pair's score on the footing the run estimated it with
    sel_pairs = np.array([[i, j] for _, i, j in selected], dtype=np.int64).reshape(-1, 2)
    ep = fitted.expected_precision(sel_pairs)
    if len(ep) > 1 and np.isfinite(ep).all():
        # Read off single-fold scores (the stack's honest footing), neighbours in the
        # ranking can differ; a curator reads the list top-down, so the stated values are
        # made non-increasing down it (isotonic: the average of the values pooled).
        from sklearn.isotonic import IsotonicRegression

        ep = IsotonicRegression(increasing=False).fit_transform(np.arange(len(ep)), ep)
    preds = []
    for r, ((s, i, j), q, e) in enumerate(zip(selected, pct, ep, strict=True)):
        n_shared, partners = shared_partners(a, i, j, names)
        preds.append(Prediction(genes[i], genes[j], s, rank=r + 1, shared_partners=n_shared,
                                percentile=float(q), expected_precision=float(e),
                                partners=partners,
                                path3=[] if n_shared else strongest_path3(a, i, j, names)))
    per_gene_ranks(preds)
    annotate(db, preds)
    scope = [genes[i] for i in rows] if rows is not None else None
    return PredictResult(run.id, cfg["method"], preds, scored, seconds, len(known),
                         chosen=cfg.get("chosen", cfg["method"]), scope=scope,
                         notes=notes)


def _open_run(db: GraphStore, run: Run, allow_changed_graph: bool
              ) -> tuple[FittedRun, Any, np.ndarray, tuple[str, ...]]:
    """What predict and score both start from: what the run fitted, its gene table, the
    known interactions among its genes now, and the notes to show (a changed graph,
    refused unless `allow_changed_graph`)."""
    fitted = run.load_fitted(db, allow_changed_graph=allow_changed_graph)
    table = run.load_genes()
    genes = list(table["gene_id"])
    present = db.scalar("pull/genes_present", {"ids": genes})
    if present < 0.9 * len(genes):
        raise GenekgError(
            f"run {run.id} was trained on genes that are not in this database "
            f"({present:,} of {len(genes):,} found)",
            hint="Point --uri at the database the run was trained on, or train a new run.")
    known = known_pairs(db, genes)
    notes = run.check_known(known, allow_changed_graph=allow_changed_graph)
    return fitted, table, known, fitted.predictor.notes_ + notes


def _random_pairs(m: int, known: np.ndarray, seed: int, count: int = 20_000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, m, count), rng.integers(0, m, count)
    p = np.sort(np.stack([i, j], axis=1)[i != j], axis=1)
    return p[~np.isin(encode(p, m), encode(known, m))] if len(known) else p


def score_pairs(db: GraphStore, run: Run, pairs: list[tuple[str, str]], *,
                allow_changed_graph: bool = False) -> list[PairScore]:
    """Score pairs a user brings with a run: calibrated score, expected precision, each
    gene's rank of the other among its candidates (predict's own ranking), named evidence.
    Known interactions and genes the run lacks are reported, never dropped."""
    cfg = run.config
    fitted, table, known, notes = _open_run(db, run, allow_changed_graph)
    for note in notes:
        logger.warning(note)
    genes = list(table["gene_id"])
    idx = {g: i for i, g in enumerate(genes)}
    names = sorted({x for p in pairs for x in p})
    ids = dict(db.scalar("pull/genes_by_name", {"s": names,
                                                "t": cfg["selection"]["taxon"]}) or [])
    known_adj = F.adjacency(known, len(genes))
    out = [PairScore(a, b, "scored", ids.get(a), ids.get(b)) for a, b in pairs]
    todo = []
    for k, r in enumerate(out):
        missing = [g for g, i in ((r.a, r.gene_a), (r.b, r.gene_b)) if i not in idx]
        if missing:
            r.status = "unknown gene: " + ", ".join(missing)
        elif r.gene_a == r.gene_b:
            r.status = "same gene"
        else:
            todo.append(k)
            if known_adj[idx[str(r.gene_a)], idx[str(r.gene_b)]]:
                r.status = "known interaction"
    if not todo:
        return out
    ij = np.array([[idx[str(out[k].gene_a)], idx[str(out[k].gene_b)]] for k in todo])
    ranked = fitted.rank_pairs(ij, known_adj)
    disp = display_names(genes, table)
    preds = []
    for n, k in enumerate(todo):
        r, (i, j) = out[k], ij[n]
        r.score = float(ranked.probability[n])
        r.expected_precision = float(ranked.expected_precision[n])
        r.rank_a, r.rank_b = float(ranked.rank_a[n]), float(ranked.rank_b[n])
        if r.status == "scored" and np.isnan(r.rank_a) and np.isnan(r.rank_b):
            r.status = "outside the candidates (predict never lists it)"
        n_shared, partners = shared_partners(known_adj, int(i), int(j), disp)
        preds.append(Prediction(genes[i], genes[j], r.score, shared_partners=n_shared,
                                partners=partners,
                                path3=strongest_path3(known_adj, int(i), int(j), disp)))
    annotate(db, preds)
    for k, p in zip(todo, preds, strict=True):
        out[k].evidence = p.evidence()
    return out

