"""The link-prediction experiments of `genekg evaluate`, as one registry.

Each `Experiment` takes the same `ExperimentSpec` (network selection, methods, seeds,
negative modes, GNE settings) and returns an `ExperimentResult` that can `save()` its rows
and run record and `plot()` its figures; the CLI only parses, calls `run_experiment` and
renders. Experiments: `protocol` (the paper's held-out-edge protocol), `lambda` (GNE's
expression weight λ), `sparsity` (training fraction at a fixed 10% test set) and
`temporal` (train on an older release, test on pairs new in a newer one, with top-k recall).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genekg.db import Database
from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.linkpred.methods import labels
from genekg.record import RunRecord

if TYPE_CHECKING:  # the pipeline imports torch: loaded when an experiment runs, not for --help
    from genekg.linkpred.pipeline import Selection
    from genekg.linkpred.protocol import MethodResult

StepFn = Callable[[str], None]
EpochFn = Callable[[int, float, float], None]


@dataclass
class ExperimentSpec:
    """What every experiment is given: the network, the methods and the seeded protocol."""

    selection: Selection
    methods: list[str]
    seeds: list[int]
    negatives: list[str]
    cfg: GNEConfig
    val_frac: float = 0.1
    device: str = "auto"
    lambdas: list[float] = field(default_factory=lambda: [0, 0.2, 0.4, 0.6, 0.8, 1, 10, 100])
    train_fracs: list[float] = field(default_factory=lambda: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
                                                              0.7, 0.8])
    old_release: str | None = None
    new_release: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The spec as recorded in the run record."""
        return {"selection": self.selection.to_dict(), "methods": self.methods,
                "seeds": self.seeds, "negatives": self.negatives, "gne": self.cfg.to_dict(),
                "val_frac": self.val_frac, "device": self.device, "lambdas": self.lambdas,
                "train_fracs": self.train_fracs, "old_release": self.old_release,
                "new_release": self.new_release}


@dataclass
class ExperimentResult:
    """Rows of one experiment (one per method × negatives × seed × setting) and what
    renders them: the columns to show, a title, and for `protocol` the per-method summary
    and the score curves of the first seed."""

    experiment: str
    spec: ExperimentSpec
    rows: list[dict[str, Any]]
    columns: list[str]
    title: str
    network: dict[str, Any] = field(default_factory=dict)
    summary: list[dict[str, Any]] = field(default_factory=list)
    curves: dict[str, list[MethodResult]] = field(default_factory=dict)
    sweep: str | None = None  # the row key the experiment varies (lambda, train_frac)
    seconds: float = 0.0
    display: list[dict[str, Any]] | None = None  # rows to print, when not `rows`

    def save(self, out: Path) -> list[Path]:
        """results.csv (every row) and run.json (the run record) in `out`."""
        import pandas as pd

        out.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(self.rows).to_csv(out / "results.csv", index=False)
        record = RunRecord(command="evaluate", run_id=out.name, seed=self.spec.seeds[0],
                           config={"experiment": self.experiment, **self.spec.to_dict()},
                           data=self.network,
                           metrics={"summary": self.summary, "rows": self.rows},
                           seconds=self.seconds)
        return [out / "results.csv", record.write(out)]

    def plot(self, out: Path) -> list[Path]:
        """Figures in `out`: ROC, PR and reliability per negative mode (`protocol`), AUROC
        against the swept setting (`lambda`, `sparsity`), top-k recall (`temporal`)."""
        import matplotlib

        matplotlib.use("Agg")
        if self.experiment == "protocol":
            return [p for mode, res in self.curves.items() for p in _curve_plots(res, mode, out)]
        if self.experiment == "retrieval":
            return [_recall_plot(self.rows, out)]
        return [_sweep_plot(self.rows, self.sweep, self.experiment, out)]


@dataclass(frozen=True)
class Experiment:
    """One registered experiment: its name, what it shows, and the function that runs it."""

    name: str
    label: str
    run: Callable[[Database, ExperimentSpec, StepFn, EpochFn | None], ExperimentResult]


