"""`genekg export`: subgraphs for Cytoscape/NetworkX and the graph as triples for graph ML."""

from __future__ import annotations

from pathlib import Path

import typer

from genekg.cli.common import GenekgGroup, console, open_db
from genekg.errors import GenekgError

export_app = typer.Typer(cls=GenekgGroup, no_args_is_help=True,
                         help="Export subgraphs (Cytoscape CX2, GraphML) and the knowledge "
                              "graph as triples.")


@export_app.command("cytoscape")
def cytoscape(
    ctx: typer.Context,
    gene: list[str] = typer.Option([], "--gene", "-g", help="A gene (symbol or id); "
                                   "repeatable."),
    genes: str = typer.Option(None, "--genes", help="Comma-separated genes."),
    hops: int = typer.Option(1, "--hops", help="Neighbourhood depth over known and "
                             "predicted interactions (0-3)."),
    run: str = typer.Option(None, "--run", help="Prediction run whose edges to include "
                            "(default: known interactions only)."),
    min_ep: float = typer.Option(None, "--min-expected-precision", min=0.0, max=1.0,
                                 help="Only predicted edges at least this likely."),
    include: str = typer.Option("", "--include", help="Super nodes to add: pathways, "
                                "drugs, cell-lines (comma-separated)."),
    output: Path = typer.Option(..., "--output", "-o", help="File: .cx2 (Cytoscape 3.10+, "
                                "NDEx; with the genekg style) or .graphml."),
) -> None:
    """A gene set's neighbourhood, with known and predicted interactions and their
    evidence, as a Cytoscape network (CX2 with a style, or GraphML)."""
    from genekg.export import neighbourhood, to_cx2, to_graphml
    from genekg.linkpred.runs import check_output_file

    names = [*gene, *[g.strip() for g in (genes or "").split(",") if g.strip()]]
    if not names:
        raise GenekgError("which genes?", hint="--gene TP53 (repeatable) or --genes TP53,MDM2")
    if output.suffix not in (".cx2", ".graphml"):
        raise GenekgError(f"--output {output}: the name must end in .cx2 or .graphml")
    check_output_file(output)
    kinds = tuple(k.strip() for k in include.split(",") if k.strip())
    with open_db(ctx) as db:
        sub = neighbourhood(db, names, hops=hops, run=run, min_expected_precision=min_ep,
                            include=kinds)
    if output.suffix == ".cx2":
        to_cx2(sub, output, name=f"genekg: {', '.join(names[:3])} ({hops}-hop)")
    else:
        to_graphml(sub, output)
    kinds_count: dict[str, int] = {}
    for e in sub.edges:
        kinds_count[e["type"]] = kinds_count.get(e["type"], 0) + 1
    detail = ", ".join(f"{n:,} {t}" for t, n in sorted(kinds_count.items()))
    console.print(f"{len(sub.nodes):,} nodes and {len(sub.edges):,} edges ({detail or 'none'})"
                  f" -> {output}")


@export_app.command("triples")
def triples(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="A new folder for triples.<fmt> and "
                             "nodes_<label>.<fmt>."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or tsv."),
) -> None:
    """The loaded knowledge graph as head-relation-tail triples with provenance, plus
    typed node tables: what PyKEEN (TriplesFactory.from_labeled_triples) and PyG
    (HeteroData) take."""
    from genekg.export import export_triples
    from genekg.linkpred.runs import check_new_folder

    check_new_folder(out)
    with open_db(ctx) as db:
        written = export_triples(db, out, fmt)
    for name, n in written.items():
        console.print(f"{n:>10,}  {out / name}")
