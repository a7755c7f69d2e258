"""Predict L1000 expression of target genes from experiment descriptors plus graph features
(Al taweraqi & King 2022), on LINCS signatures and the knowledge graph.

Standard features of an experiment: log10 dose, time (h), vehicle flag, one-hot drug
(pert_iname). Graph features of target gene g: see `genekg.features.kg` (join rule).
Models: baseline MTRS (standard features only), one MTRS per feature set, and `stacking`
(the mean of the seven feature-set models' predictions). Split: seeded random train/test.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import r2_score

from genekg.db import Database, GraphStore
from genekg.errors import GenekgError
from genekg.expression.mtrs import MTRS, compare, impute_median
from genekg.features.kg import FEATURE_SETS, compute, pull_kg
from genekg.loaders.base import sha256_of
from genekg.record import RunRecord

ProgressFn = Callable[[str], None]


def _number(value: str) -> float:
    m = re.search(r"[-+]?\d*\.?\d+(e[-+]?\d+)?", value or "", re.I)
    return float(m.group(0)) if m else float("nan")


@dataclass
class ExpressionReport:
    """Outcome of one expression experiment: R² per model and gene, comparisons, contributors,
    cost."""
    genes: list[str]
    r2: dict[str, np.ndarray]
    comparison: dict[str, dict[str, float]]
    top_contributors: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)
    memory_mib: dict[str, float] = field(default_factory=dict)
    n_train: int = 0
    n_test: int = 0
    drugs_in_graph: float = 0.0
    config: dict[str, Any] = field(default_factory=dict)  # lincs, cell, seeds, trees, learner
    data: dict[str, Any] = field(default_factory=dict)  # fingerprints

    def save(self, out: Path) -> list[Path]:
        """r2_per_gene.csv, top_contributors.csv and the run record (run.json: config,
        seeds, data fingerprints, comparison, timings, memory) in `out`."""
        import pandas as pd

        out.mkdir(parents=True, exist_ok=True)
        r2 = pd.DataFrame(self.r2, index=self.genes)
        r2.index.name = "gene"
        r2.to_csv(out / "r2_per_gene.csv")
        pd.DataFrame(self.top_contributors).to_csv(out / "top_contributors.csv", index=False)
        seed = int(self.config.get("seed", 0))
        record = RunRecord(
            command="expression evaluate", run_id=out.name, seed=seed, config=self.config,
            data={**self.data, "genes": self.genes, "n_train": self.n_train,
                  "n_test": self.n_test, "drugs_in_graph": self.drugs_in_graph},
            metrics={"comparison": self.comparison, "memory_mib": self.memory_mib,
                     "timings_s": self.timings},
            seconds=sum(self.timings.values()))
        return [out / "r2_per_gene.csv", out / "top_contributors.csv", record.write(out)]

    def plot(self, path: Path) -> Path:
        """Bar charts: genes where each model is best; wins/losses against the baseline."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        comp = self.comparison
        names = list(comp)
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        axes[0].bar(names, [comp[n]["best_count"] for n in names], color="#4C8EDA")
        axes[0].set_title("genes where the model is best")
        others = [n for n in names if n != "baseline"]
        axes[1].bar(others, [comp[n]["wins_vs_baseline"] for n in others], color="#8DCC93",
                    label="wins")
        axes[1].bar(others, [-comp[n]["losses_vs_baseline"] for n in others],
                    color="#F16667", label="losses")
        axes[1].axhline(0, color="black", lw=0.5)
        axes[1].set_title("vs baseline (R² per gene)")
        axes[1].legend()
        for ax in axes:
            ax.tick_params(axis="x", rotation=45)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path


def standard_features(meta: dict[str, list[str]]) -> tuple[np.ndarray, list[str]]:
    """Standard features per signature: log10 dose, time, vehicle flag, drug one-hot; and their
    names."""
    n = len(meta["id"])
    dose = np.array([_number(x) for x in meta.get("pert_dose", meta.get("pert_idose",
                                                                          [""] * n))])
    tm = np.array([_number(x) for x in meta.get("pert_time", meta.get("pert_itime",
                                                                        [""] * n))])
    ptype = meta.get("pert_type", ["trt_cp"] * n)
    vehicle = np.array([1.0 if t.startswith("ctl") else 0.0 for t in ptype])
    names = meta.get("pert_iname", [""] * n)
    drugs = sorted(set(names))
    onehot = np.array([[1.0 if nm == d else 0.0 for d in drugs] for nm in names])
    logdose = np.log10(np.where(dose > 0, dose, np.nan))
    x = np.column_stack([np.nan_to_num(logdose, nan=-3.0), np.nan_to_num(tm), vehicle, onehot])
    return x, ["log10_dose", "time_h", "vehicle"] + [f"drug={d}" for d in drugs]


