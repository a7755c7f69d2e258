"""The database seam: what library code needs from a graph store.

`Database` (the driver wrapper) satisfies it; so does the recording fake in
`tests/unit/fakes.py`, which lets unit tests assert which named query runs with which
parameters without a server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class GraphStore(Protocol):
    """Named queries (`cypher/<name>.cypher`) or literal Cypher, parameters only."""

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one statement in its own transaction; its rows."""
        ...

    def scalar(self, query: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row, or None."""
        ...
