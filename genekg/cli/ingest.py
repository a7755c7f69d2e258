"""`genekg ingest`: source files -> Neo4j, with a summary of what changed."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from genekg.cli.common import console, err_console, open_db
from genekg.errors import GenekgError
from genekg.ingest.checks import check_bulk_target, check_partial
from genekg.ingest.writer import LoadReport, ingest_bundle
from genekg.loaders.base import LoadOptions, accepting_unterminated_files


def print_report(report: LoadReport) -> None:
    """Print a load's counts (in file / added / already present), skipped rows and unmapped ids."""
    table = Table(title=f"{report.source} @ {report.release}  ({report.seconds:.1f} s)")
    table.add_column("type")
    table.add_column("in file", justify="right")
    table.add_column("added", justify="right", style="green")
    table.add_column("already present", justify="right")
    for key, added in report.added.items():
        old = report.existing.get(key, 0)
        table.add_row(key, f"{added + old:,}", f"{added:,}", f"{old:,}")
    console.print(table)
    if report.waited >= 1:
        console.print(f"waited {report.waited:.0f} s for another load to finish "
                      "(loads of one graph run one at a time)")
    for load in report.collected:
        console.print(f"collected the rows of {load}, a load that had been interrupted "
                      "before it went live (no reader ever saw them)")
    issues = report.issues
    if issues.get("skipped"):
        t = Table(title="skipped rows")
        t.add_column("reason")
        t.add_column("rows", justify="right")
        t.add_column("e.g.")
        for reason, n in sorted(issues["skipped"].items(), key=lambda kv: -kv[1]):
            t.add_row(reason, f"{n:,}", ", ".join(issues["skipped_examples"].get(reason, [])))
        console.print(t)
    if issues.get("unmapped"):
        t = Table(title="unmapped identifiers (occurrences)")
        t.add_column("namespace")
        t.add_column("count", justify="right")
        t.add_column("e.g.")
        for ns, n in issues["unmapped"].items():
            t.add_row(ns, f"{n:,}", ", ".join(issues["unmapped_examples"].get(ns, [])))
        console.print(t)
    for what, d in report.release_diff.items():
        rel, taxon = what.split(" ", 1)
        t = Table(title=f"{report.source}@{report.release} against "
                  f"{', '.join(sorted(d['earlier']))} ({rel}, taxon {taxon})",
                  title_justify="left")
        t.add_column("change")
        t.add_column("count", justify="right")
        t.add_column("e.g.")
        t.add_row("pairs new in this release", f"{d['new_pairs']:,}",
                  ", ".join(d["new_examples"]))
        t.add_row("pairs of earlier releases absent from it", f"{d['absent_pairs']:,}",
                  ", ".join(d["absent_examples"]))
        t.add_row("pairs in both", f"{d['kept_pairs']:,}", "")
        t.add_row("genes new (first pair in this release)", f"{d['new_genes']:,}",
                  ", ".join(d["new_gene_examples"]))
        t.add_row("genes with no pair in this release", f"{d['absent_genes']:,}", "")
        console.print(t)
        console.print(f"list them: genekg query release_diff -p old=<earlier> -p "
                      f"new={report.source}@{report.release} -p limit=100", highlight=False)
    for what, renames in report.merged.items():
        console.print(f"merged onto existing nodes ({what}): {len(renames):,}, e.g. "
                      + ", ".join(renames[:3]))
    if report.conflicts:
        verb = "updated to the file's value" if report.updated_existing else (
            "kept the graph's value (pass --update-existing to take the file's)")
        t = Table(title=f"existing nodes whose stored value differs from the file: {verb}")
        t.add_column("property")
        t.add_column("nodes", justify="right")
        t.add_column("e.g.")
        for prop, (count, examples) in sorted(report.conflicts.items()):
            t.add_row(prop, f"{count:,}", "; ".join(examples))
        console.print(t)
    for reason, n in (issues.get("warnings") or {}).items():
        ex = ", ".join(issues.get("warning_examples", {}).get(reason, []))
        console.print(f"[yellow]warning[/]: {n:,} identifiers {reason}, e.g. {ex}")