def run_expression_experiment(
    db: Database,
    lincs_path: Path,
    *,
    cell: str,
    genes: list[str] | None = None,
    n_genes: int = 50,
    sets: tuple[str, ...] = FEATURE_SETS,
    test_frac: float = 0.25,
    n_trees: int = 300,
    seed: int,
    dim: int = 32,
    learner: str = "rf",
    n_jobs: int = -1,
    ensemble: int = 7,
    split_seed: int | None = None,
    progress: ProgressFn | None = None,
    prepared: dict[str, Any] | None = None,
) -> ExpressionReport:
    """The paper's comparison on one seeded train/test split: baseline MTRS, MTRS with each
    graph feature set, `stacking` (mean of the feature-set models) and the control
    `baseline_ensemble` (mean of `ensemble` baseline MTRS models differing only in their
    forests' seeds; the first is `baseline` itself, so nothing is fitted twice).
    `split_seed` (default `seed`) draws the split; `prepared` reuses `_prepare`'s output."""
    say = progress or (lambda _m: None)
    say("reading signatures and the knowledge graph")
    prep = prepared or _prepare(db, lincs_path, cell, genes, n_genes, seed)
    kg, targets, x, y, n = prep["kg"], prep["targets"], prep["x"], prep["y"], prep["n"]
    rng = np.random.default_rng(seed if split_seed is None else split_seed)
    perm = rng.permutation(n)
    n_te = max(1, round(test_frac * n))
    te, tr = perm[:n_te], perm[n_te:]
    drug_idx = prep["drug_idx"]
    mtrs = MTRS(n_trees=n_trees, seed=seed, learner=learner, n_jobs=n_jobs)
    report = ExpressionReport(
        targets, {}, {}, [], n_train=len(tr), n_test=len(te),
        drugs_in_graph=float((drug_idx >= 0).mean()),
        config={"lincs": str(lincs_path), "cell": cell, "seed": seed,
                "split_seed": seed if split_seed is None else split_seed, "sets": list(sets),
                "trees": n_trees, "learner": learner, "ensemble": ensemble,
                "test_frac": test_frac, "dim": dim},
        data={"lincs_sha256": prep.get("lincs_sha256")})
    t0 = time.monotonic()
    say("baseline MTRS")
    base = mtrs.fit_predict(x[tr], y[tr], x[te], y[te], progress=say)
    report.timings["baseline"] = time.monotonic() - t0
    report.r2["baseline"] = base.r2
    if ensemble > 1:
        t0 = time.monotonic()
        members = [base.predictions]
        for k in range(1, ensemble):
            say(f"baseline ensemble member {k + 1}/{ensemble}")
            member = replace(mtrs, forest_seed=k)
            members.append(member.fit_predict(x[tr], y[tr], x[te], y[te],
                                              progress=say).predictions)
        report.r2["baseline_ensemble"] = _r2(y[te], np.mean(members, axis=0))
        report.timings["baseline_ensemble"] = time.monotonic() - t0 + report.timings["baseline"]
    preds = []
    contributions = np.zeros((len(targets), len(targets)))
    for name in sets:
        say(f"feature set {name}")
        t0 = time.monotonic()
        cache = prep.setdefault("per_gene", {})  # a feature set is split-independent
        if name not in cache:
            cache[name] = _gene_features(compute(kg, name, dim=dim, seed=seed, db=db), prep)
        feat_s = time.monotonic() - t0
        per_gene = cache[name]
        gx_tr, gx_te = [], []
        for f in per_gene:
            a, b = impute_median(f[tr], f[te])
            gx_tr.append(a)
            gx_te.append(b)
        res = mtrs.fit_predict(x[tr], y[tr], x[te], y[te], gx_tr, gx_te, progress=say)
        report.timings[name] = time.monotonic() - t0
        report.timings[f"{name}_features"] = feat_s
        report.r2[name] = res.r2
        preds.append(res.predictions)
        contributions += res.importances
    if preds:
        report.r2["stacking"] = _r2(y[te], np.mean(preds, axis=0))
        contributions /= len(preds)
        for j, g in enumerate(targets):
            order = [o for o in np.argsort(-contributions[j]) if o != j][:5]
            report.top_contributors.append(
                {"gene": g, **{f"top{k + 1}": targets[o] for k, o in enumerate(order)},
                 **{f"importance{k + 1}": float(contributions[j, o])
                    for k, o in enumerate(order)}})
    report.comparison = compare(report.r2)
    report.memory_mib = peak_rss_mib()
    return report