def _protocol(db: Database, spec: ExperimentSpec, step: StepFn,
              on_epoch: EpochFn | None) -> ExperimentResult:
    from genekg.linkpred.pipeline import evaluate_protocol

    rep = evaluate_protocol(db, spec.selection, spec.methods, seeds=spec.seeds,
                            negatives=spec.negatives, cfg=spec.cfg, val_frac=spec.val_frac,
                            device=spec.device, on_step=step, on_epoch=on_epoch)
    return ExperimentResult("protocol", spec, rep.rows, ["method", "negatives", "seed",
                                                         "auroc", "aupr"],
                            "link prediction", network=rep.network, summary=rep.summary(),
                            curves=rep.curves)


def _lambda(db: Database, spec: ExperimentSpec, step: StepFn,
            on_epoch: EpochFn | None) -> ExperimentResult:
    from genekg.linkpred.pipeline import evaluate_protocol

    if not spec.selection.dataset:
        raise GenekgError("the λ sweep needs --dataset")
    rows: list[dict[str, Any]] = []
    for lam in spec.lambdas:
        step(f"λ = {lam}")
        cfg = replace(spec.cfg, lam=lam)
        rep = evaluate_protocol(db, spec.selection, ["gne+expr" if lam > 0 else "gne"],
                                seeds=spec.seeds, negatives=spec.negatives, cfg=cfg,
                                val_frac=spec.val_frac, device=spec.device, on_epoch=on_epoch)
        rows += [{**r, "lambda": lam} for r in rep.rows]
    return ExperimentResult("lambda", spec, rows, ["lambda", "negatives", "seed", "auroc",
                                                   "aupr"], "λ sweep", sweep="lambda")


def _sparsity(db: Database, spec: ExperimentSpec, step: StepFn,
              on_epoch: EpochFn | None) -> ExperimentResult:
    from genekg.linkpred.pipeline import evaluate_protocol

    rows: list[dict[str, Any]] = []
    for tf in spec.train_fracs:
        step(f"train fraction {tf}")
        rep = evaluate_protocol(db, spec.selection, spec.methods, seeds=spec.seeds,
                                negatives=spec.negatives, cfg=spec.cfg, val_frac=0.1,
                                test_frac=0.1, train_frac=tf, device=spec.device,
                                on_epoch=on_epoch)
        rows += [{**r, "train_frac": tf} for r in rep.rows]
    return ExperimentResult("sparsity", spec, rows, ["train_frac", "method", "negatives",
                                                     "seed", "auroc", "aupr"],
                            "network sparsity (test = 10% of edges)", sweep="train_frac")


def _temporal(db: Database, spec: ExperimentSpec, step: StepFn,
              on_epoch: EpochFn | None) -> ExperimentResult:
    from genekg.linkpred.pipeline import temporal_holdout

    sel = spec.selection
    if not (sel.source and spec.old_release and spec.new_release):
        raise GenekgError("temporal hold-out needs --source, --old-release and "
                          "--new-release")
    rows: list[dict[str, Any]] = []
    # every seed (its validation split and negatives); the new pairs tested are the same
    for mode in spec.negatives:
        for seed in spec.seeds:
            step(f"{mode} negatives, seed {seed}")
            res = temporal_holdout(db, sel.organism, sel.source, spec.old_release,
                                   spec.new_release, spec.methods, seed=seed,
                                   negatives=mode, cfg=spec.cfg, val_frac=spec.val_frac,
                                   device=spec.device, kg_genes=sel.kg_genes)
            rows += [{"method": r.method, "negatives": mode, "seed": seed,
                      "auroc": r.auroc, "aupr": r.aupr,
                      "recall@1000": r.recall.get(1000),
                      "recall@20000": r.recall.get(20000), "seconds": r.seconds}
                     for r in res]
    cols = ["method", "negatives", *(["seed"] if len(spec.seeds) > 1 else []), "auroc",
            "aupr", "recall@1000", "recall@20000"]
    return ExperimentResult("temporal", spec, rows, cols,
                            f"temporal hold-out {spec.old_release} -> {spec.new_release}")


