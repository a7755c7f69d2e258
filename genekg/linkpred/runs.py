"""A training run's directory: everything `predict` needs, and what reproduces it.

runs/<id>/
  run.json           the run record (genekg.record.RunRecord): selection, method,
                     hyper-parameters, split and seed (config); package/server versions;
                     data fingerprints; timings; test AUROC/AUPR and history (metrics)
  embeddings.parquet gene_id, symbol, embedding (list<float32>)
  classifier.npz     Hadamard logistic regression folded into (w, b): p = σ((y_i⊙w)·y_j + b)
  split.npz          train / val / test index pairs (leakage audits)
  model.pt           GNE weights (GNE runs)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from genekg.config import runs_dir
from genekg.errors import GenekgError
from genekg.linkpred.evaluate import EdgeClassifier
from genekg.linkpred.split import EdgeSplit
from genekg.record import RECORD_FILE, RunRecord


def new_run_id(method: str, organism: str, seed: int) -> str:
    """A sortable run id: `<UTC time>-<method>-<organism>-s<seed>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{method.replace('+', '-')}-{organism}-s{seed}"



@dataclass
class Classifier:
    """The fitted edge classifier as a bilinear form over embeddings."""

    w: np.ndarray
    b: float

    @classmethod
    def from_edge_classifier(cls, clf: EdgeClassifier) -> Classifier:
        """The stored, torch-free form of a fitted Hadamard-LR edge classifier."""
        coef = clf.lr.coef_.ravel() / clf.scale
        b = float(clf.lr.intercept_[0])
        return cls(coef.astype(np.float64), b)

    def probability(self, emb: np.ndarray, pairs: np.ndarray) -> np.ndarray:
        """p(i, j) = σ((y_i ⊙ w) · y_j + b) for index pairs."""
        z = np.einsum("ij,ij->i", emb[pairs[:, 0]] * self.w, emb[pairs[:, 1]]) + self.b
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def logits_block(self, emb: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Logits of (row gene, every gene): one matrix product, memory O(|rows|·M)."""
        return np.asarray((emb[rows] * self.w) @ emb.T + self.b)


class Run:
    """One training run's folder under runs/: config, metadata, metrics, embeddings, model."""
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def id(self) -> str:
        """The run id (the folder name)."""
        return self.path.name

    @classmethod
    def create(cls, run_id: str, base: Path | None = None) -> Run:
        """A new, empty run folder (error if it exists)."""
        path = (base or runs_dir()) / run_id
        path.mkdir(parents=True, exist_ok=False)
        return cls(path)

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
        frame = pd.read_parquet(self.path / "embeddings.parquet")
        emb = np.vstack(list(frame["embedding"])).astype(np.float32)
        return list(frame["gene_id"]), emb, frame

    def save_classifier(self, clf: Classifier) -> None:
        """Store the edge classifier (classifier.npz)."""
        np.savez(self.path / "classifier.npz", w=clf.w, b=np.array([clf.b]))

    def load_classifier(self) -> Classifier:
        """Load the stored edge classifier."""
        z = np.load(self.path / "classifier.npz")
        return Classifier(z["w"], float(z["b"][0]))

    def save_member(self, name: str, emb: np.ndarray, clf: Classifier) -> None:
        """Store a stack member's embedding and edge classifier (member_<name>.npz)."""
        np.savez(self.path / f"member_{name}.npz", embedding=emb.astype(np.float64), w=clf.w,
                 b=np.array([clf.b]))

    def load_member(self, name: str) -> tuple[np.ndarray, Classifier]:
        """A stack member stored by `save_member`."""
        z = np.load(self.path / f"member_{name}.npz")
        return z["embedding"], Classifier(z["w"], float(z["b"][0]))

    def save_split(self, split: EdgeSplit) -> None:
        """Store the split's train/validation/test pairs (split.npz)."""
        np.savez_compressed(self.path / "split.npz", train=split.train, val_pos=split.val_pos,
                            val_neg=split.val_neg, test_pos=split.test_pos,
                            test_neg=split.test_neg, train_neg=split.train_neg)

