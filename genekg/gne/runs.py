"""A training run's directory: everything `predict` needs, and what reproduces it.

runs/<id>/
  config.json        selection, method, hyper-parameters, split, seed
  metadata.json      package/server versions, data fingerprints, timings
  metrics.json       test AUROC/AUPR on the held-out split, epoch history
  embeddings.parquet gene_id, symbol, embedding (list<float32>)
  classifier.npz     Hadamard logistic regression folded into (w, b): p = σ((y_i⊙w)·y_j + b)
  split.npz          train / val / test index pairs (leakage audits)
  model.pt           GNE weights (GNE runs)
"""

from __future__ import annotations

import importlib.metadata as md
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from genekg import __version__
from genekg.config import runs_dir
from genekg.errors import GenekgError
from genekg.gne.split import EdgeSplit
from genekg.linkpred.evaluate import EdgeClassifier


def new_run_id(method: str, organism: str, seed: int) -> str:
    """A sortable run id: `<UTC time>-<method>-<organism>-s<seed>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{method.replace('+', '-')}-{organism}-s{seed}"


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape results (recorded in each run)."""
    out = {"genekg": __version__, "python": platform.python_version()}
    for pkg in ("torch", "numpy", "scikit-learn", "scipy", "pandas", "neo4j"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "missing"
    return out


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
        if not (path / "config.json").exists():
            known = sorted(p.name for p in (base or runs_dir()).glob("*")
                           if (p / "config.json").exists()) if (base or runs_dir()).exists() else []
            raise GenekgError(f"no training run {run_id!r} in {base or runs_dir()}",
                              hint="Known runs: " + (", ".join(known[-10:]) or "none; "
                                                     "run `genekg train` first"))
        return cls(path)

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        """Write `<name>.json` into the run folder."""
        (self.path / name).write_text(json.dumps(data, indent=2, default=_jsonable))

    def read_json(self, name: str) -> dict[str, Any]:
        """Read `<name>.json` from the run folder."""
        return dict(json.loads((self.path / name).read_text()))

    @property
    def config(self) -> dict[str, Any]:
        """The run's config.json."""
        return self.read_json("config.json")

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

    def save_split(self, split: EdgeSplit) -> None:
        """Store the split's train/validation/test pairs (split.npz)."""
        np.savez_compressed(self.path / "split.npz", train=split.train, val_pos=split.val_pos,
                            val_neg=split.val_neg, test_pos=split.test_pos,
                            test_neg=split.test_neg, train_neg=split.train_neg)


def _jsonable(o: object) -> object:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(type(o))
