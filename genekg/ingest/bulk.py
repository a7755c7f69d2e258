"""Bulk build of an empty database with `neo4j-admin database import full`.

The loaders' bundles are merged in load order with the same rules as the transactional
writer (`genekg.ingest.writer`): the first load of a node sets `source`, `release` and
`seen_in = [tag]` (a relationship `seen_in`), each row carries its load's token as `load`;
a later load with another tag appends its tag (nodes also take its properties); a load with
a tag already seen changes nothing. Every load gets its `Source` node with the counts it
would have reported. The merged graph is written as the typed CSV files the importer reads
(`id:ID(<Label>)`, `:START_ID(<Label>)`, `:END_ID(<Label>)`, `name:long`, `name:string[]`,
…; one id space per label), the local server is stopped, the importer run offline, the
server started again and the schema applied.

Refused, before anything changes: a database that holds any node, and a server genekg
does not manage on this machine (a remote URI).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from genekg import __version__
from genekg.db import Database
from genekg.errors import GenekgError
from genekg.ingest.writer import ensure_schema, load_token, source_fingerprint
from genekg.loaders.base import Bundle
from genekg.schema import check_label, check_rel
from genekg.server.manager import ADMIN_CLASS, ServerManager, find_java

ARRAY_DELIMITER = "\x1f"  # ASCII unit separator: never inside a name, a pathway or a note
ProgressFn = Callable[[str], None]


@dataclass
class MergedGraph:
    """Nodes by label and id, relationships by (type, start, end) and ends; load order."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]] = field(
        default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type, as `genekg status` shows them."""
        out = {label: len(v) for label, v in self.nodes.items()}
        out["Source"] = out.get("Source", 0) + len(self.sources)
        for (rel, _, _), table in self.edges.items():
            out[rel] = out.get(rel, 0) + len(table)
        return out


def merge_bundles(bundles: Iterable[Bundle]) -> MergedGraph:
    """The graph that loading `bundles` one after another into an empty database makes."""
    g = MergedGraph()
    for b in bundles:
        t0 = time.monotonic()
        tag = f"{b.source}@{b.release}"
        source_id, sha = source_fingerprint(b)
        token = load_token(source_id)  # rows carry it as `load`, as staged loads do
        added: dict[str, int] = {}
        for label, nodes in sorted(b.nodes.items()):
            have = g.nodes.setdefault(check_label(label), {})
            n_new = 0
            for nid, props in nodes.items():
                cur = have.get(nid)
                if cur is None:
                    have[nid] = {**props, "source": b.source, "release": b.release,
                                 "seen_in": [tag], "load": token}
                    n_new += 1
                elif tag not in cur["seen_in"]:
                    cur.update(props)
                    cur["seen_in"] = [*cur["seen_in"], tag]
            added[f"(:{label})"] = n_new
        for (rel, sl, el), table in sorted(b.edges.items()):
            have_e = g.edges.setdefault((check_rel(rel, sl, el), sl, el), {})
            n_new = 0
            for (s, t), props in table.items():
                cur = have_e.get((s, t))
                if cur is None:
                    have_e[(s, t)] = {"seen_in": [tag], "load": token, **props}
                    n_new += 1
                elif tag not in cur["seen_in"]:
                    cur["seen_in"] = [*cur["seen_in"], tag]
            added[f"(:{sl})-[:{rel}]->(:{el})"] = n_new
        g.sources.append({
            "id": source_id, "token": token, "name": b.source, "release": b.release,
            "files": [Path(f).name for f in b.files], "sha256": sha, "licence": b.licence,
            "loaded_at": datetime.now(UTC).isoformat(), "seconds": time.monotonic() - t0,
            "status": "complete", "counts": json.dumps(b.counts()),
            "added": json.dumps(added), "issues": json.dumps(b.issues.as_dict()),
            "genekg_version": __version__, "id_maps": [Path(f).name for f in b.id_maps],
            "load": "bulk",
        })
    return g


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, list):
        inner = {_kind(x) for x in v}
        if inner <= {"long"} and inner:
            return "long[]"
        if inner <= {"long", "double"} and inner:
            return "double[]"
        return "string[]"
    return "string"


def _column_types(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Neo4j import type per property, widened over every row (long < double < string)."""
    types: dict[str, str] = {}
    for r in rows:
        for k, v in r.items():
            if v is None:
                continue
            t, old = _kind(v), types.get(k)
            if old is None or old == t:
                types[k] = t
            elif {old, t} <= {"long", "double"}:
                types[k] = "double"
            elif {old, t} <= {"long[]", "double[]"}:
                types[k] = "double[]"
            else:
                types[k] = "string[]" if "[]" in old or "[]" in t else "string"
    return types


def _cell(v: Any, t: str) -> str:
    if v is None:
        return ""
    if t.endswith("[]"):
        items = v if isinstance(v, list) else [v]
        if any(ARRAY_DELIMITER in str(x) for x in items):
            raise GenekgError("a list value contains the bulk array delimiter (U+001F)")
        return ARRAY_DELIMITER.join(_scalar(x) for x in items)
    return _scalar(v)


def _has_break(row: list[str]) -> bool:
    return any("\n" in c or "\r" in c for c in row)


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


