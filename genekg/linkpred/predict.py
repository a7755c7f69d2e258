"""Score candidate gene pairs of a run and write the chosen ones back to Neo4j.

Scoring: the run's predictor is loaded as it was saved (`Run.load_predictor`). Where it
can score every pair cheaply (`exhaustive`: an embedding's edge classifier is the bilinear
form p(i, j) = σ((y_i ⊙ w) · y_j + b), so one block of rows is one matrix product against
all genes — memory O(block · M), never M×M) every candidate pair is ranked; otherwise
(a stack) stage 1 takes the union of each gene's best partners by the predictor's
generators (`candidates`) and stage 2 scores those. Known interactions (any
INTERACTS_WITH in the graph between the run's genes) and self-pairs are excluded.

Scores are the run's calibrated probabilities (Platt scaling fitted on validation pairs,
`genekg.linkpred.calibrate`); `percentile` places a pair among random candidate pairs.

Write-back: `(:Gene)-[:PREDICTED_INTERACTION {score, percentile, rank, model, run_id,
created_at, shared_partners, shares_pathway, shares_drug_target}]->(:Gene)`, stored once per pair
(lower id first). Writes are batched as PENDING_PREDICTION edges (a type no prediction
query matches) and turned into the run's PREDICTED_INTERACTION set by one transaction
(`write_predictions`), under a per-run write lock, so an interrupted write leaves the old
set or the new one for any query; other runs' edges are never touched.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from genekg.db import GraphStore
from genekg.db.connection import as_genekg_error, is_out_of_memory
from genekg.db.locks import take_lock
from genekg.errors import GenekgError
from genekg.features import similarity as F
from genekg.linkpred.ranking import GlobalTopK, PerGeneTopK, rank_pass
from genekg.linkpred.retrieval import stage_scores
from genekg.linkpred.runs import FittedRun, Run, known_pairs
from genekg.linkpred.split import encode

ProgressFn = Callable[[int, int], None]

logger = logging.getLogger("genekg.predict")


@dataclass
class Prediction:
    """One predicted pair with its calibrated score, rank, percentile and named evidence."""
    a: str
    b: str
    score: float
    rank: int = 0
    shared_partners: int = 0
    shares_pathway: bool = False
    shares_drug_target: bool = False
    percentile: float = 0.0
    # share of held-out validation edges among all candidates the run scored at least as
    # high: what the score means at the real prior (a lower bound; NaN: not estimated)
    expected_precision: float = float("nan")
    pathways: list[str] = field(default_factory=list)  # shared KEGG pathways (names)
    drugs: list[str] = field(default_factory=list)  # drugs targeting both
    partners: list[str] = field(default_factory=list)  # up to five shared partners
    # the strongest path of length 3 a–u–v–b through known interactions (L3's weight
    # 1/√(k_u k_v)): why a pair with no shared partner ranks high
    path3: list[str] = field(default_factory=list)
    kegg_relation: bool = False  # KEGG already relates the two genes (not new to the graph)
    # b's place among a's predicted partners in this result, and a's among b's (1 = best):
    # what a curator exploring one gene reads first
    gene_ranks: tuple[int, int] = (0, 0)

    def evidence(self) -> str:
        """One readable line: what the graph says about the pair besides the score."""
        parts = []
        if self.kegg_relation:
            parts.append("already a KEGG relation")
        if self.partners:
            more = self.shared_partners - len(self.partners)
            parts.append("partners " + ", ".join(self.partners) + (f" +{more}" if more > 0
                                                                 else ""))
        if self.pathways:
            parts.append("pathways " + "; ".join(self.pathways[:3])
                         + (f" +{len(self.pathways) - 3}" if len(self.pathways) > 3 else ""))
        if self.drugs:
            parts.append("drugs " + ", ".join(self.drugs[:3])
                         + (f" +{len(self.drugs) - 3}" if len(self.drugs) > 3 else ""))
        if self.path3:
            parts.append("path " + "–".join(self.path3))
        return " | ".join(parts) or "-"


@dataclass
class PredictOptions:
    """Which pairs to keep: global top-k, per-gene top partners, minimum score, genes."""
    top_k: int | None = 1000
    per_gene: int | None = None
    min_score: float | None = None
    genes: list[str] | None = None
    block: int = 256
    # At most this many pairs of one gene in the global top-k (hubs such as TP53 or UBC
    # otherwise fill it); None: no cap. Per-gene lists are never capped.
    max_per_gene: int | None = None


@dataclass
class PredictResult:
    """Scored and selected predictions of one run, with counts and timings."""
    run_id: str
    model: str
    predictions: list[Prediction]
    candidates_scored: int
    seconds_scoring: float
    known_excluded: int
    written: int = 0
    seconds_writing: float = 0.0
    chosen: str = ""  # the method `auto` chose (the run's method otherwise)
    scope: list[str] | None = None  # --genes: only these genes' edges are replaced
    notes: tuple[str, ...] = ()  # what loading the run wants the user told

    def hub_share(self, top: int = 5) -> list[tuple[str, float]]:
        """The genes in the largest share of the selected pairs (a hub-driven list shows
        one gene in many of them)."""
        counts = Counter(g for p in self.predictions for g in (p.a, p.b))
        n = max(len(self.predictions), 1)
        return [(g, c / n) for g, c in counts.most_common(top)]


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
    names = _display_names(genes, table)
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
        n_shared, partners = _shared_partners(a, i, j, names)
        preds.append(Prediction(genes[i], genes[j], s, rank=r + 1, shared_partners=n_shared,
                                percentile=float(q), expected_precision=float(e),
                                partners=partners,
                                path3=[] if n_shared else strongest_path3(a, i, j, names)))
    per_gene_ranks(preds)
    _annotate(db, preds)
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


def _display_names(genes: list[str], table: Any) -> list[str]:
    """Symbol of each run gene where known, else its id (as the query library shows them)."""
    sym = table["symbol"].tolist() if "symbol" in getattr(table, "columns", []) else []
    return [s if isinstance(s, str) and s else g
            for g, s in zip(genes, sym or [None] * len(genes), strict=True)]


def _shared_partners(adj: Any, i: int, j: int, names: list[str],
                     k: int = 5) -> tuple[int, list[str]]:
    """How many known partners the two genes share, and up to k of them alphabetically
    (one intersection of their adjacency rows: O(deg i + deg j), cheap even between hubs)."""
    common = np.intersect1d(adj.indices[adj.indptr[i]:adj.indptr[i + 1]],
                            adj.indices[adj.indptr[j]:adj.indptr[j + 1]], assume_unique=True)
    return len(common), sorted(names[c] for c in common)[:k]


def strongest_path3(adj: Any, i: int, j: int, names: list[str]) -> list[str]:
    """The path i–u–v–j through known interactions with the largest L3 weight
    1/√(k_u k_v) (ties: first in index order), as names; [] when there is none. Cost
    O(k_i · k_j) lookups in the adjacency rows, cheap for the genes a curator reads."""
    nu = adj.indices[adj.indptr[i]:adj.indptr[i + 1]]
    nv = adj.indices[adj.indptr[j]:adj.indptr[j + 1]]
    nu, nv = nu[nu != j], nv[nv != i]
    if not len(nu) or not len(nv):
        return []
    sub = adj[nu][:, nv].tocoo()
    if not sub.nnz:
        return []
    k = np.diff(adj.indptr).astype(np.float64)
    u, v = nu[sub.row], nv[sub.col]
    ok = u != v
    if not ok.any():
        return []
    u, v = u[ok], v[ok]
    best = int(np.argmax(1.0 / np.sqrt(k[u] * k[v])))
    return [names[i], names[int(u[best])], names[int(v[best])], names[j]]


def _annotate(db: GraphStore, preds: list[Prediction]) -> None:
    """Named evidence for curators from the graph: the KEGG pathways both genes are in and
    the drugs targeting both (query `predict/evidence`); shared partners come from the
    adjacency in `predict`."""
    for start in range(0, len(preds), 5000):
        chunk = preds[start : start + 5000]
        rows = db.scalar("predict/evidence", {"a": [p.a for p in chunk],
                                              "b": [p.b for p in chunk]}) or []
        for p, (pw, dr, kegg) in zip(chunk, rows, strict=True):
            p.pathways, p.drugs = list(pw), list(dr)
            p.shares_pathway, p.shares_drug_target = bool(pw), bool(dr)
            p.kegg_relation = bool(kegg)


def write_predictions(db: GraphStore, result: PredictResult, batch: int = 10_000) -> int:
    """Write this run's PREDICTED_INTERACTION edges, all-or-nothing for every reader.

    Under the run's write lock (two predicts of one run never interleave), edges are
    created in batches as PENDING_PREDICTION under a fresh `write_id`: a type that no
    query about predictions matches, the library's or a user's own. One transaction
    (`flip_*`) then replaces the run's old edges with them. A crash or kill before the
    flip leaves the old set exactly as it was; the leftovers are invisible and the run's
    next write collects them.

    A whole-run prediction replaces the run's set. A `--genes` prediction (result.scope)
    replaces only the run's edges touching those genes, so a re-run with the same genes is
    idempotent and the run's global top-k stays.
    """
    t0 = time.monotonic()
    now = datetime.now(UTC).isoformat()
    write = f"{result.run_id}/{uuid.uuid4().hex[:12]}"
    token = acquire_write_lock(db, result.run_id)
    try:
        _repeat(db, "predict/gc", {"run": result.run_id, "write": write, "batch": batch})
        try:
            written = _write_pending(db, result, write, now, batch)
            _flip(db, result, write, now, written, batch)
        finally:
            # This write's pending edges are leftovers either way: copied by the flip, or
            # (a failure) never flipped, the old set still the visible one. Invisible; if
            # the server is gone this fails too, and the next write's gc collects them.
            try:
                _repeat(db, "predict/discard", {"run": result.run_id, "write": write,
                                                "batch": batch})
            except Exception as exc:
                logger.warning("pending edges of write %s left for the next gc: %s",
                               write, exc)
    finally:
        with contextlib.suppress(Exception):
            db.run("predict/unlock", {"run": result.run_id, "token": token})
    result.written = written
    result.seconds_writing = time.monotonic() - t0
    return written


def _flip(db: GraphStore, result: PredictResult, write: str, now: str, written: int,
          batch: int) -> None:
    """The one transaction that makes `write`'s pending edges the run's visible set; for a
    whole-run set too large for one transaction at the server's heap, the batched switch."""
    flip = {"run": result.run_id, "write": write, "model": result.model, "now": now}
    try:
        if result.scope is None:
            db.run("predict/flip_full", flip)
        else:
            db.run("predict/flip_scope", {**flip, "genes": result.scope})
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        if result.scope is None:
            _flip_in_batches(db, result, flip, batch)
            return
        raise GenekgError(
            f"the {written:,} predictions of run {result.run_id} did not fit in the one "
            "transaction that makes them visible at once (so no query sees half a set): "
            f"{as_genekg_error(exc)}", hint="The old set is unchanged. Select fewer pairs "
            "(--top-k, --per-gene, --min-score) or give the server more memory (genekg "
            "server stop; GENEKG_HEAP=4g genekg server start).") from exc


