"""`genekg train`, `genekg evaluate`, `genekg embeddings export`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from genekg.cli.common import (
    SEED_MAX,
    GenekgGroup,
    console,
    err_console,
    open_db,
    resolve_seed,
)
from genekg.errors import GenekgError
from genekg.gne.config import GNEConfig
from genekg.linkpred.embedding import KG_ENSEMBLE
from genekg.linkpred.experiments import EXPERIMENTS, RETRIEVAL_METHODS, get_experiment
from genekg.linkpred.methods import DEFAULT_METHOD, METHODS, TRAINABLE, get_method


def _selection(organism: str, source: str | None, release: str | None, dataset: str | None,
               pathway: str | None, genes: str | None, kg_genes: bool = False) -> Any:
    from genekg.linkpred.pipeline import Selection
    from genekg.organisms import resolve_organism

    return Selection(resolve_organism(organism), source, release, dataset, pathway,
                     [g.strip() for g in genes.split(",")] if genes else None, kg_genes)


KG_GENES_HELP = ("Also rank genes that have no interaction in the selection but that the "
                 "knowledge graph places (a KEGG pathway or relation, a drug target, a "
                 "cell-line mutation): their partners come from the KG-aware members "
                 "(spectral+kg, the stack's KG features). Time grows with genes squared "
                 "(human c2: 6,362 -> 13,159 genes).")


def _cfg(dim: int, lam: float, lr: float, batch_size: int, epochs: int, negatives_k: int,
         dropout: float, weight_decay: float, ensemble: int | None) -> GNEConfig:
    if ensemble is not None and ensemble < 1:
        raise GenekgError(f"--gne-ensemble must be at least 1, not {ensemble}")
    return GNEConfig(dim=dim, lam=lam, lr=lr, batch_size=batch_size, epochs=epochs,
                     negatives=negatives_k, dropout=dropout, weight_decay=weight_decay,
                     ensemble=ensemble)


EXPERIMENT_HELP = "; ".join(f"{e.name}: {e.label}" for e in EXPERIMENTS.values()) + "."
# CLI option -> GNEConfig field, where the names differ
GNE_FIELDS = {"negatives_k": "negatives", "gne_ensemble": "ensemble"}
GNE_HELP = {
    "dim": "Embedding dimension (every embedding method).",
    "lam": "λ: weight of GNE's attribute branch (gne+expr; gne+kg adds it to its grid).",
    "lr": "GNE learning rate at batch 256.",
    "batch_size": "GNE mini-batch; the learning rate scales with it (--lr is the rate at 256).",
    "epochs": "GNE epochs (an upper bound: early stopping).",
    "negatives": "GNE noise genes per positive.",
    "dropout": "GNE dropout.",
    "weight_decay": "L2 weight decay of GNE (Adam).",
    "ensemble": "GNE models (different seeds) whose edge classifiers are averaged; default: "
                f"1 for gne/gne+expr, {KG_ENSEMBLE} for gne+kg.",
}


def gne_option(name: str, *decls: str) -> Any:
    """A CLI option for GNEConfig field `name`: its default is the library's (declared once,
    in genekg.gne.config, which is torch-free so --help stays light)."""
    return typer.Option(GNEConfig.__dataclass_fields__[name].default, *decls,
                        help=GNE_HELP[name])


def plain_progress(line: str) -> None:
    """Progress as plain lines where no terminal shows the bar (logs, pipes, CI)."""
    if not err_console.is_terminal:
        err_console.print(line, highlight=False, markup=False)


def _epoch_progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
                    console=err_console, transient=True)


def train(
    ctx: typer.Context,
    organism: str = typer.Option(..., "--organism", "-o", help="ecoli, yeast, human."),
    source: str = typer.Option(None, help="Interaction source (e.g. biogrid)."),
    release: str = typer.Option(None, help="Release of the source."),
    dataset: str = typer.Option(None, help="Expression dataset for gne+expr."),
    pathway: str = typer.Option(None, help="Restrict to genes of a pathway (path:hsa04010)."),
    genes: str = typer.Option(None, help="Restrict to a comma-separated gene list."),
    kg_genes: bool = typer.Option(False, "--kg-genes", help=KG_GENES_HELP),
    method: str = typer.Option(DEFAULT_METHOD, help="One of " + ", ".join(TRAINABLE) + ". "
                               "auto (default) fits the candidates and keeps the one that "
                               "ranks validation edges best among all candidate pairs "
                               "(`genekg methods` lists them all)."),
    seed: int = typer.Option(None, min=0, max=SEED_MAX,
                              help="Seed (default: global --seed, else drawn and printed)."),
    all_edges: bool = typer.Option(False, "--all-edges", help="Train on every edge except "
                                   "the validation fraction (for predicting new pairs)."),
    val_frac: float = typer.Option(0.1, min=0.0, max=0.5),
    negatives: str = typer.Option("uniform", help="uniform or degree (non-edge sampling)."),
    dim: int = gne_option("dim"), lam: float = gne_option("lam"), lr: float = gne_option("lr"),
    batch_size: int = gne_option("batch_size"), epochs: int = gne_option("epochs"),
    negatives_k: int = gne_option("negatives", "--negatives-k"),
    dropout: float = gne_option("dropout"),
    device: str = typer.Option("auto", help="auto, cpu, cuda."),
    weight_decay: float = gne_option("weight_decay"),
    gne_ensemble: int | None = gne_option("ensemble", "--gne-ensemble"),
) -> None:
    """Train a model on a network pulled from Neo4j; writes runs/<id>/."""
    from genekg.linkpred.auto import AutoReport
    from genekg.linkpred.pipeline import train_run
    from genekg.linkpred.stack import StackReport

    if not get_method(method).trainable:  # checked before connecting
        raise GenekgError(f"cannot train {method!r}", hint=f"Trainable: {', '.join(TRAINABLE)}")
    s = resolve_seed(ctx, seed)
    sel = _selection(organism, source, release, dataset, pathway, genes, kg_genes)
    cfg = _cfg(dim, lam, lr, batch_size, epochs, negatives_k, dropout, weight_decay,
               gne_ensemble)
    with open_db(ctx) as db, _epoch_progress() as progress:
        task = progress.add_task(f"training {method}", total=cfg.epochs, info="")

        def on_epoch(e: int, loss: float, auc: float) -> None:
            progress.update(task, completed=e, info=f"loss {loss:.4f}  val AUROC {auc:.4f}")
            plain_progress(f"{method}: epoch {e}/{cfg.epochs} loss {loss:.4f} "
                           f"val AUROC {auc:.4f}")

        def on_step(message: str) -> None:
            progress.update(task, description=message)
            plain_progress(message)

        outcome = train_run(db, sel, method=method, cfg=cfg, seed=s, val_frac=val_frac,
                            negatives=negatives, all_edges=all_edges, device=device,
                            on_epoch=on_epoch, on_step=on_step)
    run, metrics, report = outcome.run, outcome.metrics, outcome.report
    table = Table(title=f"run {run.id}", show_header=False)
    table.add_row("run id", run.id)
    table.add_row("directory", str(run.path))
    if isinstance(report, AutoReport):
        if report.retrieval:
            cands = "; ".join(f"{k} {v:.4f} (MRR {report.retrieval[k]['mrr']:.3f}, "
                              f"R@1000 {report.retrieval[k]['recall@1000']:.3f})"
                              for k, v in report.candidates.items())
        else:
            cands = ", ".join(f"{k} {v:.4f}" for k, v in report.candidates.items())
        table.add_row("auto chose", f"{report.chosen} ({report.criterion}: {cands})")
    chosen_rep = report.chosen_report if isinstance(report, AutoReport) else report
    if isinstance(chosen_rep, StackReport) and chosen_rep.stage1:  # K chosen on validation
        ks = ", ".join(f"K={k}: MRR {v['mrr']:.3f}, R@1000 {v['recall@1000']:.3f}, "
                       f"ceiling {v['ceiling']:.2f}" for k, v in chosen_rep.stage1.items())
        glob = " + each generator's global top" if chosen_rep.stage1_global else ""
        table.add_row("stage 1", f"K={chosen_rep.stage1_k} partners per gene and "
                      f"generator{glob} ({ks})")
    for k in ("val_auroc", "test_auroc", "test_aupr", "test_brier", "best_epoch",
              "seconds_per_epoch", "kg_only_genes"):
        if k in metrics:
            v = metrics[k]
            table.add_row(k, f"{v:.4f}" if isinstance(v, float) else str(v))
    console.print(table)


def evaluate(
    ctx: typer.Context,
    organism: str = typer.Option(..., "--organism", "-o"),
    source: str = typer.Option(None), release: str = typer.Option(None),
    dataset: str = typer.Option(None, help="Expression dataset (for +expr methods)."),
    methods: str = typer.Option(None, help="Comma-separated, from: " + ", ".join(METHODS)
                                + ". Default: auto,stack,l3,spectral-reg,gne,pa; for "
                                "--experiment retrieval " + ",".join(RETRIEVAL_METHODS) + "."),
    seeds: int = typer.Option(1, min=1, help="Number of seeds (seed, seed+1, …)."),
    seed: int = typer.Option(None, min=0, max=SEED_MAX,
                              help="Seed (default: global --seed, else drawn and printed)."),
    negatives: str = typer.Option("uniform,degree", help="Negative modes to report."),
    val_frac: float = typer.Option(0.1),
    experiment: str = typer.Option("protocol", help=EXPERIMENT_HELP),
    lambdas: str = typer.Option("0,0.2,0.4,0.6,0.8,1,10,100", help="λ values (lambda)."),
    train_fracs: str = typer.Option("0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8",
                                    help="Training fractions (sparsity; test fixed at 10%)."),
    old_release: str = typer.Option(None, help="Temporal: older release."),
    new_release: str = typer.Option(None, help="Temporal: newer release."),
    kg_genes: bool = typer.Option(False, "--kg-genes", help=KG_GENES_HELP + " With "
                                  "--old-release/--new-release, new pairs of such genes "
                                  "are held out too."),
    dim: int = gne_option("dim"), lam: float = gne_option("lam"), lr: float = gne_option("lr"),
    batch_size: int = gne_option("batch_size"), epochs: int = gne_option("epochs"),
    negatives_k: int = gne_option("negatives", "--negatives-k"),
    dropout: float = gne_option("dropout"), weight_decay: float = gne_option("weight_decay"),
    gne_ensemble: int | None = gne_option("ensemble", "--gne-ensemble"),
    device: str = typer.Option("auto", help="auto, cpu, cuda."),
    out: Path = typer.Option(None, help="Output folder (default runs/eval-<time>)."),
) -> None:
    """Run an experiment (default: the paper's protocol) for several methods on the same
    seeded splits; writes results.csv, run.json and figures."""
    from genekg.config import runs_dir
    from genekg.linkpred.experiments import ExperimentSpec, run_experiment
    from genekg.linkpred.runs import check_new_folder

    get_experiment(experiment)  # unknown names fail here, before a seed or a connection
    if (old_release is None) != (new_release is None):
        raise GenekgError("--old-release and --new-release go together (train on the older, "
                          "hold out the pairs the newer adds); with one of them only the "
                          "split would silently be a random one",
                          hint="e.g. --old-release 3.4.126 --new-release 4.4.203")
    if methods is None:
        methods = ",".join(RETRIEVAL_METHODS) if experiment == "retrieval" else \
            "auto,stack,l3,spectral-reg,gne,pa"
    method_list = [m.strip() for m in methods.split(",") if m.strip()]
    for m in method_list:
        get_method(m)
    s0 = resolve_seed(ctx, seed)
    spec = ExperimentSpec(
        selection=_selection(organism, source, release, dataset, None, None, kg_genes),
        methods=method_list, seeds=[s0 + i for i in range(seeds)],
        negatives=[m.strip() for m in negatives.split(",") if m.strip()],
        cfg=_cfg(dim, lam, lr, batch_size, epochs, negatives_k, dropout, weight_decay,
                 gne_ensemble),
        val_frac=val_frac, device=device, lambdas=[float(x) for x in lambdas.split(",")],
        train_fracs=[float(x) for x in train_fracs.split(",")], old_release=old_release,
        new_release=new_release)
    out = out or runs_dir() / f"eval-{datetime.now(UTC):%Y%m%d-%H%M%S}-{organism}-{experiment}"
    check_new_folder(out)  # never over a training run or an earlier result
    with open_db(ctx) as db, _epoch_progress() as progress:
        task = progress.add_task("evaluating", total=None, info="")

        def step(msg: str) -> None:
            progress.update(task, description=msg, info="")
            plain_progress(msg)

        def on_epoch(e: int, loss: float, auc: float) -> None:
            progress.update(task, info=f"epoch {e} loss {loss:.4f} val {auc:.3f}")

        result = run_experiment(db, experiment, spec, step, on_epoch)
    files = [*result.save(out), *result.plot(out)]
    if result.summary:
        net = result.network
        desc = f"{organism}: {net['genes']:,} genes, {net['edges']:,} pairs" + (
            f", {net['genes_with_profile']:,} with a profile"
            if net.get("genes_with_profile") is not None else "")
        _print_summary(result.summary, spec.negatives, desc, method_list)
    else:
        _print_rows(result.display or result.rows, result.columns, result.title)
    console.print(f"results in {out}: " + ", ".join(p.name for p in files))


def _print_summary(summary: list[dict[str, Any]], modes: list[str], title: str,
                   order: list[str]) -> None:
    table = Table(title=f"link prediction — {title}",
                  caption="method names: genekg methods; Brier: calibrated on validation")
    table.add_column("method", no_wrap=True)
    for m in modes:
        table.add_column(f"{m} AUROC", justify="right")
        table.add_column(f"{m} AUPR", justify="right")
        table.add_column(f"{m} Brier", justify="right")
    table.add_column("s/run", justify="right")
    by = {(r["method"], r["negatives"]): r for r in summary}
    methods = [m for m in order if any(r["method"] == m for r in summary)]
    best = {m: max((by[(x, m)]["auroc_mean"] for x in methods if (x, m) in by), default=0)
            for m in modes}
    for meth in methods:
        cells = []
        for m in modes:
            r = by.get((meth, m))
            if r is None:
                cells += ["", "", ""]
                continue
            star = "[bold green]" if r["auroc_mean"] == best[m] else ""
            sd = r["seeds"] > 1
            cells.append(f"{star}{r['auroc_mean']:.3f}" + (f" ± {r['auroc_sd']:.3f}" if sd else ""))
            cells.append(f"{r['aupr_mean']:.3f}" + (f" ± {r['aupr_sd']:.3f}" if sd else ""))
            cells.append(f"{r['brier']:.3f}" if r["brier"] == r["brier"] else "")
        secs = max(by[(meth, m)]["seconds"] for m in modes if (meth, m) in by)
        table.add_row(meth, *cells, f"{secs:.1f}")
    console.print(table)


def methods() -> None:
    """List the link-prediction methods: what each needs and whether it can be trained."""
    table = Table(title="link-prediction methods (genekg.linkpred.methods.METHODS)")
    for c in ("name", "what it is", "needs", "train/predict"):
        table.add_column(c, no_wrap=c == "name")
    for m in METHODS.values():
        needs = ", ".join(n for n, f in (("expression (--dataset)", m.needs_expression),
                                         ("GDS", m.needs_gds), ("KG context", m.uses_kg)) if f)
        table.add_row(m.name + (" (default)" if m.name == DEFAULT_METHOD else ""), m.label,
                      needs or "-", "yes" if m.trainable else "evaluate only")
    console.print(table)


def _cell(col: str, v: Any) -> str:
    if isinstance(v, float) and (col in ("auroc", "aupr", "mrr", "ceiling") or "@" in col):
        return f"{v:.4f}"
    if isinstance(v, float) and col == "seconds":
        return f"{v:.1f}"
    return str(v)


def _print_rows(rows: list[dict[str, Any]], cols: list[str], title: str) -> None:
    table = Table(title=title)
    for c in cols:
        table.add_column(c, justify="right" if c in ("auroc", "aupr") or "@" in c
                         else "left")
    for r in rows:
        table.add_row(*[_cell(c, r.get(c, "")) for c in cols])
    console.print(table)


emb_app = typer.Typer(cls=GenekgGroup, help="Gene embeddings of a run.", no_args_is_help=True)


@emb_app.command("export")
def export(
    ctx: typer.Context,
    run: str = typer.Option(..., "--run", help="Run id (or path)."),
    output: Path = typer.Option(None, "--output", help="File: .parquet or .tsv "
                                "(default ./embeddings-<run id>.tsv; never inside a run "
                                "folder)."),
    to_graph: bool = typer.Option(False, "--to-graph", help="Also write the vectors to Gene "
                                  "nodes as property `embedding_<run>`-style `gne_embedding` "
                                  "with `gne_embedding_run`."),
) -> None:
    """Export a run's gene embeddings as Parquet/TSV, optionally onto Gene nodes."""
    import numpy as np

    from genekg.linkpred.runs import Run, check_output_file

    output = output or Path(f"embeddings-{Path(run).name}.tsv")
    check_output_file(output)  # before opening the run: never into its folder
    r = Run.open(run)
    genes, emb, frame = r.load_embeddings()
    if output.suffix == ".parquet":
        frame.to_parquet(output, index=False)
    else:
        import pandas as pd

        wide = pd.DataFrame(emb, columns=[f"e{i}" for i in range(emb.shape[1])])
        wide.insert(0, "symbol", frame["symbol"])
        wide.insert(0, "gene_id", genes)
        wide.to_csv(output, sep="\t", index=False, float_format="%.6g")
    console.print(f"{len(genes):,} embeddings ({emb.shape[1]} dims) -> {output}")
    if to_graph:
        with open_db(ctx) as db:
            rows = [[g, np.asarray(v, dtype=float).tolist()] for g, v in zip(genes, emb,
                                                                              strict=True)]
            n = 0
            for i in range(0, len(rows), 5000):
                n += db.scalar("gne/write_embeddings", {"rows": rows[i:i + 5000],
                                                        "run": r.id})
        console.print(f"wrote gne_embedding to {n:,} Gene nodes")
