"""`genekg predict`, `genekg predictions …`, `genekg query …`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from genekg.cli.common import GenekgGroup, console, err_console, open_db
from genekg.errors import GenekgError


def predict(
    ctx: typer.Context,
    run: str = typer.Option(..., "--run", help="Run id (runs/<id>) or path."),
    top_k: int = typer.Option(None, "--top-k", min=1, help="Keep the k best pairs overall "
                              "(default 1000, with --per-gene 10, unless --min-score)."),
    per_gene: int = typer.Option(None, "--per-gene", min=1, help="Also keep the K best "
                                 "partners of every gene (default 10): every gene of the run "
                                 "gets its answer."),
    min_score: float = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                    help="Keep pairs with probability ≥ p (paper: 0.5)."),
    max_per_gene: int = typer.Option(None, "--max-per-gene", min=1, help="At most this "
                                     "many pairs of one gene in the global --top-k list (the "
                                     "next best pairs of other genes take the hub's place; "
                                     "each gene's own --per-gene list is not capped). "
                                     "Default: no cap."),
    genes: str = typer.Option(None, "--genes", help="Only pairs involving these genes "
                              "(comma-separated symbols or ids)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print rows, write nothing."),
    output: Path = typer.Option(None, "--output", help="Write rows to this TSV (no DB write "
                                "unless --write is also given)."),
    write: bool = typer.Option(False, "--write", help="With --output: also write to Neo4j."),
    show: int = typer.Option(15, help="How many top rows to print."),
    allow_changed_graph: bool = typer.Option(
        False, "--allow-changed-graph", help="Use the run although the graph changed "
        "since it was trained: interactions among its genes loaded since are excluded as "
        "known, and a stack's knowledge-graph features differ from the ones it learned "
        "(a warning says how). Default: refuse."),
) -> None:
    """Score candidate pairs of a run and write them back as PREDICTED_INTERACTION edges.

    Re-running replaces this run's edges (in one transaction); other runs are untouched.
    With --genes the run's set grows: only edges touching those genes are replaced.
    """
    from genekg.linkpred.pairio import write_tsv
    from genekg.linkpred.predict import predict as do_predict
    from genekg.linkpred.prediction import PredictOptions
    from genekg.linkpred.runs import Run, check_output_file
    from genekg.linkpred.writeback import write_predictions

    if top_k is None and per_gene is None and min_score is None:
        top_k, per_gene = 1000, 10  # global best plus every gene's own top partners
    if output is not None:
        check_output_file(output)  # before minutes of scoring, not after
    r = Run.open(run)
    opts = PredictOptions(top_k=top_k, per_gene=per_gene, min_score=min_score,
                          genes=[g.strip() for g in genes.split(",")] if genes else None,
                          max_per_gene=max_per_gene)
    with open_db(ctx) as db:
        with Progress(TextColumn("[bold]scoring"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("genes"), TimeElapsedColumn(), console=err_console,
                      transient=True) as progress:
            task = progress.add_task("scoring", total=None)
            result = do_predict(db, r, opts, lambda d, t: progress.update(task, completed=d,
                                                                          total=t),
                                allow_changed_graph=allow_changed_graph)
        for note in result.notes:
            err_console.print(f"[yellow]warning:[/] {note}")
        hubs = result.hub_share()
        if hubs:
            err_console.print("genes in the most selected pairs: " + ", ".join(
                f"{g.split(':', 1)[-1]} {100 * f:.1f}%" for g, f in hubs))
        rate = result.candidates_scored / max(result.seconds_scoring, 1e-9)
        err_console.print(f"scored {result.candidates_scored:,} candidate pairs in "
                          f"{result.seconds_scoring:.1f} s ({rate:,.0f} pairs/s); "
                          f"{result.known_excluded:,} known interactions excluded; "
                          f"{len(result.predictions):,} selected (method "
                          f"{result.chosen or result.model})")
        if output:
            write_tsv(result, output)
            err_console.print(f"wrote {output}")
        if dry_run and not output:
            write_tsv(result, None)
        if not dry_run and (write or not output):
            from genekg.ingest.writer import ensure_schema

            with err_console.status(f"writing {len(result.predictions):,} edges …"):
                ensure_schema(db)  # graphs built by older versions lack PredictionRun's key
                n = write_predictions(db, result)
            err_console.print(f"[green]wrote[/] {n:,} PREDICTED_INTERACTION edges for run "
                              f"{result.run_id} in {result.seconds_writing:.1f} s")
    if not dry_run or output:
        _top_table(result.predictions[:show], result.run_id)


def score(
    ctx: typer.Context,
    run: str = typer.Option(..., "--run", help="Run id (runs/<id>) or path."),
    pairs: Path = typer.Option(..., "--pairs", help="File of gene pairs, one per line "
                               "(two columns: symbols or ids; tab, comma or space)."),
    fmt: str = typer.Option("table", "--format", help="table, tsv or json."),
    allow_changed_graph: bool = typer.Option(False, "--allow-changed-graph",
                                             help="As for predict."),
) -> None:
    """Score pairs you bring (e.g. hits of your own screen) with a run: calibrated score,
    expected precision, each gene's rank of the other among its candidate partners and
    the evidence. Known interactions and genes the run does not hold are reported."""
    import json

    from genekg.linkpred.pairio import read_pairs
    from genekg.linkpred.predict import score_pairs
    from genekg.linkpred.runs import Run

    if fmt not in ("table", "tsv", "json"):
        raise GenekgError(f"--format {fmt!r}: choose table, tsv or json")
    wanted = read_pairs(pairs)  # a bad file fails before any connection
    r = Run.open(run)
    with open_db(ctx) as db:
        rows = score_pairs(db, r, wanted, allow_changed_graph=allow_changed_graph)
    cols = ["a", "b", "status", "score", "expected_precision", "rank_a", "rank_b",
            "evidence"]
    if fmt == "json":
        console.print_json(json.dumps([{c: getattr(x, c) for c in cols} for x in rows],
                                      default=str).replace("NaN", "null"))
        return
    if fmt == "tsv":
        print("\t".join(cols))
        for x in rows:
            print("\t".join(_tsv(getattr(x, c)) for c in cols))
        return
    table = Table(title=f"pairs scored by run {r.id}", title_justify="left",
                  caption="score: P(edge) at a 1:1 prior; expected precision: share of "
                  "held-out edges among all candidates scored as high (a lower bound); "
                  "rank_a: b among a's candidate partners")
    for c in cols:
        table.add_column(c, justify="right" if c in ("score", "expected_precision", "rank_a",
                                                     "rank_b") else "left",
                         overflow="fold")
    for x in rows:
        table.add_row(*[_fmt(c, getattr(x, c)) for c in cols])
    console.print(table)


def _tsv(v: Any) -> str:
    """A TSV cell: full precision, no thousands separators, empty for NaN."""
    if isinstance(v, float):
        return "" if v != v else f"{v:.6g}"
    return str(v)


def prob_text(v: float) -> str:
    """A probability for a table: 4 digits, and near 1 its distance from 1 (`1−2.6e-05`),
    so that rows a rounded `1.0000` would make look alike stay apart."""
    if v != v:
        return "-"
    return f"1−{1 - v:.1e}" if 0.9999 < v < 1 else f"{v:.4f}"


def _fmt(col: str, v: Any) -> str:
    if isinstance(v, float):
        if v != v:
            return "-"
        if col.startswith("rank"):
            return f"{v:,.0f}"
        return f"{100 * v:.2g}%" if col == "expected_precision" else prob_text(v)
    return str(v)


def _top_table(preds: list[Any], run_id: str) -> None:
    table = Table(title=f"top predictions — {run_id}", title_justify="left",
                  caption="expected precision: share of held-out edges among all candidates "
                  "the run scored as high (a lower bound); score: P(edge) at a 1:1 prior")
    for c in ("rank", "gene a", "gene b", "expected precision", "score", "percentile",
              "evidence"):
        table.add_column(c, justify="right" if c in ("rank", "score", "percentile",
                                                     "expected precision")
                         else "left", no_wrap=c != "evidence", overflow="fold")
    for p in preds:
        table.add_row(str(p.rank), p.a.split(":", 1)[-1], p.b.split(":", 1)[-1],
                      _fmt("expected_precision", p.expected_precision), prob_text(p.score),
                      f"{p.percentile:.2f}", p.evidence())
    console.print(table)


preds_app = typer.Typer(cls=GenekgGroup, help="Predicted edges in the graph.",
                        no_args_is_help=True)


@preds_app.command("list")
def list_runs(ctx: typer.Context,
              fmt: str = typer.Option("table", "--format", help="table, tsv or json.")) -> None:
    """Runs with PREDICTED_INTERACTION edges: counts and score ranges."""
    with open_db(ctx) as db:
        rows = db.run("runs")
    _rows_table(rows, "prediction runs in the graph", fmt)


@preds_app.command("delete")
def delete(ctx: typer.Context, run: str = typer.Option(..., "--run")) -> None:
    """Delete one run's PREDICTED_INTERACTION edges (others are untouched)."""
    from genekg.linkpred.writeback import delete_run

    with open_db(ctx) as db:
        n = delete_run(db, run)
    if not n:
        raise GenekgError(f"no predicted edges for run {run!r}",
                          hint="genekg predictions list")
    console.print(f"deleted {n:,} edges of run {run}")