def _flip_in_batches(db: GraphStore, result: PredictResult, flip: dict[str, str],
                     batch: int) -> None:
    """The switch for a set the one-transaction flip cannot hold (162,871 edges at the
    default 2g heap): copy the pending edges to PREDICTED_INTERACTION in batches under the
    new write id (not live, so the library's queries and genekg's commands still read the
    old set), switch the run's `live` list in one small transaction, then delete the old
    edges in batches. Library readers switch at once; a raw Cypher count of the type may
    briefly see both sets. A failure before the switch leaves the old set live (the
    copies are collected by the next write's gc)."""
    logger.warning("%s predictions are more than one transaction holds at this server's "
                   "memory: switching in batches (genekg's queries switch at once; raw "
                   "Cypher may briefly count both sets)", f"{len(result.predictions):,}")
    _repeat(db, "predict/flip_copy", {"run": flip["run"], "write": flip["write"],
                                      "batch": batch})
    db.run("predict/flip_live", flip)
    _repeat(db, "predict/gc", {"run": flip["run"], "write": flip["write"], "batch": batch})


def acquire_write_lock(db: GraphStore, run_id: str) -> str:
    """Take the write lock of `run_id`'s predictions; its token.

    A lock held by a process of this machine that no longer exists (a `kill -9`, a
    crash) is taken over; one held by a live process, or by another machine, is a
    GenekgError naming the holder.
    """
    token, _, row = take_lock(db, "predict/lock", {"run": run_id})
    if token is None:
        raise GenekgError(
            f"another `genekg predict` is writing predictions of run {run_id} (pid "
            f"{row.get('pid')} on {row.get('host')}, since {row.get('since')}); two writes "
            "of one run never interleave",
            hint="Wait for it to finish. If that process died on another machine, release "
                 "the lock in Cypher: MATCH (r:PredictionRun {id: $run}) REMOVE "
                 "r.writer_token")
    return token


