"""A recording fake of the database seam (`genekg.db.GraphStore`).

Not a model of Neo4j: it records which named query ran with which parameters and answers
from a script of canned results, so unit tests can check the statements library code sends
(the GDS client's `CollectingQueryRunner` is the model).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Answer = list[dict[str, Any]] | Callable[[dict[str, Any]], list[dict[str, Any]]]


@dataclass
class RecordingStore:
    """Records `(query, params)`; answers `answers[query]` (rows, or a function of params)."""

    answers: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_on: Callable[[str, dict[str, Any], int], BaseException | None] | None = None

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Record the call and return the scripted rows (empty when none)."""
        p = dict(params or {})
        if self.fail_on and (exc := self.fail_on(query, p, len(self.calls))):
            raise exc
        self.calls.append((query, p))
        ans = self.answers.get(query, [])
        return ans(p) if callable(ans) else ans

    def scalar(self, query: str, params: Mapping[str, Any] | None = None) -> Any:
        """First value of the first scripted row."""
        rows = self.run(query, params)
        return next(iter(rows[0].values())) if rows else None

    def names(self) -> list[str]:
        """The query names in the order they ran."""
        return [q for q, _ in self.calls]
