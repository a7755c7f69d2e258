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
        try:
            written = export_triples(db, out, fmt)
        except OSError as exc:  # a full disk, a read-only mount: one line, not a traceback
            raise GenekgError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    for name, n in written.items():
        console.print(f"{n:>10,}  {out / name}")


@export_app.command("dump")
def dump(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", "-o", help="The dump file to write (.dump); a "
                             "<file>.manifest.json is written beside it."),
) -> None:
    """Dump the local server's whole database for sharing a built graph (neo4j-admin
    database dump), with a manifest of its sources, releases and checksums. The server
    is stopped for the dump and started again."""
    from genekg.export import dump_database
    from genekg.linkpred.runs import check_output_file
    from genekg.server.manager import ServerConfig, ServerManager

    if out.suffix != ".dump":
        raise GenekgError(f"--out {out}: the name must end in .dump")
    if out.exists():
        raise GenekgError(f"--out {out} exists; a dump is never written over another",
                          hint="Choose a new file name.")
    check_output_file(out, "--out")
    from urllib.parse import urlparse

    from genekg.cli.common import state
    from genekg.config import resolve_connection

    manager = ServerManager(ServerConfig.from_env())
    s = state(ctx)
    target = urlparse(resolve_connection(s.uri, s.user, s.password).uri)
    if target.hostname not in ("127.0.0.1", "localhost") \
            or target.port != manager.config.bolt_port or not manager.state().running:
        raise GenekgError(f"export dump works on the local server genekg manages "
                          f"(bolt://127.0.0.1:{manager.config.bolt_port}), and it is not "
                          "running or not the one addressed",
                          hint="genekg server start; for a remote server use its own "
                               "neo4j-admin")
    with open_db(ctx) as db:
        manifest = dump_database(db, manager, out, progress=console.print)
    console.print(f"{manifest['bytes'] / 1e6:,.1f} MB -> {out} (sha256 "
                  f"{manifest['sha256'][:16]}…); {len(manifest['sources'])} loads recorded in "
                  f"{out.name}.manifest.json")