def _write_pending(db: GraphStore, result: PredictResult, write: str, now: str,
                   batch: int) -> int:
    """Create the edges of one pending write in batches; the number created."""
    written = 0
    for start in range(0, len(result.predictions), batch):
        chunk = result.predictions[start : start + batch]
        rows = [{"a": p.a, "b": p.b, "score": p.score, "rank": p.rank,
                 "shared": p.shared_partners, "sp": p.shares_pathway,
                 "sd": p.shares_drug_target, "pct": round(p.percentile, 3),
                 "ep": None if p.expected_precision != p.expected_precision
                 else round(p.expected_precision, 5),
                 "pw": p.pathways, "dr": p.drugs, "pn": p.partners, "p3": p.path3,
                 "kr": p.kegg_relation, "gr": list(p.gene_ranks),
                 # Browser caption (genekg.grass): rank and what the score means
                 "cap": caption(p)} for p in chunk]
        written += int(db.scalar("predict/write_edges", {
            "rows": rows, "model": result.model, "run": result.run_id, "write": write,
            "now": now}) or 0)
    return written


def per_gene_ranks(preds: list[Prediction]) -> None:
    """Set each prediction's `gene_ranks`: the partner's place in each gene's own list
    (predictions are in score order, so a gene's n-th appearance is its n-th partner)."""
    seen: dict[str, int] = {}
    for p in preds:
        seen[p.a] = seen.get(p.a, 0) + 1
        seen[p.b] = seen.get(p.b, 0) + 1
        p.gene_ranks = (seen[p.a], seen[p.b])