# The peers of the retrieval experiment when --methods is not given (spectral+kg is
# skipped where the genes have no pathway, drug or cell-line data).
RETRIEVAL_METHODS = ["auto", "stack", "stack-cheap", "spectral-reg", "spectral+kg", "gne",
                     "fastrp", "l3", "a3", "aa", "ra", "cn", "pa"]
RETRIEVAL_COLUMNS = ["method", "ceiling", "recall@100", "recall@1000", "recall@10000",
                     "recall@20000", "recall@100000", "precision@100", "mrr", "hits@10",
                     "orphan_recall@20000", "seconds"]


def _retrieval(db: Database, spec: ExperimentSpec, step: StepFn,
               on_epoch: EpochFn | None) -> ExperimentResult:
    """Held-out pairs ranked among ALL candidate pairs through predict's own path: a
    random 10% of edges (80% train, 10% validation) per seed, or with --old-release /
    --new-release the pairs a newer release added."""
    import pandas as pd

    from genekg.linkpred.pipeline import temporal_split
    from genekg.linkpred.protocol import run_retrieval
    from genekg.linkpred.split import split_edges

    sel = spec.selection
    temporal = bool(spec.old_release and spec.new_release)
    if temporal and not sel.source:
        raise GenekgError("a temporal retrieval needs --source")
    net, prof = (None, None) if temporal else sel.pull(db)
    rows: list[dict[str, Any]] = []
    for seed in spec.seeds:
        if temporal:
            assert sel.source and spec.old_release and spec.new_release
            net, split = temporal_split(db, sel.organism, sel.source, spec.old_release,
                                        spec.new_release, seed=seed,
                                        negatives=spec.negatives[0], val_frac=spec.val_frac,
                                        kg_genes=sel.kg_genes)
        else:
            assert net is not None
            split = split_edges(net.edges, len(net.genes), seed=seed, val_frac=spec.val_frac,
                                test_frac=0.1, train_frac=0.9 - spec.val_frac,
                                negatives=spec.negatives[0])
        assert net is not None
        def said(m: str, s: int = seed) -> None:
            step(f"seed {s}: {m}")

        res = run_retrieval(net, split, spec.methods, seed=seed, profiles=prof, cfg=spec.cfg,
                            db=db, device=spec.device, on_method=said)
        rows += [{**r.row(), "seed": seed} for r in res]
    df = pd.DataFrame(rows)
    cols = [c for c in RETRIEVAL_COLUMNS if c in df]
    mean = df.groupby("method", sort=False)[cols[1:]].mean().reset_index()
    title = (f"retrieval: {spec.old_release} -> {spec.new_release} pairs" if temporal
             else f"retrieval: random 10% held out, mean of {len(spec.seeds)} seed(s)")
    assert net is not None
    return ExperimentResult("retrieval", spec, rows, cols,
                            f"{title}, ranked among all candidate pairs",
                            network={"genes": len(net.genes), "edges": len(net.edges)},
                            display=[{str(k): v for k, v in r.items()}
                                     for r in mean.to_dict("records")])


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (
    Experiment("protocol", "the paper's protocol: held-out edges, seeded splits", _protocol),
    Experiment("lambda", "GNE's expression weight λ (needs --dataset)", _lambda),
    Experiment("sparsity", "training fraction 0.1..0.8 at a fixed 10% test set", _sparsity),
    Experiment("temporal", "older release -> pairs new in a newer one, top-k recall",
               _temporal),
    Experiment("retrieval", "held-out pairs ranked among ALL candidates through predict's "
               "path: recall/precision@k, MRR, Hits@10 by degree, stage-1 ceiling",
               _retrieval),
)}


def get_experiment(name: str) -> Experiment:
    """The registered experiment; an error listing the valid names otherwise."""
    try:
        return EXPERIMENTS[name]
    except KeyError:
        raise GenekgError(f"unknown experiment {name!r}",
                          hint="Experiments: " + ", ".join(EXPERIMENTS)) from None