def run_load(ctx: typer.Context, source: str, path: Path, options: LoadOptions,
             batch_size: int = 20_000, allow_partial: bool = True,
             update_existing: bool = False, writers: int | None = None) -> LoadReport:
    """Read one source with its loader, refuse mostly-unmapped loads, and write it as one
    staged load (bounded batches, visible to readers all at once)."""
    from genekg.loaders import get_loader

    loader = get_loader(source)
    t0 = time.monotonic()
    with err_console.status(f"reading {path} …"), accepting_unterminated_files(allow_partial):
        bundle = loader.load(path, options)
    bundle.id_maps = list(options.id_maps)
    check_partial(bundle, path, allow_partial)
    parse_s = time.monotonic() - t0
    with open_db(ctx) as db, Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err_console, transient=True,
    ) as progress:
        task = progress.add_task("writing", total=None)

        def cb(what: str, done: int, total: int) -> None:
            progress.update(task, description=f"writing {what}", completed=done, total=total)

        report = ingest_bundle(db, bundle, batch_size=batch_size, progress=cb,
                               update_existing=update_existing, writers=writers)
    report.seconds += parse_s
    return report


def ingest(
    ctx: typer.Context,
    source: str = typer.Argument(None, help="Source name (see --list), or 'sample'."),
    path: Path = typer.Argument(None, help="File or directory to load (not for 'sample')."),
    list_sources: bool = typer.Option(False, "--list", help="List the sources and formats."),
    organism: str = typer.Option(None, "--organism", "-o",
                                 help="ecoli, yeast, human or a taxon id."),
    release: str = typer.Option(None, help="Release/version of the source (recorded)."),
    id_map: list[Path] = typer.Option([], "--id-map", help="Identifier mapping table "
                                      "(repeatable)."),
    id_type: str = typer.Option(None, help="Namespace of the ids: symbol, uniprot, entrez, "
                                "ensembl, bnumber, orf, dream5 (default: detected)."),
    interaction_type: str = typer.Option(None, help="BioGRID TAB: physical (default), "
                                         "genetic or all."),
    dataset: str = typer.Option(None, help="Expression: dataset name (default: file name)."),
    orientation: str = typer.Option(None, help="Expression: genes-rows (default) or "
                                    "genes-columns."),
    id_column: str = typer.Option(None, help="Expression: column holding gene ids."),
    drop_columns: str = typer.Option(None, help="Expression: comma-separated columns to "
                                     "ignore."),
    online: str = typer.Option(None, help="KEGG: comma-separated pathway ids to download."),
    base_url: str = typer.Option(None, help="KEGG: REST base URL (default rest.kegg.jp)."),
    cell: str = typer.Option(None, help="LINCS: keep signatures of this cell line."),
    landmark: bool = typer.Option(False, "--landmark", help="LINCS: keep landmark genes."),
    chunk: int = typer.Option(None, min=1, help="LINCS GCTX: signatures per read "
                              "(default 10,000)."),
    batch_size: int = typer.Option(20_000, min=100, help="Rows per batch (each batch is "
                                   "its own transaction; the load goes live at the end)."),
    writers: int = typer.Option(None, "--writers", min=1, help="Batches written at once "
                                "(default GENEKG_INGEST_WRITERS or 2: both cores of the "
                                "server busy)."),
    bulk: bool = typer.Option(False, "--bulk", help="Build an EMPTY local database with "
                              "neo4j-admin import (offline: the server is stopped and "
                              "restarted); same graph as the staged path, several "
                              "times faster for a first build (1M relationships: about "
                              "a minute)."),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="Load even when most "
                                       "relationships are dropped for unmapped ids, or a "
                                       "file's last line has no line end (looks cut short)."),
    update_existing: bool = typer.Option(False, "--update-existing", help="Where a node "
                                         "exists with another value of a property, take the "
                                         "file's (default: keep the graph's and report it)."),
) -> None:
    """Load a source into Neo4j. Readers see the whole load at once when it is done; a
    failed or killed load leaves the graph as it was (the next load cleans up after it);
    re-running a load changes nothing."""
    from genekg.loaders import REGISTRY, get_loader
    from genekg.loaders.base import source_options
    from genekg.organisms import resolve_organism

    if list_sources:
        table = Table(title="genekg ingest sources")
        table.add_column("source", style="bold")
        table.add_column("what")
        table.add_column("accepted formats")
        for name, cls in sorted(REGISTRY.items()):
            table.add_row(name, cls.summary, cls.formats)
        table.add_row("sample", "the small real sample bundled with genekg", "(no path)")
        console.print(table)
        return
    if source is None:
        raise GenekgError("which source?", hint="genekg ingest --list")
    if bulk and source == "sample":
        from genekg.sample import sample_plan

        bulk_load(ctx, sample_plan(), allow_partial=True)
        return
    if source == "sample":
        from genekg.sample import load_sample

        for report in load_sample(lambda s, p, o: run_load(ctx, s, p, o, batch_size,
                                                           writers=writers)):
            print_report(report)
        return
    if path is None and not online:
        raise GenekgError(f"ingest {source} needs a path", hint="genekg ingest --help")
    # The source's own options, typed by its loader; one it does not take is an error
    # (before any file is read) naming what it does take.
    own = source_options(type(get_loader(source)), {  # an unknown source: get_loader says so
        "id_type": id_type, "interaction_type": interaction_type, "dataset": dataset,
        "orientation": orientation, "id_column": id_column, "drop_columns": drop_columns,
        "online": online, "base_url": base_url, "cell": cell,
        "landmark": landmark or None, "chunk": chunk})
    options = LoadOptions(organism=resolve_organism(organism) if organism else None,
                          release=release, id_maps=list(id_map), source=own)
    if bulk:
        bulk_load(ctx, [(source, path or Path("."), options)], allow_partial)
        return
    report = run_load(ctx, source, path or Path("."), options, batch_size, allow_partial,
                      update_existing, writers)
    print_report(report)


