"""The `genekg` command."""

from __future__ import annotations

from pathlib import Path

import typer

from genekg import __version__
from genekg.cli import doctor as doctor_mod
from genekg.cli import export as export_mod
from genekg.cli import expression as expression_mod
from genekg.cli import gne as gne_mod
from genekg.cli import ingest as ingest_mod
from genekg.cli import predict as predict_mod
from genekg.cli import server
from genekg.cli.common import SEED_MAX, AppState, GenekgGroup, setup_logging

app = typer.Typer(
    cls=GenekgGroup,
    name="genekg",
    help="Public biology databases as a Neo4j knowledge graph; predict gene interactions "
    "and expression on it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"genekg {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    uri: str | None = typer.Option(
        None, envvar="NEO4J_URI", help="Bolt URI (default bolt://127.0.0.1:7687)."
    ),
    user: str | None = typer.Option(None, envvar="NEO4J_USER", help="Neo4j user (default neo4j)."),
    password: str | None = typer.Option(
        None, envvar="NEO4J_PASSWORD", show_envvar=True,
        help="Neo4j password (default: the local server's stored password). On the command "
        "line it is visible to every user in `ps`: prefer --password-file or NEO4J_PASSWORD.",
    ),
    password_file: Path | None = typer.Option(
        None, "--password-file", envvar="NEO4J_PASSWORD_FILE", show_envvar=True,
        help="Read the Neo4j password from the first line of this file (keep it 0600).",
    ),
    seed: int | None = typer.Option(None, min=0, max=SEED_MAX,
                                     help=f"Seed for every random choice (0 to {SEED_MAX}: "
                                     "ensembles add up to 1000 to it)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging on stderr."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True),
) -> None:
    """Global options: connection, verbosity and the seed that fixes every random choice."""
    setup_logging(verbose)
    from genekg.config import check_env

    check_env()
    if password_file is not None:
        from genekg.config import read_password_file

        password = read_password_file(password_file)
    ctx.obj = AppState(uri=uri, user=user, password=password, verbose=verbose, seed=seed)


app.add_typer(server.app, name="server")
app.command("doctor")(doctor_mod.doctor)
app.command("ingest")(ingest_mod.ingest)
app.command("train")(gne_mod.train)
app.command("evaluate")(gne_mod.evaluate)
app.command("methods")(gne_mod.methods)
app.add_typer(gne_mod.emb_app, name="embeddings")
app.command("predict")(predict_mod.predict)
app.command("score")(predict_mod.score)
app.add_typer(predict_mod.preds_app, name="predictions")
app.command("query")(predict_mod.query)
app.command("features")(expression_mod.features)
app.add_typer(expression_mod.expr_app, name="expression")
app.add_typer(export_mod.export_app, name="export")


def main() -> None:
    """Entry point of the `genekg` console script."""
    app()


if __name__ == "__main__":
    main()
