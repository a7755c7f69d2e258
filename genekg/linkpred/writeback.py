"""Write a run's predictions back as `PREDICTED_INTERACTION` edges, all-or-nothing for
every reader.

Writes are batched as PENDING_PREDICTION edges (a type no prediction query matches) and
turned into the run's PREDICTED_INTERACTION set by one transaction (`write_predictions`),
under a per-run write lock, so an interrupted write leaves the old set or the new one for
any query; other runs' edges are never touched. A whole-run set too large for one
transaction at the server's heap is switched in batches (`_flip_in_batches`).
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from genekg.db import GraphStore
from genekg.db.connection import as_genekg_error, is_out_of_memory
from genekg.db.locks import take_lock
from genekg.errors import GenekgError
from genekg.linkpred.prediction import PredictResult, caption

logger = logging.getLogger("genekg.predict")


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

