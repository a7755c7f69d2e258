"""The run contract: every command that trains or evaluates writes one `RunRecord`
(`run.json` in its output folder) and seeds every generator through `seed_everything`.

A record says what ran (`command`, `config`), with which seed, on which data
(`data`: fingerprints and sizes), with which software (`versions`) and server, how long it
took and what it measured (`metrics`). `genekg train`, `genekg evaluate`, `genekg expression
evaluate` and `genekg expression train` all write it; `RunRecord.read` reads any of them.
"""

from __future__ import annotations

import functools
import importlib.metadata as md
import json
import platform
import random
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from genekg import __version__
from genekg.errors import GenekgError

RECORD_FILE = "run.json"


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape results (recorded in each run)."""
    out = {"genekg": __version__, "genekg_commit": git_commit(),
           "python": platform.python_version()}
    for pkg in ("torch", "numpy", "scikit-learn", "scipy", "pandas", "neo4j"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "missing"
    return out


@functools.cache
def git_commit() -> str:
    """The commit of the genekg checkout this package runs from ("+dirty" when it has
    uncommitted changes), or "unknown" for an installed copy without git."""
    import subprocess

    from genekg.server.manager import child_env

    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=5, check=True,
                              env=child_env())
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, timeout=5, check=True,
                               env=child_env())
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's global and (when installed) torch's generators, CPU and CUDA.

    Library code draws from generators built from the seed (`np.random.default_rng(seed)`,
    `random_state=seed`); this covers third-party code that reads the global ones."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a declared dependency
        return
    torch.manual_seed(seed)


def now_utc() -> str:
    """The current UTC time, ISO 8601 (record timestamps)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RunRecord:
    """One command's record of a training or evaluation run (`run.json`)."""

    command: str  # "train", "evaluate", "expression evaluate", "expression train"
    run_id: str
    seed: int
    config: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)  # fingerprints, sizes
    metrics: dict[str, Any] = field(default_factory=dict)
    server: dict[str, Any] | None = None
    versions: dict[str, str] = field(default_factory=package_versions)
    started: str = ""  # ISO 8601; default: the time the command began (now − seconds)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        # Records are made when the work is done: the start is `seconds` before that.
        if not self.started:
            begun = datetime.now(UTC) - timedelta(seconds=self.seconds)
            self.started = begun.isoformat(timespec="seconds")

    def write(self, folder: Path) -> Path:
        """Write the record as `run.json` into `folder` (created if needed)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / RECORD_FILE
        path.write_text(json.dumps(asdict(self), indent=2, default=jsonable))
        return path

    @classmethod
    def read(cls, folder: Path) -> RunRecord:
        """The record in `folder`; GenekgError when there is none or it is not one."""
        path = folder / RECORD_FILE
        try:
            raw = json.loads(path.read_text())
            return cls(**raw)
        except FileNotFoundError:
            raise GenekgError(f"{folder} holds no run record ({RECORD_FILE})") from None
        except (json.JSONDecodeError, TypeError) as exc:
            raise GenekgError(f"{path}: not a genekg run record ({exc})") from None


def jsonable(o: object) -> object:
    """JSON form of NumPy scalars/arrays and paths (the `default` of json.dumps)."""
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(type(o))
