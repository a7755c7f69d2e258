"""A training run's directory: everything `predict` needs, and what reproduces it.

runs/<id>/
  run.json           the run record (genekg.record.RunRecord): selection, method,
                     hyper-parameters, split and seed (config, with `run_format`);
                     package/server versions and git commit; data fingerprints; timings;
                     test AUROC/AUPR and the method's report (metrics)
  predictor/         the fitted predictor, saved by itself (`LinkPredictor.save`):
                     predictor.json names its kind; embeddings, bilinear classifiers,
                     boosters, feature specification, members in their own folders
  genes.parquet      gene_id, symbol: the index space of the predictor's pairs
  embeddings.parquet gene_id, symbol, embedding (runs whose predictor is an embedding)
  split.npz          train / val / test index pairs (leakage audits)

A run is written into a hidden staging folder and renamed when complete: a failed fit or
save leaves no run behind, and an existing run is never overwritten.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from genekg.config import runs_dir
from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.linkpred.base import LinkPredictor
from genekg.linkpred.calibrate import Calibrator
from genekg.linkpred.methods import load_predictor, save_predictor
from genekg.linkpred.ranking import PairRanks, rank_pass
from genekg.linkpred.retrieval import TAIL_TOP, read_expected_precision, stage_scores
from genekg.linkpred.split import EdgeSplit, canonical_pairs, encode
from genekg.record import RECORD_FILE, RunRecord

# 2: the predictor saves itself (predictor/); 1 (no field): classifier.npz + stack.joblib
# 3: the calibrator and the expected-precision curve live beside the predictor (fitted.json),
# not in run.json's config
RUN_FORMAT = 3
__all__ = ["RUN_FORMAT", "FittedRun", "Run", "known_pairs", "new_run_id"]


def enclosing_run(path: Path) -> Path | None:
    """The run folder (a folder holding a run.json) that `path` is in or is, or None."""
    here = path.resolve()
    for folder in (here, *here.parents):
        if (folder / "run.json").is_file():
            return folder
    return None


def check_output_file(path: Path, option: str = "--output") -> None:
    """Refuse, before any work, an output file genekg cannot or must not write: a folder,
    a missing or read-only folder, a run record, anything inside a run folder (what a
    run holds is written by train alone). A device or pipe can only fail when written
    (`write_tsv` turns that into a one-line error)."""
    import os

    if path.is_dir():
        raise GenekgError(f"{option} {path} is a folder; give a file name",
                          hint=f"e.g. {option} {path / 'predictions.tsv'}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise GenekgError(f"{option} {path}: folder {parent} does not exist",
                          hint=f"mkdir -p {parent}")
    run = enclosing_run(path)
    if run is not None:
        raise GenekgError(f"{option} {path} is inside the run folder {run}; a run's files are "
                          "written by `genekg train` only and are never replaced",
                          hint=f"Write it elsewhere, e.g. {option} {path.name}")
    unwritable_file = path.is_file() and not os.access(path, os.W_OK)
    unwritable_folder = not path.exists() and not os.access(parent, os.W_OK)
    if unwritable_file or unwritable_folder:
        raise GenekgError(f"{option} {path} cannot be written: permission denied")


def check_new_folder(out: Path, option: str = "--out") -> None:
    """Refuse an output folder that already holds files (a run's, or an earlier result's):
    results go to a folder of their own and never over another's."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        what = "a run folder" if (out / "run.json").is_file() else "not empty"
        raise GenekgError(f"{option} {out} is {what}; results are never written over "
                          "another's", hint=f"Choose a new folder, e.g. {option} {out}-2")
    import os

    # the folder itself, or the nearest existing one it would be created in
    base = out
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir() or not os.access(base, os.W_OK | os.X_OK):
        raise GenekgError(f"{option} {out} cannot be written: "
                          + ("permission denied" if base.is_dir() else f"{base} is a file"),
                          hint=f"Choose a folder you can write, e.g. {option} ./{out.name}")


def known_pairs(db: GraphStore, genes: list[str]) -> np.ndarray:
    """Index pairs of every known interaction among `genes` (any source or release): what
    predict excludes as known, and what a run records it saw when trained."""
    rows = db.scalar("predict/known_pairs", {"ids": genes}) or []
    idx = {g: i for i, g in enumerate(genes)}
    pairs = [(idx[a], idx[b]) for a, b in rows if a in idx and b in idx]
    return canonical_pairs(np.array(pairs, dtype=np.int64).reshape(-1, 2))