def caption(p: Prediction) -> str:
    """The Browser caption of a predicted edge, readable whichever way the arrow points: the
    pair's best place in one gene's own list, naming that gene, then the expected precision
    (or the 1:1-prior score to two significant digits where the run has no estimate):
    `#1 of TP53 · EP 11%`. Without per-gene places, the run-wide rank: `#12 · EP 11%`."""
    if p.gene_ranks[0]:
        (r, gene) = min((p.gene_ranks[0], p.a), (p.gene_ranks[1], p.b),
                        key=lambda x: x[0])
        where = f"#{r} of {gene.split(':', 1)[-1]}"
    else:
        where = f"#{p.rank}"
    if p.expected_precision == p.expected_precision:
        return f"{where} · EP {100 * p.expected_precision:.2g}%"
    return f"{where} · {p.score:#.2g}"


def delete_run(db: GraphStore, run_id: str, batch: int = 10_000) -> int:
    """Hide one run's predictions at once, then delete its edges in batches; the number
    of edges that were visible (0 when the run is unknown)."""
    visible = db.scalar("predict/forget_run", {"run": run_id}) or 0
    removed = _repeat(db, "predict/delete_edges", {"run": run_id, "batch": batch})
    return int(visible) or removed


def _repeat(db: GraphStore, query: str, params: dict[str, Any]) -> int:
    """Run a batched statement (one that returns `n`, the rows it touched) until it
    touches nothing; the total."""
    total = 0
    while n := int(db.scalar(query, params) or 0):
        total += n
    return total


