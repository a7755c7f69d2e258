"""`genekg features` and `genekg expression evaluate`."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

if TYPE_CHECKING:
    from genekg.expression.experiment import ExpressionReport
    from genekg.loaders.lincs_consensus import ConsensusSignatures

from genekg.cli.common import (
    SEED_MAX,
    GenekgGroup,
    console,
    err_console,
    open_db,
    resolve_seed,
)
from genekg.errors import GenekgError
from genekg.expression import LEARNERS, check_learner
from genekg.features.kg import FEATURE_SETS


def features(
    ctx: typer.Context,
    sets: str = typer.Option("cn,lpi,ent,le,lle,dw,n2v", help="Feature sets to compute."),
    dim: int = typer.Option(32, help="Embedding dimension."),
    out: Path = typer.Option(Path("runs/features"), help="Folder for Parquet output."),
    write_graph: bool = typer.Option(False, "--write-graph", help="Also store embeddings "
                                     "on nodes as `kg_<set>` (+ `kg_<set>_params`)."),
    seed: int = typer.Option(None, min=0, max=SEED_MAX,
                              help="Seed (default: global --seed, else drawn and printed)."),
    pairs_of: str = typer.Option("cell-lines", "--pairs", help="Pairwise sets: export "
                                 "S(node, gene) for cell-lines, drugs or both (all)."),
) -> None:
    """Compute the seven graph feature sets on the KEGG + super-node subgraph.

    Embedding sets → one vector per node; pairwise sets → S(super node, gene) for every
    drug and cell line against every gene. Parquet files in --out; times and memory
    printed per set.
    """
    import numpy as np
    import pandas as pd

    from genekg.features.kg import compute, pull_kg, write_feature_embedding

    s = resolve_seed(ctx, seed)
    names = [x.strip() for x in sets.split(",") if x.strip()]
    unknown = [n for n in names if n not in FEATURE_SETS]
    if unknown:
        raise GenekgError(f"unknown feature set(s) {unknown}", hint=", ".join(FEATURE_SETS))
    out.mkdir(parents=True, exist_ok=True)
    table = Table(title="graph feature sets")
    for c in ("set", "nodes", "edges", "seconds", "peak RSS MiB", "output"):
        table.add_column(c)
    with open_db(ctx) as db:
        with err_console.status("pulling the KEGG + super-node subgraph …"):
            kg = pull_kg(db)
        genes = [i for i, lab in enumerate(kg.labels) if lab == "Gene"]
        wanted = {"cell-lines": ("CellLine",), "drugs": ("Drug",),
                  "all": ("CellLine", "Drug")}.get(pairs_of)
        if wanted is None:
            raise GenekgError(f"--pairs must be cell-lines, drugs or all, not {pairs_of!r}")
        supers = [i for i, lab in enumerate(kg.labels) if lab in wanted]
        for name in names:
            t0 = time.monotonic()
            with err_console.status(f"computing {name} …"):
                fs = compute(kg, name, dim=dim, seed=s, db=db)
                if fs.embedding is not None:
                    frame = pd.DataFrame({"node_id": kg.nodes, "label": kg.labels,
                                          "embedding": list(fs.embedding)})
                    path = out / f"{name}_embedding.parquet"
                    frame.to_parquet(path, index=False)
                    if write_graph:
                        write_feature_embedding(db, kg, name, fs.embedding, dim, s)
                else:
                    pairs = np.array([[a, b] for a in supers for b in genes], dtype=np.int64)
                    vals = fs.pair(pairs) if len(pairs) else np.zeros(0)
                    path = out / f"{name}_supernode_gene.parquet"
                    pd.DataFrame({"node": [kg.nodes[a] for a in pairs[:, 0]],
                                  "gene": [kg.nodes[b] for b in pairs[:, 1]],
                                  "score": vals}).to_parquet(path, index=False)
            table.add_row(name, f"{len(kg.nodes):,}", f"{kg.adj.nnz // 2:,}",
                          f"{time.monotonic() - t0:.1f}",
                          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}",
                          str(path))
    console.print(table)


LEARNER_HELP = "; ".join(f"{k}: {v}" for k, v in LEARNERS.items()) + "."
expr_app = typer.Typer(cls=GenekgGroup, help="Gene-expression prediction (MTRS + graph "
                       "features).", no_args_is_help=True)


@expr_app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    lincs: Path = typer.Option(None, "--lincs", help="LINCS GCTX/GCT file (random split); "
                               "consensi-drugbank.tsv.gz (compound split; default: the "
                               "signatures `ingest lincs-consensus` stored in the graph)."),
    cell: str = typer.Option(None, "--cell", help="Cell line (cell_id), e.g. A375, MCF7 "
                             "(random split)."),
    split: str = typer.Option("random", help="random: signatures of one cell line, seeded "
                              "train/test (the paper's); compound: K-fold by compound on "
                              "consensus signatures — compounds never profiled."),
    folds: int = typer.Option(5, min=2, help="Folds of the compound split."),
    id_maps: list[Path] = typer.Option([], "--id-map", help="Entrez -> symbol table for a "
                                       "consensi file (default: geneinfo.tsv.gz beside it)."),
    genes: str = typer.Option(None, help="Target genes (symbols, comma-separated)."),
    n_genes: int = typer.Option(50, help="Random landmark genes in the graph if --genes "
                                "is not given (paper: 300)."),
    sets: str = typer.Option("cn,lpi,ent,le,lle,dw,n2v"),
    trees: int = typer.Option(300, help="Trees per forest (paper: 300)."),
    learner: str = typer.Option(None, help=LEARNER_HELP + " Default: rf (random split), "
                                "ridge-mo (compound split)."),
    mtrs: bool = typer.Option(False, "--mtrs", help="Compound split, ridge-mo: two-stage "
                              "MTRS (stage-1 predictions of all genes feed stage 2)."),
    ensemble: int = typer.Option(7, help="Members of the baseline-ensemble control (seeds "
                                 "of the forests; 1 = no control)."),
    split_seeds: int = typer.Option(None, "--split-seeds", min=1, help="Repeat on this "
                                    "many seeded splits (seed, seed+1, …): train/test "
                                    "splits (random split; default 1) or fold assignments "
                                    "(compound split; default 3, the verdict must hold in "
                                    "each)."),
    jobs: int = typer.Option(-1, "--jobs", help="Worker processes (-1: all cores)."),
    test_frac: float = typer.Option(0.25),
    dim: int = typer.Option(32),
    seed: int = typer.Option(None, min=0, max=SEED_MAX,
                              help="Seed (default: global --seed, else drawn and printed)."),
    out: Path = typer.Option(Path("runs/expression"), help="Output folder."),
    to_graph: bool = typer.Option(False, "--to-graph", help="Also write each gene's top "
                                  "contributing genes as HELPS_PREDICT edges."),
) -> None:
    """Baseline MTRS vs MTRS + each graph feature set vs stacking vs the seven-seed baseline
    ensemble: R² per gene, wins, sign/Wilcoxon tests, top contributing genes (CSV + PNG)."""
    import time
    from datetime import UTC, datetime

    from genekg.expression.experiment import (
        _prepare,
        run_expression_experiment,
        write_helps_predict,
    )

    if split not in ("random", "compound"):
        raise GenekgError(f"--split must be random or compound, not {split!r}")
    learner = learner or ("ridge-mo" if split == "compound" else "rf")
    check_learner(learner)  # before reading signatures and the graph
    s = resolve_seed(ctx, seed)
    set_names = tuple(x.strip() for x in sets.split(",") if x.strip())
    if split == "compound":
        _evaluate_compound(ctx, lincs, id_maps, folds=folds, sets=set_names, learner=learner,
                           mtrs=mtrs, trees=trees, ensemble=ensemble, jobs=jobs, dim=dim,
                           seed=s, out=out, fold_seeds=split_seeds or 3)
        return
    split_seeds = split_seeds or 1
    if lincs is None or cell is None:
        raise GenekgError("the random split needs --lincs <GCTX/GCT> and --cell",
                          hint="Or --split compound for consensus signatures per compound.")
    out.mkdir(parents=True, exist_ok=True)
    target = [g.strip() for g in genes.split(",")] if genes else None
    reports, t0 = [], time.monotonic()
    with open_db(ctx) as db, err_console.status("…") as status:
        say = status.update if console.is_terminal else _plain_progress()
        prep = _prepare(db, lincs, cell, target, n_genes, s)
        for k in range(max(1, split_seeds)):
            rep = run_expression_experiment(
                db, lincs, cell=cell, genes=target, n_genes=n_genes, sets=set_names,
                test_frac=test_frac, n_trees=trees, seed=s, dim=dim, learner=learner,
                n_jobs=jobs, ensemble=ensemble, split_seed=s + k, progress=say,
                prepared=prep)
            folder = out if split_seeds <= 1 else out / f"split-{s + k}"
            rep.save(folder)
            rep.plot(folder / "comparison.png")
            _report_table(rep, f"expression prediction — {cell}, {len(rep.genes)} genes, "
                               f"{rep.n_train} train / {rep.n_test} test signatures, split "
                               f"seed {s + k}, {learner}, {trees} trees")
            reports.append(rep)
    total = time.monotonic() - t0
    if len(reports) > 1:
        _splits_table(reports, s, out)
    err_console.print(f"total {total:.0f} s; peak memory {reports[-1].memory_mib}")
    rep = reports[0]
    if to_graph and rep.top_contributors:
        run_id = f"expr-{cell}-s{s}-{datetime.now(UTC):%Y%m%d-%H%M%S}"
        with open_db(ctx) as db:
            n = write_helps_predict(db, rep, cell, s, run_id)
        console.print(f"wrote {n} HELPS_PREDICT edges (cell line {cell}, run {run_id}); "
                      f"see: genekg query helps_predict -p gene={rep.genes[0]}")
    console.print(f"written: {out}/ r2_per_gene.csv, top_contributors.csv, run.json, "
                  "comparison.png")


def _plain_progress() -> Callable[[str], None]:
    """Progress lines for logs: one per message, at most every 10 s."""
    import time

    last = [0.0]

    def say(msg: str) -> None:
        if time.monotonic() - last[0] > 10:
            last[0] = time.monotonic()
            err_console.print(msg)
    return say


def _report_table(rep: ExpressionReport, title: str) -> None:
    g = len(rep.genes)
    table = Table(title=title, title_justify="left")
    for c in ("model", "mean R²", "median R²", "best for", "wins vs baseline", "sign p",
              "Wilcoxon p", "wins vs ensemble", "sign p ", "Wilcoxon p ", "s"):
        table.add_column(c, justify="left" if c == "model" else "right")
    for m, row in rep.comparison.items():
        cells = [m, f"{row['mean_r2']:.3f}", f"{row['median_r2']:.3f}", str(row["best_count"])]
        for tag in ("baseline", "ensemble"):
            if f"wins_vs_{tag}" in row:
                cells += [f"{row[f'wins_vs_{tag}']}/{g}", f"{row[f'sign_p_vs_{tag}']:.2g}",
                          f"{row[f'wilcoxon_p_vs_{tag}']:.2g}"]
            else:
                cells += ["", "", ""]
        table.add_row(*cells, f"{rep.timings.get(m, 0):.0f}")
    console.print(table)


def _splits_table(reports: list[ExpressionReport], seed: int, out: Path) -> None:
    """Stacking against the baseline ensemble on every split: does the graph help beyond
    ensembling?"""
    table = Table(title="stacking vs the seven-seed baseline ensemble, per split",
                  title_justify="left")
    for c in ("split seed", "stacking R²", "ensemble R²", "baseline R²", "stacking wins",
              "sign p", "Wilcoxon p"):
        table.add_column(c, justify="right")
    rows = []
    for k, rep in enumerate(reports):
        comp = rep.comparison
        st = comp.get("stacking", {})
        row = {"split_seed": seed + k, "stacking_r2": st.get("mean_r2"),
               "ensemble_r2": comp.get("baseline_ensemble", {}).get("mean_r2"),
               "baseline_r2": comp["baseline"]["mean_r2"],
               "win_frac": st.get("win_frac_vs_ensemble"),
               "sign_p": st.get("sign_p_vs_ensemble"),
               "wilcoxon_p": st.get("wilcoxon_p_vs_ensemble")}
        rows.append(row)
        table.add_row(*(("-" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v))
                        for v in row.values()))
    console.print(table)
    (out / "splits.json").write_text(json.dumps(rows, indent=2))


@expr_app.command("train")
def train(
    ctx: typer.Context,
    lincs: Path = typer.Option(..., "--lincs", help="LINCS GCTX/GCT file."),
    cell: str = typer.Option(..., "--cell", help="Cell line (cell_id)."),
    genes: str = typer.Option(None, help="Target genes (symbols, comma-separated)."),
    n_genes: int = typer.Option(50),
    sets: str = typer.Option("cn,lpi,ent,le,lle,dw,n2v"),
    trees: int = typer.Option(300),
    dim: int = typer.Option(32),
    seed: int = typer.Option(None, min=0, max=SEED_MAX,
                              help="Seed (default: global --seed, else drawn and printed)."),
    out: Path = typer.Option(None, help="Folder (default runs/expression-<cell>-s<seed>)."),
) -> None:
    """Fit baseline and per-feature-set MTRS models on all signatures of a cell line and
    save them (models.joblib + run.json: config, seed, data fingerprint)."""
    from genekg.expression.experiment import train_expression_models

    s = resolve_seed(ctx, seed)
    out = out or Path("runs") / f"expression-{cell}-s{s}"
    with open_db(ctx) as db, err_console.status("…") as status:
        rec = train_expression_models(
            db, lincs, out, cell=cell,
            genes=[g.strip() for g in genes.split(",")] if genes else None, n_genes=n_genes,
            sets=tuple(x.strip() for x in sets.split(",") if x.strip()), n_trees=trees,
            seed=s, dim=dim, progress=lambda m: status.update(m))
    console.print(f"trained {1 + len(rec.config['sets'])} MTRS models for "
                  f"{len(rec.config['genes'])} genes on {rec.data['n_signatures']} signatures "
                  f"-> {out}")


def _consensus(db: Any, lincs: Path | None, id_maps: list[Path]) -> ConsensusSignatures:
    """Signatures from --lincs (a consensi file) or else from the graph."""
    from genekg.expression.compound import signatures_from_graph
    from genekg.loaders.lincs_consensus import read_consensus

    if lincs is None:
        return signatures_from_graph(db)
    maps = id_maps or [p for p in [lincs.parent / "geneinfo.tsv.gz"] if p.exists()]
    return read_consensus(lincs, maps)


def _evaluate_compound(ctx: typer.Context, lincs: Path | None, id_maps: list[Path], *,
                       folds: int, sets: tuple[str, ...], learner: str, mtrs: bool,
                       trees: int, ensemble: int, jobs: int, dim: int, seed: int,
                       out: Path, fold_seeds: int = 3) -> None:
    """`expression evaluate --split compound`: every model, K folds by compound, the tables
    and the run record; the folds drawn with `fold_seeds` seeds, the verdict over all."""
    from genekg.expression.compound import (
        build_blocks,
        compare_over_seeds,
        pull_compound_graph,
        run_compound_experiment,
        seed_verdict,
    )
    from genekg.record import RunRecord

    unknown = [n for n in sets if n not in FEATURE_SETS]
    if unknown:
        raise GenekgError(f"unknown feature set(s) {unknown}", hint=", ".join(FEATURE_SETS))
    t0 = time.monotonic()
    with open_db(ctx) as db, err_console.status("…") as status:
        say = status.update if console.is_terminal else _plain_progress()
        say("reading signatures")
        sig = _consensus(db, lincs, id_maps)
        say("pulling drugs, targets, the interaction network and pathways")
        graph = pull_compound_graph(db, with_kg=True)
        sig.drugs = graph.node_ids(sig.drugs)
        landmarks = [f"9606:{g}" for g in sig.symbols]
        blocks = build_blocks(graph, sig.drugs, landmarks, sets=sets, seed=seed, dim=dim,
                              db=db, progress=say)
    in_graph = sum(d in graph.names for d in sig.drugs)
    t1 = time.monotonic()
    seeds = [seed + k for k in range(fold_seeds)]
    reports = []
    with err_console.status("…") as status:
        say = status.update if console.is_terminal else _plain_progress()
        for k, fold_seed in enumerate(seeds):
            def said(msg: str, k: int = k) -> None:
                say(f"fold seed {k + 1}/{len(seeds)}: {msg}")
            reports.append(run_compound_experiment(
                blocks, sig.values, sig.symbols, folds=folds, seed=fold_seed,
                learner=learner, mtrs=mtrs, trees=trees, ensemble=ensemble, n_jobs=jobs,
                progress=said))
    rep = reports[0]
    comparisons = compare_over_seeds(reports, seeds)
    total = time.monotonic() - t0
    files = rep.save(out)
    summary = rep.summary()
    _compound_table(summary, len(sig.symbols), f"expression of compounds never profiled — "
                    f"{len(sig.drugs):,} compounds ({int(blocks.has_targets.sum()):,} with "
                    f"targets in the graph, {int(blocks.has_structure.sum()):,} with a "
                    f"structure), {len(sig.symbols)} landmark genes, {folds} folds by "
                    f"compound, {learner}{' MTRS' if mtrs else ''}, seed {seed} "
                    f"(fold seed {seed} of {len(seeds)})")
    _compound_subsets(summary, len(sig.symbols))
    if rep.explanations:
        table = Table(title="genes the graph helps most over chemistry (graph model's "
                      "heaviest columns)", title_justify="left")
        for c in ("gene", "R² graph", "R² chemistry", "carried by"):
            table.add_column(c)
        for e in rep.explanations[:10]:
            table.add_row(e["gene"], f"{e['r2_graph']:.3f}", f"{e['r2_chemistry']:.3f}",
                          e["carried_by"])
        console.print(table)
    files.append(_seeds_table(comparisons, reports, seeds, out))
    console.print(f"[bold]verdict[/] {seed_verdict(comparisons)} (graph embeddings of seed "
                  f"{seed}; each fold seed redraws the folds)")
    rec = RunRecord(command="expression evaluate --split compound",
                    run_id=out.name, seed=seed,
                    config={"split": "compound", **rep.config, "dim": dim,
                            "fold_seeds": seeds,
                            "lincs": str(lincs) if lincs else "graph"},
                    data={"compounds": len(sig.drugs), "genes": len(sig.symbols),
                          "compounds_in_graph": in_graph,
                          "with_targets": int(blocks.has_targets.sum()),
                          "with_structure": int(blocks.has_structure.sum()),
                          "signatures_sha256": _fingerprint(sig.values),
                          "network_edges": int(graph.adj.nnz // 2),
                          "pathways": len(graph.pathways)},
                    metrics={"summary": summary, "feature_seconds": blocks.seconds,
                             "over_fold_seeds": [
                                 {"model": c.model, "reference": c.reference,
                                  "wins": list(c.wins), "sign_p": list(c.sign_p),
                                  "genes": c.genes, "holds": c.holds}
                                 for c in comparisons],
                             "fit_seconds": time.monotonic() - t1,
                             "peak_rss_mib": _peak_mib()},
                    seconds=total)
    rec.write(out)
    err_console.print(f"total {total:.0f} s (features {t1 - t0:.0f} s); peak memory "
                      f"{_peak_mib():.0f} MiB")
    console.print(f"written: {out}/ " + ", ".join(f.name for f in files) + ", run.json")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fingerprint(values: object) -> str:
    import hashlib

    import numpy as np

    return hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()


def _compound_table(summary: list[dict[str, Any]], g: int, title: str) -> None:
    table = Table(title=title, title_justify="left")
    for c in ("model", "mean R²", "median R²", "mean r", "r per compound", "wins vs mean",
              "wins vs chemistry", "sign p", "Wilcoxon p", "s"):
        table.add_column(c, justify="left" if c == "model" else "right")
    for row in summary:
        r = dict(row)
        chem = (f"{r['wins_vs_chemistry[all]']}/{g}", f"{r['sign_p_vs_chemistry[all]']:.2g}",
                f"{r['wilcoxon_p_vs_chemistry[all]']:.2g}") \
            if "wins_vs_chemistry[all]" in r else ("", "", "")
        table.add_row(str(r["model"]), f"{r['mean_r2']:.4f}", f"{r['median_r2']:.4f}",
                      f"{r['mean_r']:.3f}", f"{r['compound_r']:.3f}",
                      f"{r['wins_vs_mean[all]']}/{g}" if "wins_vs_mean[all]" in r else "",
                      *chem, f"{r['seconds']:.0f}")
    console.print(table)


def _compound_subsets(summary: list[dict[str, Any]], g: int) -> None:
    """R² and wins vs chemistry, per gene, over compounds with ≥ 1 target and with none."""
    table = Table(title="by compound: with ≥ 1 target in the graph / with none",
                  title_justify="left")
    for c in ("model", "R² [targets]", "wins vs chemistry", "sign p", "R² [none]",
              "wins vs chemistry ", "sign p "):
        table.add_column(c, justify="left" if c == "model" else "right")
    for row in summary:
        r = dict(row)
        cells = [str(r["model"])]
        for k in ("targets", "no_targets"):
            if f"mean_r2[{k}]" not in r:
                cells += ["", "", ""]
                continue
            cells.append(f"{r[f'mean_r2[{k}]']:.4f}")
            w = r.get(f"wins_vs_chemistry[{k}]")
            cells += ([f"{w}/{g}", f"{r[f'sign_p_vs_chemistry[{k}]']:.2g}"]
                      if w is not None else ["", ""])
        table.add_row(*cells)
    console.print(table)


def _seeds_table(comparisons: list[Any], reports: list[Any], seeds: list[int],
                 out: Path) -> Path:
    """Wins of each graph model over chemistry and over the control, per fold seed (table
    and seeds.csv)."""
    import pandas as pd

    table = Table(title=f"per fold seed ({', '.join(map(str, seeds))}): genes won, sign p",
                  title_justify="left")
    for c in ("model", "against", *[f"seed {x}" for x in seeds], "holds in every seed"):
        table.add_column(c, justify="left" if c in ("model", "against") else "right")
    rows = []
    for c in comparisons:
        table.add_row(c.model, c.reference,
                      *[f"{w}/{c.genes} ({w / c.genes:.0%}, p {p:.1g})"
                        for w, p in zip(c.wins, c.sign_p, strict=True)],
                      "yes" if c.holds else "no")
        rows += [{"model": c.model, "reference": c.reference, "fold_seed": x, "wins": w,
                  "genes": c.genes, "sign_p": p}
                 for x, w, p in zip(seeds, c.wins, c.sign_p, strict=True)]
    console.print(table)
    r2 = {(x, m): float(r.per_gene(m)["r2"].mean())
          for x, r in zip(seeds, reports, strict=True) for m in r.predictions}
    for row in rows:
        row["mean_r2_model"] = r2[(row["fold_seed"], row["model"])]
        row["mean_r2_reference"] = r2[(row["fold_seed"], row["reference"])]
    path = out / "seeds.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@expr_app.command("predict")
def predict(
    ctx: typer.Context,
    drug: str = typer.Option(..., "--drug", help="DrugBank id (DB00619) or drug name."),
    model: str = typer.Option("graph+chem", help="graph+chem (highest mean R² in 2 of 3 "
                              "graph seeds of the compound split), stacking (beats "
                              "chemistry in most seeds), core+chem, graph, chemistry."),
    lincs: Path = typer.Option(None, "--lincs", help="consensi-drugbank.tsv.gz to train on "
                               "(default: the signatures stored in the graph)."),
    id_maps: list[Path] = typer.Option([], "--id-map", help="Entrez -> symbol table for "
                                       "--lincs (default: geneinfo.tsv.gz beside it)."),
    sets: str = typer.Option("cn,lpi,ent,le,lle,dw,n2v", help="Similarity sets the graph "
                             "models read."),
    dim: int = typer.Option(32),
    seed: int = typer.Option(None, min=0, max=SEED_MAX,
                              help="Seed (default: global --seed, else drawn and printed)."),
    out: Path = typer.Option(None, help="TSV of the signature (default "
                             "runs/expression-predict-<drug>.tsv)."),
    to_graph: bool = typer.Option(False, "--to-graph", help="Also store it on the Drug "
                                  "node as `predicted_signature` (+ its provenance)."),
    top: int = typer.Option(15, help="Genes shown (largest |z|)."),
) -> None:
    """Predict the landmark L1000 signature of a compound from its targets in the graph
    (and its structure): fitted on every profiled compound but this one, with the evidence
    — targets, their pathways, the profiled compounds it resembles."""
    import numpy as np

    from genekg.expression.compound import predict_signature, pull_compound_graph, resolve_drug
    from genekg.linkpred.runs import check_output_file

    s = resolve_seed(ctx, seed)
    set_names = tuple(x.strip() for x in sets.split(",") if x.strip())
    unknown = [n for n in set_names if n not in FEATURE_SETS]
    if unknown:
        raise GenekgError(f"unknown feature set(s) {unknown}", hint=", ".join(FEATURE_SETS))
    with open_db(ctx) as db, err_console.status("…") as status:
        say = status.update if console.is_terminal else _plain_progress()
        graph = pull_compound_graph(db, with_kg=bool(set_names))
        drug_id = resolve_drug(graph, drug)
        if out is None:
            out = Path("runs") / f"expression-predict-{drug_id}.tsv"
            out.parent.mkdir(parents=True, exist_ok=True)
        check_output_file(out, "--out")
        sig = _consensus(db, lincs, id_maps)
        sig.drugs = graph.node_ids(sig.drugs)
        pred = predict_signature(graph, sig, drug_id, model=model, sets=set_names, seed=s,
                                 db=db, progress=say)
        if to_graph:
            meta = json.dumps({"model": pred.model, "seed": s, "trained_on": pred.n_train,
                               "genes": "Dataset lincs:consensi-drugbank genes_symbol",
                               "sets": list(set_names)})
            db.run("expression/write_predicted_signature",
                   {"drug": drug_id, "values": [float(v) for v in pred.values],
                    "genes": pred.genes, "meta": meta})
    order = np.argsort(-np.abs(pred.values))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as fh:
        fh.write("gene\tpredicted_z\trank_abs" + ("\tmeasured_z" if pred.measured is not None
                                                    else "") + "\n")
        rank = np.empty(len(order), dtype=int)
        rank[order] = np.arange(1, len(order) + 1)
        for j, g in enumerate(pred.genes):
            fh.write(f"{g}\t{pred.values[j]:.4f}\t{rank[j]}"
                     + (f"\t{pred.measured[j]:.4f}" if pred.measured is not None else "")
                     + "\n")
    console.print(f"[bold]{pred.name}[/] ({pred.drug}) — predicted landmark signature, "
                  f"model {pred.model}, trained on {pred.n_train:,} profiled compounds "
                  "(moderated z-scores)")
    console.print("targets in the graph: " + (", ".join(pred.targets) or "none"))
    if pred.pathways:
        console.print("their pathways: " + "; ".join(f"{p} ({share:.0%} of targets)"
                                                     for p, share in pred.pathways))
    table = Table(title=f"genes with the largest predicted |z| (of {len(pred.genes)})",
                  title_justify="left")
    for c in ("gene", "predicted z", *(["measured z"] if pred.measured is not None else [])):
        table.add_column(c, justify="left" if c == "gene" else "right")
    for j in order[:top]:
        table.add_row(pred.genes[j], f"{pred.values[j]:+.3f}",
                      *([f"{pred.measured[j]:+.3f}"] if pred.measured is not None else []))
    console.print(table)
    near = Table(title="profiled compounds it resembles most (the model's kernel)",
                 title_justify="left")
    for c in ("drug", "name", "similarity", "shared targets"):
        near.add_column(c)
    for n in pred.neighbours:
        near.add_row(n["drug"], n["name"], f"{n['similarity']:.3f}",
                     ", ".join(n["shared_targets"][:8]) or "-")
    console.print(near)
    if pred.measured is not None:
        r = float(np.corrcoef(pred.values, pred.measured)[0, 1])
        err_console.print(f"{pred.drug} is profiled: its own signature was left out of "
                          f"training; Pearson r with the measured one: {r:.3f}")
    console.print(f"written: {out}" + (f"; stored on (:Drug {{id: '{drug_id}'}})."
                                       "predicted_signature" if to_graph else ""))
