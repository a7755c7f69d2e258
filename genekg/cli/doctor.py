"""`genekg doctor`: what works, what does not, and what to do about it."""

from __future__ import annotations

import importlib.metadata as md
import sys

import typer
from rich.table import Table

from genekg import GDS_VERSION, NEO4J_VERSION
from genekg.cli.common import console, state
from genekg.errors import GenekgError


def doctor(ctx: typer.Context) -> None:
    """Check Python packages, Java/Maven, the Neo4j connection, versions and GDS."""
    from genekg.db import connect
    from genekg.server.manager import ServerConfig, ServerManager, find_java, find_maven

    rows: list[tuple[str, bool, str, str]] = []

    def check(name: str, ok: bool, detail: str, fix: str = "") -> None:
        rows.append((name, ok, detail, fix))

    check("python", sys.version_info >= (3, 11), sys.version.split()[0], "Use Python 3.11+.")
    for pkg in ("neo4j", "torch", "pandas", "scikit-learn", "joblib"):
        try:
            check(pkg, True, md.version(pkg))
        except md.PackageNotFoundError:
            check(pkg, False, "missing", f"pip install {pkg}")
    try:
        check("java", True, str(find_java()))
    except GenekgError as exc:
        check("java", False, str(exc), exc.hint or "")
    try:
        check("maven", True, str(find_maven()))
    except GenekgError as exc:
        check("maven", False, "not found (needed only for `genekg server install`)",
              exc.hint or "")
    m = ServerManager(ServerConfig.from_env())
    st = m.state()
    check("local server", st.installed,
          f"{m.home} ({'running' if st.running else 'stopped'})" if st.installed
          else f"not installed at {m.home}",
          "" if st.installed else "genekg server install (or use --uri for another server)")
    s = state(ctx)
    try:
        with connect(s.uri, s.user, s.password) as db:
            check("connection", True, db.settings.uri)
            info = db.info()
            check("neo4j version", info.neo4j_version.startswith("5.26"),
                  f"{info.neo4j_version} {info.edition}",
                  f"genekg is built for Neo4j {NEO4J_VERSION}")
            check("gds version", info.gds_version == GDS_VERSION, str(info.gds_version),
                  f"Install GDS {GDS_VERSION} and allow gds.* procedures "
                  "(dbms.security.procedures.unrestricted=gds.*)")
            try:
                cos = db.scalar("RETURN gds.similarity.cosine([1.0, 0.0], [1.0, 0.0]) AS c")
                n = db.scalar("gds/list_count")
                check("gds callable", cos == 1.0, f"{info.gds_procedures} procedures, "
                      f"{n} projected graphs")
            except Exception as exc:
                check("gds callable", False, type(exc).__name__,
                      "dbms.security.procedures.unrestricted=gds.*")
    except GenekgError as exc:
        check("connection", False, str(exc), exc.hint or "")
    table = Table(title="genekg doctor")
    for col in ("check", "", "detail", "what to do"):
        table.add_column(col)
    for name, ok, detail, fix in rows:
        table.add_row(name, "[green]ok[/]" if ok else "[red]FAIL[/]", detail, "" if ok else fix)
    console.print(table)
    if not all(ok for name, ok, _, _ in rows if name != "maven"):
        raise typer.Exit(1)