def bulk_load(ctx: typer.Context, plan: list[tuple[str, Path, LoadOptions]],
              allow_partial: bool) -> None:
    """Read every load of `plan`, then build the empty local database in one import."""
    import tempfile

    from genekg.cli.common import state
    from genekg.config import resolve_connection
    from genekg.ingest.bulk import bulk_build
    from genekg.loaders import get_loader
    from genekg.server.manager import ServerConfig, ServerManager

    manager = ServerManager(ServerConfig.from_env())
    s = state(ctx)
    check_bulk_target(resolve_connection(s.uri, s.user, s.password).uri, manager)
    bundles = []
    for source, path, options in plan:
        with err_console.status(f"reading {path} …"), \
                accepting_unterminated_files(allow_partial):
            bundle = get_loader(source).load(path, options)
        bundle.id_maps = list(options.id_maps)
        check_partial(bundle, path, allow_partial)
        bundles.append(bundle)
    with tempfile.TemporaryDirectory(prefix="genekg-bulk-") as work, open_db(ctx) as db, \
            err_console.status("bulk import …") as status:
        rep = bulk_build(db, manager, bundles, Path(work), lambda: open_db(ctx),
                         progress=status.update)
    table = Table(title="bulk import (neo4j-admin database import full)",
                  title_justify="left")
    table.add_column("label / type")
    table.add_column("count", justify="right")
    for k, v in sorted(rep.counts.items()):
        table.add_row(k, f"{v:,}")
    console.print(table)
    console.print(f"{rep.nodes:,} nodes and {rep.relationships:,} relationships; files "
                  f"{rep.seconds_csv:.1f} s, import {rep.seconds_import:.1f} s "
                  f"({rep.rels_per_s:,.0f} rels/s), restart {rep.seconds_restart:.1f} s")
    if rep.seconds_importer:
        console.print(f"importer's own time {rep.seconds_importer:.1f} s (without JVM start): "
                      f"{rep.nodes / rep.seconds_importer:,.0f} nodes/s, "
                      f"{rep.relationships / rep.seconds_importer:,.0f} rels/s")
