"""The transactions of one staged load (`genekg.ingest.writer` decides what they hold).

A `StagedLoad` is one driver session with a method per phase of a load:

- `read(fn)` / `collect(query, ...)`: read what the graph holds (merge keys, existing ids,
  the release diff), each in its own read transaction;
- `queue(...)` then `flush()`: the load's batches, each its own write transaction (retried
  on transient errors such as a deadlock between two writers), `writers` at a time, with
  progress per batch;
- `flip(steps)`: the one transaction that makes the load live; a connection lost while it
  commits becomes `ConnectionFailed` (committed or not, only a look at the graph can tell).

The load's own parameters (`source`, `release`, `tag`, `load`) travel with every statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from neo4j.exceptions import ServiceUnavailable, SessionExpired

from genekg.db.connection import Database
from genekg.errors import ConnectionFailed

Progress = Callable[[str, int], None]  # (task, rows done so far)


@dataclass
class _Batch:
    query: str
    task: str
    rows: int
    params: dict[str, Any]


class FlipTransaction:
    """The statements of a load's flip, in one explicit transaction."""

    def __init__(self, tx: Any, params: dict[str, Any]) -> None:
        self._tx, self._params = tx, params

    def one(self, query: str, **kw: Any) -> dict[str, Any] | None:
        """Run `query` (text) and return its single row (None: no row)."""
        rec = self._tx.run(query, **kw).single()
        return dict(rec) if rec is not None else None

    def run(self, query: str, **kw: Any) -> None:
        """Run `query` (text) for its effect."""
        self._tx.run(query, **kw).consume()


@dataclass
class StagedLoad:
    """One load's session: reads, batched writes and the flip (module docstring)."""

    db: Database
    params: dict[str, Any]
    writers: int = 2
    progress: Progress | None = None
    done: int = 0
    _queued: list[_Batch] = field(default_factory=list)
    _session: Any = None

    @contextmanager
    def open(self) -> Iterator[StagedLoad]:
        """The load's session, open for the block."""
        with self.db.session() as session:
            self._session = session
            try:
                yield self
            finally:
                self._session = None

    def read(self, fn: Callable[[Any], Any]) -> Any:
        """`fn(tx)` in one read transaction (merge keys, the release diff)."""
        return self._session.execute_read(fn)

    def collect(self, query: str, **kw: Any) -> list[Any]:
        """The `rows` column (a collected list) of `query`'s single row; [] without one."""
        row = self._session.run(query, **kw, **self.params).single()
        return list(row["rows"]) if row else []

    def queue(self, query: str, task: str, count: int, /, **kw: Any) -> None:
        """A batch to write at the next `flush` (`count`: the rows it counts for
        progress; `kw`: its parameters)."""
        self._queued.append(_Batch(query, task, count, kw))

    def skip(self, rows: int) -> None:
        """Count rows that need no write (already there, tagged by this release)."""
        self.done += rows

    def flush(self) -> None:
        """Write the queued batches, each its own transaction, `writers` at a time; the
        first failure cancels the rest and is raised."""
        jobs, self._queued = self._queued, []

        def one(job: _Batch) -> None:
            self.db.write(lambda tx: tx.run(job.query, **job.params, **self.params).consume())

        with ThreadPoolExecutor(max_workers=max(1, self.writers)) as pool:
            futures = {pool.submit(one, job): job for job in jobs}
            try:
                for fut in as_completed(futures):
                    fut.result()
                    job = futures[fut]
                    self.done += job.rows
                    if self.progress:
                        self.progress(job.task, self.done)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise

    def flip(self, steps: Callable[[FlipTransaction], None], what: str) -> None:
        """Run `steps` in one transaction and commit it: the moment the load goes live.
        A lost connection at the commit is a ConnectionFailed naming `what`."""
        with self._session.begin_transaction() as tx:
            steps(FlipTransaction(tx, self.params))
            try:
                tx.commit()
            except (ServiceUnavailable, SessionExpired) as exc:
                raise ConnectionFailed(
                    f"the Neo4j server stopped answering while the load of {what} was being "
                    "committed: it may or may not have been committed",
                    hint="Start the server and run the same command again: if the load was "
                         "committed, the re-run changes nothing; if not, it loads it.") from exc