@dataclass
class ImportFiles:
    """The importer's input: node files by label, relationship files by type."""

    nodes: list[tuple[str, Path]]
    rels: list[tuple[str, Path]]
    multiline: bool  # some value holds a line break (the importer must parse serially)


def write_csv(g: MergedGraph, folder: Path) -> ImportFiles:
    """Write the importer's input files into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes: list[tuple[str, Path]] = []
    rels: list[tuple[str, Path]] = []
    multiline = False
    tables = dict(g.nodes)
    tables["Source"] = {s["id"]: {k: v for k, v in s.items() if k != "id"}
                        for s in g.sources}
    for label, table in sorted(tables.items()):
        types = _column_types(table.values())
        types.pop("id", None)
        if label == "Source":
            types["loaded_at"] = "datetime"
        cols = sorted(types)
        path = folder / f"nodes_{label}.csv"
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f"id:ID({label})", *(f"{c}:{types[c]}" for c in cols)])
            for nid, props in table.items():
                row = [nid, *(_cell(props.get(c), types[c]) for c in cols)]
                multiline = multiline or _has_break(row)
                w.writerow(row)
        nodes.append((label, path))
    for (rel, sl, el), etable in sorted(g.edges.items()):
        types = _column_types(etable.values())
        cols = sorted(types)
        path = folder / f"rels_{rel}_{sl}_{el}.csv"
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f":START_ID({sl})", f":END_ID({el})",
                        *(f"{c}:{types[c]}" for c in cols)])
            for (s, t), props in etable.items():
                row = [s, t, *(_cell(props.get(c), types[c]) for c in cols)]
                multiline = multiline or _has_break(row)
                w.writerow(row)
        rels.append((rel, path))
    return ImportFiles(nodes, rels, multiline)


@dataclass
class BulkReport:
    """What a bulk build did and how fast."""

    counts: dict[str, int]
    seconds_csv: float
    seconds_import: float
    seconds_restart: float
    nodes: int
    relationships: int
    seconds_importer: float | None = None  # the importer's own "IMPORT DONE in …" (no JVM start)

    @property
    def rels_per_s(self) -> float:
        """Relationships imported per second of the importer run."""
        return self.relationships / self.seconds_import if self.seconds_import else 0.0


DONE = re.compile(r"IMPORT DONE in (?:(\d+)m )?(?:(\d+)s )?(\d+)ms")


def importer_seconds(output: str) -> float | None:
    """The importer's own run time from its "IMPORT DONE in 1m 2s 345ms." line."""
    m = DONE.search(output)
    if m is None:
        return None
    mins, secs, ms = (int(g or 0) for g in m.groups())
    return 60 * mins + secs + ms / 1000


def bulk_build(db: Database, manager: ServerManager, bundles: list[Bundle], work: Path,
               reconnect: Callable[[], Database], progress: ProgressFn | None = None
               ) -> BulkReport:
    """Import `bundles` into the local, empty database of `manager` (see module doc).

    `db` is the open connection (used for the emptiness check and closed before the
    server stops); `reconnect` opens a new one to apply the schema afterwards.
    """
    say = progress or (lambda _m: None)
    n = int(db.scalar("admin/node_count") or 0)
    if n:
        raise GenekgError(f"the database holds {n:,} nodes; a bulk build needs an empty one",
                          hint="Use the transactional `genekg ingest` to add to a graph, or "
                               "build into a new server home (GENEKG_HOME=<empty folder> "
                               "genekg server install && genekg server start).")
    t0 = time.monotonic()
    say("merging loads")
    g = merge_bundles(bundles)
    say("writing import files")
    files = write_csv(g, work)
    t_csv = time.monotonic() - t0
    db.close()
    say("stopping the server")
    manager.stop()
    t1 = time.monotonic()
    say("running neo4j-admin database import")
    # Multi-line parsing is serial (slow): asked for only when a value needs it.
    args = ["database", "import", "full", "neo4j", "--overwrite-destination=true",
            f"--multiline-fields={str(files.multiline).lower()}",
            f"--array-delimiter={ARRAY_DELIMITER}", f"--report-file={work / 'import.report'}",
            *(f"--nodes={label}={path}" for label, path in files.nodes),
            *(f"--relationships={rel}={path}" for rel, path in files.rels)]
    proc = run_admin(manager, args)
    t_import = time.monotonic() - t1
    t2 = time.monotonic()
    say("starting the server")
    manager.start()
    t_restart = time.monotonic() - t2
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr)[-3000:]
        raise GenekgError(f"neo4j-admin database import failed:\n{log}",
                          hint="The database was empty before; fix the input and run again.")
    say("creating constraints and indexes")
    with reconnect() as fresh:
        ensure_schema(fresh)
    counts = g.counts()
    rels = sum(len(t) for t in g.edges.values())
    return BulkReport(counts, t_csv, t_import, t_restart, sum(len(v) for v in g.nodes.values())
                      + len(g.sources), rels, importer_seconds(proc.stdout + proc.stderr))


def run_admin(manager: ServerManager, args: list[str]) -> subprocess.CompletedProcess[str]:
    """`neo4j-admin <args>` of the local installation, offline."""
    java = find_java()
    return subprocess.run([str(java), "-cp", str(manager.home / "lib" / "*"), ADMIN_CLASS,
                           *args], capture_output=True, text=True, env=manager._env(),
                          check=False)