def query(
    ctx: typer.Context,
    name: str = typer.Argument(None, help="Query name (see --list)."),
    param: list[str] = typer.Option([], "--param", "-p", help="key=value (repeatable); "
                                    "numbers are converted, 'null' is null."),
    list_queries: bool = typer.Option(False, "--list", help="List the query library."),
    show_text: bool = typer.Option(False, "--show", help="Print the Cypher instead (pastes "
                                   "into cypher-shell or the Browser as is)."),
    fmt: str = typer.Option("table", "--format", help="table, tsv or json."),
) -> None:
    """Run a named query from the Cypher library and print a table."""
    import sys

    from genekg.db.cypher import load_query, query_names

    if list_queries or not name:
        table = Table(title="Cypher query library (cypher/queries/)")
        table.add_column("name", style="bold")
        table.add_column("what it does")
        for q in query_names("queries/"):
            table.add_row(q.removeprefix("queries/"), load_query(q).doc)
        console.print(table)
        return
    library = [q.removeprefix("queries/") for q in query_names("queries/")]
    if name not in library:
        raise GenekgError(f"no query {name!r} in the library",
                          hint=f"Queries: {', '.join(library)} (genekg query --list)")
    named = load_query(name)
    if show_text:
        # Plain stdout: rich would wrap long lines (and comments) at the terminal width,
        # and the pasted text would no longer parse.
        sys.stdout.write(named.text + "\n")
        return
    params: dict[str, Any] = {}
    for item in param:
        if "=" not in item:
            raise GenekgError(f"--param {_echo(item)} is not key=value")
        k, v = item.split("=", 1)
        params[k] = _coerce(v)
    if "limit" in params and not (isinstance(params["limit"], int) and params["limit"] >= 0):
        raise GenekgError(f"--param limit={_echo(params['limit'])}: limit must be a whole number "
                          "≥ 0", hint="e.g. --param limit=20")
    import re

    needed = sorted(set(re.findall(r"\$(\w+)", named.text)))
    missing = [p for p in needed if p not in params]
    for p in missing:
        if p == "limit":
            params["limit"] = 25
        elif p in ("run", "tag"):
            params[p] = None
    missing = [p for p in needed if p not in params]
    if missing:
        raise GenekgError(f"query {name} needs parameter(s) {missing}",
                          hint=" ".join(f"--param {m}=…" for m in missing))
    with open_db(ctx) as db:
        rows = db.run(named.text, params)
        loaded = sorted({str(r["id"]).rsplit(":", 1)[0] for r in db.run("pull/sources")}) \
            if not rows and name in ("release_diff", "confirmed_by_release") else []
    if not rows and fmt == "table":
        err_console.print(f"{name}: no rows — {_why_empty(name, params, loaded)}",
                          soft_wrap=True)
        return
    _rows_table(rows, name, fmt)