def iter_tsv_rows(result: PredictResult) -> Iterator[list[str]]:
    """The TSV rows of a prediction result, header first."""
    yield ["rank", "gene_a", "gene_b", "score", "expected_precision", "percentile",
           "kegg_relation", "path3", "shared_partners",
           "shares_pathway", "shares_drug_target", "model", "run_id", "shared_pathways",
           "drugs_targeting_both", "shared_partner_names"]
    for p in result.predictions:
        yield [str(p.rank), p.a, p.b, f"{p.score:.6f}", f"{p.expected_precision:.5f}",
               f"{p.percentile:.3f}", str(p.kegg_relation).lower(), "–".join(p.path3),
               str(p.shared_partners),
               str(p.shares_pathway).lower(), str(p.shares_drug_target).lower(),
               result.model, result.run_id, "; ".join(p.pathways), "; ".join(p.drugs),
               ", ".join(p.partners)]


def write_tsv(result: PredictResult, path: Path | None) -> None:
    """Write the predictions as TSV to `path` (stdout when None)."""
    import sys

    try:
        fh = open(path, "w", newline="") if path else sys.stdout  # noqa: SIM115
        try:
            csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(
                iter_tsv_rows(result))
        finally:
            if path:
                fh.close()
    except OSError as exc:
        raise GenekgError(f"could not write {path or 'stdout'}: {exc.strerror or exc}",
                          hint="The predictions were not written to the graph either; "
                               "run again with another --output.") from None


@dataclass
class PairScore:
    """A user's pair, scored by a run: known, scored, or which gene the run lacks."""

    a: str  # as given
    b: str
    status: str  # "scored", "known interaction", "unknown gene: X", "same gene",
    #              "outside the candidates …" (scored, but stage 1 never ranks the pair)
    gene_a: str | None = None  # graph ids
    gene_b: str | None = None
    score: float = float("nan")  # calibrated, P(edge) at a 1:1 prior
    expected_precision: float = float("nan")
    rank_a: float = float("nan")  # b among a's candidate partners (1 = a's best)
    rank_b: float = float("nan")
    evidence: str = "-"


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Two genes per line (tab, comma or whitespace separated; '#' comments and an optional
    header line `gene_a gene_b`); a line with fewer than two fields is an error naming it."""
    import gzip
    import re
    import zlib

    from genekg.errors import InputError

    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # a gzipped list reads as its text
            raw = gzip.decompress(raw)
    except OSError as exc:
        raise GenekgError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (EOFError, zlib.error) as exc:
        raise InputError(f"a damaged gzip file ({exc})", path=str(path)) from None
    bad = raw.find(b"\x00")
    try:
        if bad >= 0:
            raise UnicodeDecodeError("utf-8", raw, bad, bad + 1, "NUL byte")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not a text file of gene pairs (byte {exc.start} is not UTF-8 "
                         "text)", path=str(path), line=raw[:exc.start].count(b"\n") + 1,
                         hint="One pair per line: GENE_A<TAB>GENE_B (plain or gzipped "
                         "text)") from None
    out: list[tuple[str, str]] = []
    for no, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f for f in re.split(r"[\t,\s]+", line) if f]
        if len(fields) < 2:
            raise GenekgError(f"{path}:{no}: expected two genes, found {line!r}",
                              hint="One pair per line: GENE_A<TAB>GENE_B")
        if no == 1 and fields[0].lower() in ("gene_a", "a", "gene1", "source"):
            continue
        out.append((fields[0], fields[1]))
    if not out:
        raise GenekgError(f"{path}: no gene pairs in the file")
    return out


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
    disp = _display_names(genes, table)
    preds = []
    for n, k in enumerate(todo):
        r, (i, j) = out[k], ij[n]
        r.score = float(ranked.probability[n])
        r.expected_precision = float(ranked.expected_precision[n])
        r.rank_a, r.rank_b = float(ranked.rank_a[n]), float(ranked.rank_b[n])
        if r.status == "scored" and np.isnan(r.rank_a) and np.isnan(r.rank_b):
            r.status = "outside the candidates (predict never lists it)"
        n_shared, partners = _shared_partners(known_adj, int(i), int(j), disp)
        preds.append(Prediction(genes[i], genes[j], r.score, shared_partners=n_shared,
                                partners=partners,
                                path3=strongest_path3(known_adj, int(i), int(j), disp)))
    _annotate(db, preds)
    for k, p in zip(todo, preds, strict=True):
        out[k].evidence = p.evidence()
    return out