def peak_rss_mib() -> dict[str, float]:
    """Peak resident memory (MiB) of this process and of its largest worker process.

    Workers still alive (loky keeps them for reuse) are read from /proc (VmHWM); ones that
    have exited are covered by RUSAGE_CHILDREN.
    """
    import os
    import resource

    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    me = str(os.getpid())
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue  # the process ended while we looked
        if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
            worker = max(worker, int(fields["VmHWM"].split()[0]) / 1024)
    return {"main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "largest_worker": worker}


def write_helps_predict(db: GraphStore, report: ExpressionReport, cell: str, seed: int,
                        run_id: str) -> int:
    """Each target gene's top contributing genes (positive permutation importance) as
    `(helper)-[:HELPS_PREDICT {rank, importance, cell_line, run_id}]->(gene)`, replacing
    the cell line's previous set atomically; the number of edges written."""
    rows = [{"src": f"9606:{t[f'top{k}']}", "dst": f"9606:{t['gene']}", "rank": k,
             "importance": t[f"importance{k}"]}
            for t in report.top_contributors for k in range(1, 6)
            if f"top{k}" in t and t[f"importance{k}"] > 0]
    return int(db.scalar("expression/replace_helps", {"cell": cell, "rows": rows,
                                                      "run": run_id, "seed": seed}) or 0)


def _r2(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    return np.array([r2_score(y[:, j], pred[:, j]) for j in range(y.shape[1])])


def train_expression_models(
    db: Database,
    lincs_path: Path,
    out: Path,
    *,
    cell: str,
    genes: list[str] | None = None,
    n_genes: int = 50,
    sets: tuple[str, ...] = FEATURE_SETS,
    n_trees: int = 300,
    seed: int,
    dim: int = 32,
    progress: ProgressFn | None = None,
) -> RunRecord:
    """Fit the baseline and per-feature-set MTRS models on every signature of the cell line
    and save them (joblib) with their run record (config, seed, data fingerprints) in `out`."""
    import joblib

    t0 = time.monotonic()
    say = progress or (lambda _m: None)
    prepared = _prepare(db, lincs_path, cell, genes, n_genes, seed)
    x, y, targets = prepared["x"], prepared["y"], prepared["targets"]
    out.mkdir(parents=True, exist_ok=True)
    mtrs = MTRS(n_trees=n_trees, seed=seed)
    models: dict[str, Any] = {}
    say("baseline")
    models["baseline"] = mtrs.fit_models(x, y, progress=say)
    for name in sets:
        say(f"feature set {name}")
        fs = compute(prepared["kg"], name, dim=dim, seed=seed, db=db)
        gx = [impute_median(f, f[:0])[0] for f in _gene_features(fs, prepared)]
        models[name] = mtrs.fit_models(x, y, gx, progress=say)
    joblib.dump(models, out / "models.joblib", compress=3)
    config = {"lincs": str(lincs_path), "cell": cell, "genes": targets, "sets": list(sets),
              "trees": n_trees, "seed": seed, "dim": dim}
    record = RunRecord(command="expression train", run_id=out.name, seed=seed, config=config,
                       data={"lincs_sha256": prepared["lincs_sha256"],  # hashed once
                             "n_signatures": len(y)},
                       seconds=time.monotonic() - t0)
    record.write(out)
    return record


def _prepare(db: Database, lincs_path: Path, cell: str, genes: list[str] | None,
             n_genes: int, seed: int) -> dict[str, Any]:
    from genekg.loaders.lincs import brd, read_signatures

    lincs_genes, meta, matrix = read_signatures(lincs_path, cell, landmark=True)
    kg = pull_kg(db)
    sym_col = {s: i for i, (_, s) in enumerate(lincs_genes)}
    if genes:
        absent = [g for g in genes if f"9606:{g}" not in kg.index or g not in sym_col]
        if absent:
            raise GenekgError(f"gene(s) absent from the graph or the LINCS file: "
                              f"{', '.join(absent)}",
                              hint="Load KEGG/drug/cell-line sources, or choose other genes.")
        targets = list(genes)
    else:
        pool = sorted(s for s in sym_col if f"9606:{s}" in kg.index)
        if len(pool) < 2:
            raise GenekgError("fewer than 2 measured genes are in the graph")
        rng = np.random.default_rng(seed)
        targets = sorted(rng.choice(pool, size=min(n_genes, len(pool)), replace=False).tolist())
    n = len(matrix)
    broad = dict(db.scalar("pull/broad_drugs") or [])
    cell_ids = db.scalar("pull/cell_line_ids", {"c": cell}) or []
    x, _ = standard_features(meta)
    return {
        "kg": kg, "targets": targets, "x": x, "n": n,
        "y": matrix[:, [sym_col[g] for g in targets]].astype(float),
        "drug_idx": np.array([kg.index.get(broad.get(brd(p), brd(p)), -1)
                              for p in meta.get("pert_id", [""] * n)]),
        "cell_idx": kg.index.get(cell_ids[0], -1) if cell_ids else -1,
        "gene_idx": np.array([kg.index[f"9606:{g}"] for g in targets]),
        "lincs_sha256": sha256_of([lincs_path]),
    }


def _gene_features(fs: Any, prep: dict[str, Any]) -> list[np.ndarray]:
    """Per target gene: [S(drug of each experiment, g), S(cell line, g)] (the join rule)."""
    n = prep["n"]
    out = []
    for gi in prep["gene_idx"]:
        d = fs.pair(np.column_stack([prep["drug_idx"], np.full(n, gi)]))
        c = fs.pair(np.array([[prep["cell_idx"], gi]] * n))
        out.append(np.column_stack([d, c]))
    return out

