"""Locks held in the graph: one writer at a time for a staged load (the `IngestLock` node)
or for one run's predictions (its `PredictionRun` node).

A lock query (`cypher/ingest/lock.cypher`, `cypher/predict/lock.cypher`) records the taker
as holder when nobody holds the lock, or when `$steal` names the current holder's token,
and returns `mine` with the holder it found (`held`, `pid`, `host`, `since`, …).
`take_lock` is the one client of both: a holder of this machine whose process is gone (a
`kill -9`, a crash) is taken over at once; a live one, or one of another machine (whose
process cannot be checked from here), is waited for up to `wait` seconds.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from genekg.db.store import GraphStore

Holder = dict[str, Any]


def take_lock(db: GraphStore, query: str, params: dict[str, Any], *, wait: float = 0.0,
              poll: float = 0.5, on_wait: Callable[[Holder], None] | None = None
              ) -> tuple[str | None, float, Holder]:
    """Try to take the lock of `query` for this process: (token, seconds waited, holder
    row). The token is None when a live holder kept it for `wait` seconds; the caller then
    names the holder in its error. `on_wait` is told the holder once, when waiting starts."""
    from genekg.server.manager import pid_alive

    token = uuid.uuid4().hex
    host = socket.gethostname()
    args: dict[str, Any] = {**params, "token": token, "pid": os.getpid(), "host": host,
                            "steal": None}
    t0 = time.monotonic()
    told = slept = False
    while True:
        rows = db.run(query, {**args, "now": datetime.now(UTC).isoformat()})
        row: Holder = rows[0] if rows else {}
        if row.get("mine"):
            # time spent waiting for a holder, not the time the statement itself took
            return token, (time.monotonic() - t0) if slept else 0.0, row
        if row.get("host") == host and row.get("pid") is not None \
                and not pid_alive(int(row["pid"])) and args["steal"] != row.get("held"):
            args["steal"] = row["held"]  # its writer is gone: take over
            continue
        if time.monotonic() - t0 >= wait:
            return None, time.monotonic() - t0, row
        if on_wait is not None and not told:
            on_wait(row)
            told = True
        time.sleep(poll)
        slept = True
