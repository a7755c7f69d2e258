"""One place that talks to Neo4j. Everything else receives a `Database`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeGuard, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable

from genekg.config import ConnectionSettings, resolve_connection
from genekg.db.cypher import load_query
from genekg.errors import ConnectionFailed, GenekgError

T = TypeVar("T")
log = logging.getLogger(__name__)

# Deprecation notifications from GDS procedures are noise for users of the CLI.
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


@dataclass
class ServerInfo:
    """Versions and size of the connected server (for `genekg doctor`/`server status`)."""
    neo4j_version: str
    edition: str
    gds_version: str | None
    gds_procedures: int
    nodes: int
    relationships: int


class Database:
    """Thin wrapper over the official driver: named queries, parameters only."""

    def __init__(self, driver: neo4j.Driver, settings: ConnectionSettings, database: str | None):
        self.driver = driver
        self.settings = settings
        self.database = database

    def close(self) -> None:
        """Close the driver and its connection pool."""
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _text(query: str) -> str:
        # A bare name (no whitespace) refers to cypher/<name>.cypher.
        return load_query(query).text if " " not in query and "\n" not in query else query

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one statement in an auto-commit transaction and return its rows."""
        records, _, _ = self.driver.execute_query(
            self._text(query), parameters_=dict(params or {}), database_=self.database
        )
        return [r.data() for r in records]

    def run_autocommit(
        self, query: str, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run in an implicit transaction (needed by `CALL { … } IN TRANSACTIONS`)."""
        with self.driver.session(database=self.database) as session:
            return [r.data() for r in session.run(self._text(query), dict(params or {}))]

    def scalar(self, query: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row, or None when there is no row."""
        rows = self.run(query, params)
        if not rows:
            return None
        return next(iter(rows[0].values()))

    def write(self, fn: Callable[[ManagedTransaction], T]) -> T:
        """Run `fn` in one write transaction (retried on transient errors)."""
        with self.driver.session(database=self.database) as session:
            return session.execute_write(fn)

    @contextmanager
    def session(self) -> Iterator[neo4j.Session]:
        """A driver session on this database (for explicit transactions)."""
        with self.driver.session(database=self.database) as s:
            yield s

    def info(self) -> ServerInfo:
        """Server version, edition, GDS version and procedure count, node and relationship
        counts."""
        comp = self.run("admin/components")[0]
        gds_version: str | None
        try:
            gds_version = self.scalar("admin/gds_version")
            n_procs = int(self.scalar("admin/gds_procedures"))
        except ClientError:
            gds_version, n_procs = None, 0
        nodes = int(self.scalar("admin/node_count"))
        rels = int(self.scalar("admin/rel_count"))
        return ServerInfo(comp["version"], comp["edition"], gds_version, n_procs, nodes, rels)


def connect(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Database:
    """Connect and verify; a clear GenekgError when the server is down or the password wrong."""
    settings = resolve_connection(uri, user, password)
    if settings.password is None:
        raise ConnectionFailed(
            f"no password for {settings.user}@{settings.uri}",
            hint="Set NEO4J_PASSWORD, pass --password, or install the local server "
            "(`genekg server install`), which stores its password for genekg.",
        )
    driver = GraphDatabase.driver(
        settings.uri,
        auth=(settings.user, settings.password),
        notifications_min_severity="OFF",
    )
    try:
        driver.verify_connectivity()
    except AuthError as exc:
        driver.close()
        raise ConnectionFailed(
            f"Neo4j at {settings.uri} refused the credentials for user {settings.user!r}",
            hint="Check NEO4J_USER / NEO4J_PASSWORD (or --user/--password).",
        ) from exc
    except (ServiceUnavailable, OSError, ValueError) as exc:
        driver.close()
        raise ConnectionFailed(
            f"no Neo4j answered at {settings.uri} ({type(exc).__name__})",
            hint="Start the local server with `genekg server start`, or pass --uri.",
        ) from exc
    except neo4j.exceptions.Neo4jError as exc:  # pragma: no cover - unusual server states
        driver.close()
        raise GenekgError(f"Neo4j at {settings.uri}: {exc}") from exc
    return Database(driver, settings, database)


def is_constraint_conflict(exc: BaseException) -> bool:
    """True for a uniqueness-constraint violation (another writer created the same row)."""
    return isinstance(exc, neo4j.exceptions.ConstraintError) or (
        isinstance(exc, ClientError)
        and (exc.code or "").endswith("Schema.ConstraintValidationFailed"))


def is_out_of_memory(exc: BaseException) -> TypeGuard[neo4j.exceptions.TransientError]:
    """True when the server refused a transaction that outgrew its memory pool."""
    return isinstance(exc, neo4j.exceptions.TransientError) and "MemoryPoolOutOfMemory" in str(
        exc.code)


def as_genekg_error(exc: BaseException) -> GenekgError | None:
    """A one-line error for driver failures that reach the CLI (None: not the driver's).

    The server dying mid-command (ServiceUnavailable, SessionExpired) and a statement the
    server refuses (ClientError) are expected failures, not tracebacks. Writes are
    transactional, so a lost connection means the open transaction was not committed.
    """
    if isinstance(exc, (ServiceUnavailable, neo4j.exceptions.SessionExpired)):
        return ConnectionFailed(
            f"the Neo4j server stopped answering ({type(exc).__name__}); the transaction "
            "in progress was not committed, so the graph is as it was before it",
            hint="genekg server status / genekg server logs; then run the command again.")
    if isinstance(exc, neo4j.exceptions.ClientError):
        return GenekgError(f"Neo4j refused the statement: {exc.code}: {exc.message}")
    if is_out_of_memory(exc):
        return GenekgError(f"Neo4j could not hold the transaction in memory: {exc.message}",
                           hint="Nothing was committed. Give the server more memory "
                                "(genekg server stop; GENEKG_HEAP=4g genekg server start) or "
                                "send less at once (ingest: --batch-size).")
    if isinstance(exc, neo4j.exceptions.TransientError):
        return GenekgError(f"Neo4j could not finish the transaction: {exc.code}: "
                           f"{exc.message}", hint="Run the command again; nothing was committed.")
    return None