def new_run_id(method: str, organism: str, seed: int) -> str:
    """A sortable run id: `<UTC time>-<method>-<organism>-s<seed>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{method.replace('+', '-')}-{organism}-s{seed}"


@dataclass(frozen=True)
class PairRanking:
    """What `FittedRun.rank_pairs` states of each pair: P(edge), expected precision, the
    rank of b in a's own list and of a in b's (NaN: predict never lists it)."""

    probability: np.ndarray
    expected_precision: np.ndarray
    rank_a: np.ndarray
    rank_b: np.ndarray


@dataclass
class FittedRun:
    """Everything a run fitted, as one object: the predictor, the calibrator that turns its
    scores into P(edge) at a 1:1 prior, and the expected-precision curve (the share of
    held-out validation edges among all candidates scored as high). What `predict`,
    `score` and a notebook read; saved as `predictor/` plus `fitted.json`."""

    predictor: LinkPredictor
    calibrator: Calibrator
    precision_curve: dict[str, list[float]] = field(default_factory=dict)

    def probability(self, pairs: np.ndarray) -> np.ndarray:
        """Calibrated P(edge) of index pairs by the predictor (the score predict writes
        for a pair stage 1 admits; `rank_pairs` states every pair as predict ranks it)."""
        return self.calibrator(self.predictor.score(pairs))

    def rank_pairs(self, pairs: np.ndarray, known: sp.csr_matrix) -> PairRanking:
        """Index pairs as predict ranks them among all pairs that are not `known`
        (adjacency of the known interactions): calibrated P(edge), expected precision and
        each gene's rank of the other in its own list (one `rank_pass` over the pairs'
        genes). A pair in a cascade's tail (stage 1 did not admit it) is stated from its
        tail score, not from the booster's opinion of a pair the list places below every
        admitted one."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        prob, ep = self.probability(pairs), self.expected_precision(pairs)
        ranks = PairRanks(self.predictor.n_genes, pairs)
        rows = ranks.rows()
        rank_pass(stage_scores(self.predictor, known, None, rows), self.predictor.n_genes,
                  [ranks], rows=rows, exclude=known)
        rank, stage = ranks.result()
        tail = np.isfinite(stage) & (stage < TAIL_TOP)
        if tail.any():
            at = self.calibrator(np.where(tail, stage, 0.0))
            prob = np.where(tail, at, prob)
            ep = np.where(tail, read_expected_precision(self.precision_curve, at), ep)
        return PairRanking(prob, ep, rank[:, 0], rank[:, 1])

    def expected_precision(self, pairs: np.ndarray) -> np.ndarray:
        """Expected precision of index pairs, read off the curve on the footing it was
        estimated with (`honest_score`: out-of-fold for the stack); NaN without a curve."""
        if not len(pairs):
            return np.empty(0)
        return read_expected_precision(self.precision_curve,
                                       self.calibrator(self.predictor.honest_score(pairs)))

    def save(self, folder: Path) -> None:
        """`folder/predictor/` and `folder/fitted.json`."""
        save_predictor(self.predictor, folder / "predictor")
        (folder / "fitted.json").write_text(json.dumps(
            {"calibration": self.calibrator.to_dict(), "precision_curve": self.precision_curve},
            default=float))

    @classmethod
    def load(cls, folder: Path, store: GraphStore | None, *,
             allow_changed_graph: bool = False) -> FittedRun:
        """What `save` wrote; GenekgError naming the folder when part of it is missing."""
        path = folder / "fitted.json"
        if not path.exists():
            raise GenekgError(f"{folder} holds no fitted.json (a run of an older format)",
                              hint="Train it again with `genekg train`.")
        raw = json.loads(path.read_text())
        predictor = load_predictor(folder / "predictor", store,
                                   allow_changed_graph=allow_changed_graph)
        return cls(predictor, Calibrator(**raw["calibration"]), raw.get("precision_curve", {}))


