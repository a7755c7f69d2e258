"""`genekg server …`: a local Neo4j 5.26 + GDS 2.13 assembled from Maven Central."""

from __future__ import annotations

import time

import typer
from rich.table import Table

from genekg import GDS_VERSION, NEO4J_VERSION
from genekg.cli.common import GenekgGroup, console, err_console, state
from genekg.config import password_file
from genekg.server.manager import ServerConfig, ServerManager

app = typer.Typer(cls=GenekgGroup, help="Install and run a local Neo4j + GDS (no Docker needed).",
                  no_args_is_help=True)


def _manager() -> ServerManager:
    return ServerManager(ServerConfig.from_env(), progress=lambda m: err_console.print(f"  {m}"))


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


@app.command()
def install() -> None:
    """Fetch Neo4j Community 5.26.24, the Browser and OpenGDS 2.13.9 with Maven and set them up.

    The password comes from NEO4J_PASSWORD, or is generated and stored (mode 0600) in
    <home>/conf/genekg-password. Running it again does nothing new.
    """
    m = _manager()
    with err_console.status(f"installing Neo4j {NEO4J_VERSION} + GDS {GDS_VERSION} "
                            f"into {m.home} …"):
        changed = m.install()
    info = m.install_info()
    if changed:
        console.print(f"[green]installed[/] Neo4j {NEO4J_VERSION} + GDS {GDS_VERSION} at {m.home} "
                      f"in {info['install_seconds']} s ({_human(float(info['size_bytes']))}, "  # type: ignore[arg-type]
                      f"{info['lib_jars']} lib jars, {info['plugin_jars']} plugin jars)")
        console.print(f"password stored in {password_file(m.home)} (0600)")
    else:
        console.print(f"already installed at {m.home} (nothing to do)")


@app.command()
def start(timeout: float = typer.Option(180.0, help="Seconds to wait for Bolt.")) -> None:
    """Start the local server (installing it first if needed) and wait until Bolt answers."""
    m = _manager()
    if not m.is_installed():
        install()
    t0 = time.monotonic()
    with err_console.status("starting Neo4j …"):
        started = m.start(timeout=timeout)
    if started:
        console.print(f"[green]started[/] in {time.monotonic() - t0:.1f} s — "
                      f"Bolt {m.config.bolt_uri}, Browser {m.config.browser_url}")
    else:
        console.print(f"already running (pid {m.pid()}) — Bolt {m.config.bolt_uri}")


@app.command()
def stop() -> None:
    """Stop the local server."""
    m = _manager()
    with err_console.status("stopping Neo4j …"):
        stopped = m.stop()
    console.print("[green]stopped[/]" if stopped else "not running")


@app.command()
def status(ctx: typer.Context) -> None:
    """Versions, GDS procedures, URLs and graph size of the server genekg talks to."""
    from genekg.db import connect

    s = state(ctx)
    m = _manager()
    local = m.state()
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    if s.uri is None or s.uri == m.config.bolt_uri:
        table.add_row("local home", str(m.home))
        table.add_row("installed", "yes" if local.installed else "no")
        table.add_row("process", f"running (pid {local.pid})" if local.running else "not running")
    with connect(s.uri, s.user, s.password) as db:
        info = db.info()
        uri = db.settings.uri
    table.add_row("Neo4j", f"{info.neo4j_version} ({info.edition})")
    ok = info.gds_version == GDS_VERSION
    table.add_row("GDS", f"{info.gds_version or 'not available'}"
                  + ("" if ok else f"  [yellow](genekg expects {GDS_VERSION})[/]"))
    table.add_row("GDS procedures", str(info.gds_procedures))
    table.add_row("Bolt", uri)
    table.add_row("Browser", m.config.browser_url if uri == m.config.bolt_uri else "(remote)")
    table.add_row("nodes", f"{info.nodes:,}")
    table.add_row("relationships", f"{info.relationships:,}")
    console.print(table)


@app.command()
def logs(
    lines: int = typer.Option(50, "-n", "--lines", help="How many lines to show."),
    follow: bool = typer.Option(False, "-f", "--follow", help="Keep printing new lines."),
) -> None:
    """Show the tail of the local server's log."""
    m = _manager()
    typer.echo(m.log_tail(lines))
    if follow:
        m.follow_log()