def _echo(value: Any, limit: int = 60) -> str:
    """A user's value as a message shows it: clipped, and shell-quoted for commands."""
    import shlex

    text = str(value)
    if len(text) > limit:
        text = f"{text[:limit]}…({len(str(value)):,} chars)"
    return shlex.quote(text)


def _why_empty(name: str, params: dict[str, Any], loaded: list[str] | None = None) -> str:
    """A hint for an empty answer: what to run to get one (`loaded`: the source releases
    in the graph, for the queries that take a release)."""
    gene = _echo(params["gene"]) if params.get("gene") else None
    run = _echo(params["run"]) if params.get("run") else None
    if name == "top_partners" and gene:
        where = f"run {run}" if run else "any run"
        return (f"no PREDICTED_INTERACTION edge of {gene} in {where}. The run's set holds "
                "every gene's top partners only if it was predicted with --per-gene; add "
                f"this gene's with: genekg predict --run {run or '<run id>'} --genes {gene}")
    if name in ("release_diff", "confirmed_by_release"):
        given = [f"{k}={_echo(params[k])}" for k in ("old", "new", "tag") if params.get(k)]
        return (f"no pairs for {', '.join(given) or 'these releases'}. Releases loaded: "
                f"{', '.join(loaded or []) or 'none'} (a release without '@' means "
                "biogrid@<it>; both must be loaded, for release_diff in one organism)")
    return "nothing matched these parameters (genekg predictions list shows the runs)"


