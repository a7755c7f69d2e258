"""A recording fake of the database seam (`genekg.db.GraphStore`).

Not a model of Neo4j: it records which named query ran with which parameters and answers
from a script of canned results, so unit tests can check the statements library code sends
(the GDS client's `CollectingQueryRunner` is the model).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from genekg.db.cypher import load_query

PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def query_params(query: str) -> set[str]:
    """The `$params` a named query file (or a literal statement) uses, comments skipped."""
    text = query if any(c.isspace() for c in query) else load_query(query).text
    body = "\n".join(line.split("//", 1)[0] if not line.lstrip().startswith("//") else ""
                     for line in text.splitlines())
    return set(PARAM.findall(body))

Answer = list[dict[str, Any]] | Callable[[dict[str, Any]], list[dict[str, Any]]]


@dataclass
class RecordingStore:
    """Records `(query, params)`; answers `answers[query]` (rows, or a function of params)."""

    answers: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_on: Callable[[str, dict[str, Any], int], BaseException | None] | None = None

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Record the call and return the scripted rows (empty when none). The named query
        must exist and the parameters sent must be exactly its `$params` (what the real
        server would reject or silently ignore)."""
        p = dict(params or {})
        want = query_params(query)  # raises GenekgError for an unknown query name
        if set(p) != want:
            raise AssertionError(f"{query}: sent parameters {sorted(p)}, the query uses "
                                 f"{sorted(want)}")
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