class Run:
    """One training run's folder under runs/: config, metadata, metrics, embeddings, model."""
    def __init__(self, path: Path, run_id: str | None = None) -> None:
        self.path = path
        self._id = run_id or path.name

    @property
    def id(self) -> str:
        """The run id: the folder's final name, also while it is written under a staging
        name (what run.json records)."""
        return self._id

    @classmethod
    @contextmanager
    def staged(cls, run_id: str, base: Path | None = None) -> Iterator[Run]:
        """A run written in `.<id>.partial` and renamed to `<id>` when the block succeeds;
        removed when it fails, so no half-written run is ever visible."""
        final = (base or runs_dir()) / run_id
        if final.exists():
            raise GenekgError(f"run folder {final} exists already; runs are never overwritten")
        tmp = final.parent / f".{run_id}.partial"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        run = cls(tmp, run_id)
        try:
            yield run
            tmp.rename(final)
            run.path = final
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def open(cls, run_id: str, base: Path | None = None) -> Run:
        """An existing run by id or path; GenekgError naming the runs folder otherwise."""
        path = Path(run_id)
        if not path.is_dir():
            path = (base or runs_dir()) / run_id
        if not (path / RECORD_FILE).exists():
            base_dir = base or runs_dir()
            known = sorted(p.name for p in base_dir.glob("*")
                           if (p / RECORD_FILE).exists()) if base_dir.exists() else []
            raise GenekgError(f"no training run {run_id!r} in {base_dir}",
                              hint="Known runs: " + (", ".join(known[-10:]) or "none; "
                                                     "run `genekg train` first"))
        return cls(path)

    @property
    def record(self) -> RunRecord:
        """The run's record (run.json)."""
        return RunRecord.read(self.path)

    def check_format(self) -> None:
        """Refuse runs of another format with a message that says what to do."""
        fmt = self.config.get("run_format", 1)
        if fmt != RUN_FORMAT:
            raise GenekgError(f"run {self.id} was written in run format {fmt}; this genekg "
                              f"reads format {RUN_FORMAT}",
                              hint="Train it again with `genekg train` (its run.json records "
                              "the selection, method and seed).")

    def save_fitted(self, fitted: FittedRun) -> None:
        """Save what the run fitted: predictor/, fitted.json."""
        fitted.save(self.path)

    def load_fitted(self, store: GraphStore | None, *,
                    allow_changed_graph: bool = False) -> FittedRun:
        """What the run fitted, as saved: predictor, calibrator, expected-precision curve."""
        self.check_format()
        return FittedRun.load(self.path, store, allow_changed_graph=allow_changed_graph)

    def load_predictor(self, store: GraphStore | None, *,
                       allow_changed_graph: bool = False) -> LinkPredictor:
        """The run's fitted predictor alone (uncalibrated scores: `load_fitted` for what
        predict reads)."""
        return self.load_fitted(store, allow_changed_graph=allow_changed_graph).predictor

    def save_genes(self, genes: list[str], symbols: list[str | None]) -> None:
        """Store the run's genes (the index space of its pairs) as genes.parquet."""
        pd.DataFrame({"gene_id": genes, "symbol": symbols}).to_parquet(
            self.path / "genes.parquet", index=False)

    def load_genes(self) -> pd.DataFrame:
        """gene_id, symbol of the run's genes, in index order."""
        return pd.read_parquet(self.path / "genes.parquet")

    @property
    def config(self) -> dict[str, Any]:
        """The run's configuration: selection, method, hyper-parameters, split, seed."""
        return self.record.config

    def save_embeddings(self, genes: list[str], symbols: list[str | None],
                        emb: np.ndarray) -> None:
        """Store the gene embeddings as Parquet (gene_id, symbol, embedding)."""
        frame = pd.DataFrame({"gene_id": genes, "symbol": symbols,
                              "embedding": list(emb.astype(np.float32))})
        frame.to_parquet(self.path / "embeddings.parquet", index=False)

    def load_embeddings(self) -> tuple[list[str], np.ndarray, pd.DataFrame]:
        """Gene ids, the embedding matrix and the stored table."""
        if not (self.path / "embeddings.parquet").exists():
            raise GenekgError(f"run {self.id} has no gene embedding (its method, "
                              f"{self.config.get('method')}, is not an embedding method)")
        frame = pd.read_parquet(self.path / "embeddings.parquet")
        emb = np.vstack(list(frame["embedding"])).astype(np.float32)
        return list(frame["gene_id"]), emb, frame

    def save_known(self, pairs: np.ndarray) -> None:
        """Record the known interactions among the run's genes when it was trained
        (known.npz): predict compares the graph against it."""
        np.savez_compressed(self.path / "known.npz", pairs=np.asarray(pairs, dtype=np.int64))

    def check_known(self, now: np.ndarray, *, allow_changed_graph: bool = False
                    ) -> tuple[str, ...]:
        """Compare the known interactions among the run's genes now with those at training.

        Unchanged: no note. Changed: GenekgError saying how (pairs new since training are
        excluded from predictions as known; pairs gone are candidates again), or, with
        `allow_changed_graph`, that message as a note to show the user. Runs trained before
        this record existed are not checked.
        """
        path = self.path / "known.npz"
        if not path.exists():
            return ()
        with np.load(path) as f:
            then = f["pairs"]
        m = int(max(then.max(initial=0), now.max(initial=0))) + 1
        a, b = encode(then, m), encode(np.asarray(now, dtype=np.int64).reshape(-1, 2), m)
        new, gone = np.setdiff1d(b, a).size, np.setdiff1d(a, b).size
        if new == gone == 0:
            return ()
        msg = (f"the interactions among run {self.id}'s genes changed since it was trained: "
               f"{new:,} pairs are new (excluded from its predictions as known) and "
               f"{gone:,} are gone ({len(then):,} then, {len(now):,} now)")
        if not allow_changed_graph:
            raise GenekgError(msg, hint="Train a new run on the graph as it is now, or pass "
                              "--allow-changed-graph to use this one anyway.")
        return (msg + "; going on as --allow-changed-graph asks",)

    def save_split(self, split: EdgeSplit) -> None:
        """Store the split's train/validation/test pairs (split.npz)."""
        np.savez_compressed(self.path / "split.npz", train=split.train, val_pos=split.val_pos,
                            val_neg=split.val_neg, test_pos=split.test_pos,
                            test_neg=split.test_neg, train_neg=split.train_neg)

