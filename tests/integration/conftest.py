"""One real Neo4j 5.26 + GDS 2.13 server for the whole integration session.

It lives in its own home (GENEKG_HOME, default `.genekg-test/neo4j` in the repo) so
tests never touch a user's database; it is installed if needed, started if not
running, and stopped at the end if this session started it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from genekg.db import Database, connect
from genekg.server.manager import ServerConfig, ServerManager

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def server() -> Iterator[ServerManager]:
    os.environ.setdefault("GENEKG_HOME", str(REPO / ".genekg-test" / "neo4j"))
    for var in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        os.environ.pop(var, None)
    manager = ServerManager(ServerConfig.from_env())
    manager.install()
    started = manager.start()
    yield manager
    if started:
        manager.stop()


@pytest.fixture(scope="session")
def db(server: ServerManager) -> Iterator[Database]:
    database = connect(server.config.bolt_uri)
    yield database
    database.close()


def wipe(database: Database) -> None:
    database.run("CALL gds.graph.list() YIELD graphName "
                 "CALL gds.graph.drop(graphName, false) YIELD graphName AS dropped "
                 "RETURN count(dropped) AS n")
    # Relationships first, in bounded batches: DETACH DELETE of 10,000 hub nodes at once
    # can hold millions of relationships in one transaction (a benchmark graph's hubs).
    database.run_autocommit(
        "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS")
    database.run_autocommit(
        "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
    )


@pytest.fixture(scope="session")
def wiper() -> object:
    """The wipe function, for module-scoped fixtures that manage their own data."""
    return wipe


@pytest.fixture
def clean_db(db: Database) -> Iterator[Database]:
    """An empty graph before (and after) the test."""
    wipe(db)
    yield db
    wipe(db)