def run_experiment(db: Database, name: str, spec: ExperimentSpec,
                   step: StepFn | None = None,
                   on_epoch: EpochFn | None = None) -> ExperimentResult:
    """Run one registered experiment and time it."""
    exp = get_experiment(name)
    t0 = time.monotonic()
    result = exp.run(db, spec, step or (lambda _m: None), on_epoch)
    result.seconds = time.monotonic() - t0
    return result


def _curve_plots(results: list[MethodResult], mode: str, out: Path) -> list[Path]:
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve, roc_curve

    from genekg.linkpred.calibrate import reliability

    names = labels()
    paths = []
    for kind in ("roc", "pr"):
        fig, ax = plt.subplots(figsize=(6, 5))
        for r in results:
            if kind == "roc":
                x, y, _ = roc_curve(r.y_true, r.y_score)
                ax.plot(x, y, label=f"{names.get(r.method, r.method)} ({r.auroc:.3f})")
            else:
                p, rc, _ = precision_recall_curve(r.y_true, r.y_score)
                ax.plot(rc, p, label=f"{names.get(r.method, r.method)} ({r.aupr:.3f})")
        ax.set_xlabel("false positive rate" if kind == "roc" else "recall")
        ax.set_ylabel("true positive rate" if kind == "roc" else "precision")
        ax.set_title(f"{kind.upper()} — {mode} negatives")
        ax.legend(fontsize=7, loc="lower right" if kind == "roc" else "lower left")
        fig.tight_layout()
        paths.append(out / f"{kind}_{mode}.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    # Calibrated probability (Platt, fitted on validation) vs observed edge frequency.
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    for r in results:
        if r.y_prob is None:
            continue
        pred, obs, cnt = reliability(r.y_true, r.y_prob)
        ok = cnt > 0
        ax.plot(pred[ok], obs[ok], marker="o", ms=3, label=names.get(r.method, r.method))
    ax.set_xlabel("calibrated probability (test pairs)")
    ax.set_ylabel("fraction that are interactions")
    ax.set_title(f"reliability — {mode} negatives")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    paths.append(out / f"reliability_{mode}.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def _recall_plot(rows: list[dict[str, Any]], out: Path) -> Path:
    """Recall of held-out pairs in the top k of all candidates, per method (mean over
    seeds), k on a log axis."""
    import matplotlib.pyplot as plt
    import pandas as pd

    df = pd.DataFrame(rows)
    ks = [c for c in df.columns if c.startswith("recall@")]
    fig, ax = plt.subplots(figsize=(6, 4))
    for method, part in df.groupby("method", sort=False):
        ax.plot([int(c.split("@")[1]) for c in ks], part[ks].mean().to_numpy(), marker="o",
                label=str(method))
    ax.set_xscale("log")
    ax.set_xlabel("k (top of all candidate pairs)")
    ax.set_ylabel("recall of held-out pairs")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = out / "retrieval_recall.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _sweep_plot(rows: list[dict[str, Any]], key: str | None, name: str, out: Path) -> Path:
    """Mean AUROC per method and negative mode against the swept setting; for `temporal`
    (no sweep) the top-k recall of each method."""
    import matplotlib.pyplot as plt
    import pandas as pd

    df = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(6, 4))
    if key is None:
        cols = [c for c in ("recall@1000", "recall@20000") if c in df]
        df.groupby(["method", "negatives"], sort=False)[cols].mean().plot.bar(ax=ax)
        ax.set_ylabel("recall of new pairs in the top k (mean over seeds)")
    else:
        group = [c for c in ("method", "negatives") if c in df]
        for label, part in df.groupby(group):
            mean = part.groupby(key)["auroc"].mean()
            ax.plot(mean.index.to_numpy(), mean.to_numpy(), marker="o",
                    label=" · ".join(map(str, label)))
        ax.set_xlabel(key)
        ax.set_ylabel("test AUROC (mean over seeds)")
        ax.legend(fontsize=7)
    ax.set_title(name)
    fig.tight_layout()
    path = out / f"{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