def _coerce(v: str) -> Any:
    if v.lower() == "null":
        return None
    for cast in (int, float):
        try:
            return cast(v)
        except ValueError:
            pass
    return v


def _rows_table(rows: list[dict[str, Any]], title: str, fmt: str = "table") -> None:
    """Print rows as a table (ids fold, never truncate), TSV or JSON."""
    import csv
    import json
    import sys

    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2, default=str) + "\n")
        return
    if fmt == "tsv":
        w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        if rows:
            w.writerow(list(rows[0]))
        # Lists as `a;b;c` (as predict's TSV writes them), never Python's `['a', 'b']`.
        w.writerows([["" if v is None else ";".join(map(str, v)) if isinstance(v, list)
                      else v for v in r.values()] for r in rows])
        return
    if fmt != "table":
        raise GenekgError(f"--format {fmt!r}", hint="table, tsv or json")
    if not rows:
        console.print(f"{title}: no rows")
        return
    table = Table(title=f"{title} ({len(rows)} rows)")
    for c in rows[0]:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*[_cell(v, k) for k, v in r.items()])
    console.print(table)


def _cell(v: Any, col: str = "", shown: int = 5) -> str:
    """A table cell: lists as 'a, b, c +N', probabilities readable (the full values are in
    --format tsv/json)."""
    if v is None:
        return ""
    if isinstance(v, list):
        sep = "–" if col == "strongest_path" else ", "
        head = sep.join(str(x) for x in v[:shown])
        return head + (f" +{len(v) - shown}" if len(v) > shown else "")
    if isinstance(v, float):
        if col in ("expected_precision", "score"):
            return _fmt(col, v)
        if col == "percentile":
            return f"{v:.2f}"
    if isinstance(v, bool):
        return "yes" if v else ""
    return str(v)
