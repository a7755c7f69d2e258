"""Staged ingest without a server: what readers are allowed to see of a pending load, and
the ingest lock (genekg.ingest.writer). The server-side behaviour (an interrupted load,
its re-run) is in tests/integration/test_staged_ingest.py."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import RecordingStore

from genekg.db.cypher import load_query, query_names
from genekg.errors import GenekgError
from genekg.ingest.writer import acquire_ingest_lock, collect_pending_loads
from genekg.schema import REL_TYPES

# Every named query that reads what ingest writes: feature and training pulls, the query
# library, exports, the KG context of predictions and their evidence.
READERS = [n for n in query_names()
           if n.split("/")[0] in {"pull", "queries", "export", "linkpred"}
           or n in {"predict/evidence", "predict/known_pairs"}]
REL = re.compile(r"-\[(\w*):(\w+)")
END = re.compile(r"\b(RETURN|MATCH|UNION|CALL)\b|(?<!STARTS )(?<!ENDS )\bWITH\b|\}(?!\))")
LIVE = "OPTIONAL MATCH (s:Source {status: 'complete'})"
# rows carry their load's short token (older graphs: the Source id itself)
LIVE_IDS = "collect(coalesce(s.token, s.id)) AS live"


def _body(name: str) -> str:
    return "\n".join(line for line in load_query(name).text.splitlines()
                     if not line.startswith("//"))


@pytest.mark.parametrize("name", READERS)
def test_every_reader_leaves_pending_rows_and_tags_out(name: str) -> None:
    """A relationship a loader writes is read only through a variable that the reader
    checks against the complete Sources, and `seen_in` only through the live tags: the
    rule that keeps a pending load invisible. A new reader that forgets it fails here."""
    body = _body(name)
    for m in REL.finditer(body):
        var, rel = m.groups()
        if rel not in REL_TYPES:
            continue  # predictions and HELPS_PREDICT: written by genekg, own flip
        assert var, f"{name}: -[:{rel}]- is matched without a variable to check"
        # the check belongs to this pattern's own clause: up to the next clause keyword
        end = END.search(body, m.end())
        clause = body[m.start() : end.start() if end else len(body)]
        assert f"({var}.load IS NULL OR {var}.load IN live)" in clause, \
            f"{name}: {rel} relationship `{var}` is read without the pending-load check"
        assert LIVE in body and LIVE_IDS in body
    if ".seen_in" in body:
        assert "AS tags" in body and "IN tags" in body, \
            f"{name}: reads seen_in without dropping the tags of pending loads"


def test_the_readers_list_is_the_library() -> None:
    # the rule above covers the files users run (`genekg query`) and every pull
    assert {"queries/top_partners", "pull/network", "pull/kg_edges", "export/subgraph",
            "predict/evidence"} <= set(READERS)
    checked = [n for n in READERS if REL.search(_body(n)) and
               any(r in REL_TYPES for _, r in REL.findall(_body(n)))]
    assert len(checked) >= 15


def test_export_triples_and_nodes_leave_pending_rows_out() -> None:
    from genekg.export import _nodes_query, _triples_query

    assert "WHERE r.load IS NULL OR r.load IN live WITH" in \
        _triples_query("INTERACTS_WITH", "Gene", "Gene")
    assert "n.load IS NULL OR n.load IN live" in _nodes_query("Gene", ["symbol"])


def _dead_pid() -> int:
    out = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_a_lock_taken_at_once_reports_no_wait_however_slow_the_statement() -> None:
    """It said "waited 2 s for another load" when no other load ran (a busy server)."""
    import time

    def slow(p: dict[str, Any]) -> list[dict[str, Any]]:
        time.sleep(1.2)
        return [{"mine": True}]

    db = RecordingStore(answers={"ingest/lock": slow})
    token, waited = acquire_ingest_lock(db, "biogrid@1", wait=5)  # type: ignore[arg-type]
    assert token and waited == 0.0
    answers: Iterator[list[dict[str, Any]]] = iter([
        [{"mine": False, "held": "t", "pid": os.getpid(), "host": "x", "since": "s",
          "tag": "biogrid@0"}], [{"mine": True}]])
    db = RecordingStore(answers={"ingest/lock": lambda p: next(answers)})
    _, waited = acquire_ingest_lock(db, "biogrid@1", wait=5)  # type: ignore[arg-type]
    assert waited > 0.0  # a real wait for a holder is still reported


def test_a_live_holder_is_waited_for_then_named_and_a_dead_one_taken_over() -> None:
    host = socket.gethostname()
    held = [{"mine": False, "held": "t-other", "pid": os.getpid(), "host": host,
             "since": "2026-12-04T10:00:00Z", "tag": "biogrid@4.2.192"}]
    db = RecordingStore(answers={"ingest/lock": held})
    said: list[str] = []
    with pytest.raises(GenekgError, match=r"biogrid@4\.2\.192, pid \d+ on"):
        acquire_ingest_lock(db, "biogrid@4.3.195", wait=0.6,  # type: ignore[arg-type]
                            progress=lambda task, *_: said.append(task))
    assert len(db.names()) >= 2 and set(db.names()) == {"ingest/lock"}  # polled, waited
    assert said == [f"waiting for the load of biogrid@4.2.192 (pid {os.getpid()})"]

    answers: Iterator[list[dict[str, Any]]] = iter([
        [{"mine": False, "held": "t-killed", "pid": _dead_pid(), "host": host, "since": "x",
          "tag": "biogrid@4.2.191"}], [{"mine": True}]])
    db = RecordingStore(answers={"ingest/lock": lambda p: next(answers)})
    token, _waited = acquire_ingest_lock(db, "biogrid@4.3.195", wait=0)  # type: ignore[arg-type]
    steals = [p["steal"] for q, p in db.calls]
    assert steals == [None, "t-killed"] and token == db.calls[1][1]["token"]

    other_host = [{"mine": False, "held": "t-far", "pid": _dead_pid(), "host": "elsewhere",
                   "since": "x", "tag": "t"}]
    db = RecordingStore(answers={"ingest/lock": other_host})
    with pytest.raises(GenekgError, match="on elsewhere"):  # cannot tell: never stolen
        acquire_ingest_lock(db, "t2", wait=0)  # type: ignore[arg-type]
    assert [p["steal"] for _, p in db.calls] == [None]


class _Store(RecordingStore):
    def run_autocommit(self, query: str, params: dict[str, object] | None = None) -> object:
        return self.run(query, params)


def test_pending_loads_are_discarded_rows_first_and_a_live_tag_is_kept() -> None:
    """Collected under the lock: relationships, then nodes, then the tag (only when no
    complete Source holds it: a re-run of a live release keeps its tag), then the record."""
    pending = [{"id": "biogrid@2:aaaa", "load": "tok2", "tag": "biogrid@2", "tag_live": False},
               {"id": "biogrid@1:bbbb", "load": "biogrid@1:bbbb", "tag": "biogrid@1",
                "tag_live": True}]
    db = _Store(answers={"ingest/pending_loads": pending})
    assert collect_pending_loads(db) == ["biogrid@2:aaaa", "biogrid@1:bbbb"]  # type: ignore[arg-type]
    assert db.names() == ["ingest/pending_loads",
                          "ingest/discard_rels", "ingest/discard_nodes", "ingest/discard_tags",
                          "ingest/forget_load",
                          "ingest/discard_rels", "ingest/discard_nodes", "ingest/forget_load"]
    assert db.calls[3][1] == {"tag": "biogrid@2", "batch": 10_000}
    # rows are found by the token they carry, the record by its id
    assert [p.get("load") for _, p in db.calls[1:5]] == ["tok2", "tok2", None, "biogrid@2:aaaa"]


def test_release_diff_counts_against_the_graphs_earlier_tags() -> None:
    """The diff of a release from the graph's pairs and their source tags: pairs new in
    it, absent from it and kept, genes gained and lost; pairs a load of the same tag put
    there already count as this release's; other organisms' pairs of the bundle do not."""
    from genekg.ingest.writer import _pair_diff

    rows = [["9:a", "9:b", ["s@1"]],            # absent from release 2
            ["9:b", "9:c", ["s@1", "s@2"]],     # kept, tagged by an earlier run of s@2
            ["9:c", "9:d", ["s@0", "s@1"]],     # kept
            ["9:d", "9:e", ["s@2"]]]            # an earlier run of s@2 only: this release's
    table: dict[tuple[str, str], dict[str, object]] = {
        ("9:b", "9:c"): {}, ("9:c", "9:d"): {}, ("9:c", "9:f"): {}, ("7:x", "7:y"): {}}
    d = _pair_diff(rows, table, "s@2", "9")
    assert d is not None
    assert (d["new_pairs"], d["absent_pairs"], d["kept_pairs"]) == (2, 1, 2)
    assert d["earlier"] == ["s@0", "s@1"]
    assert d["new_examples"] == [("9:c", "9:f"), ("9:d", "9:e")]
    assert d["absent_examples"] == [("9:a", "9:b")]
    # e and f gain their first pair; a loses its only one
    assert (d["new_genes"], d["absent_genes"], d["new_gene_examples"]) == (2, 1, ["9:e", "9:f"])
    assert _pair_diff([["9:a", "9:b", ["s@2"]]], table, "s@2", "9") is None  # no earlier
