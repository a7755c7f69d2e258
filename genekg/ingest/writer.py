"""Write a loader's Bundle into Neo4j: a staged load, live for every reader at once.

A load runs under the graph's ingest lock (loads never interleave) and writes in bounded
batches, each its own transaction, so server memory follows the batch size and not the
release size. Rows it creates carry `load` (the `token` of its `Source` record, see
`load_token`); while that record is `pending` no library query, feature pull or training
pull sees them, nor the release tag it appends to `seen_in` of rows already there (readers
keep rows whose `load` is null or a complete Source's token, and tags of complete
Sources). Property updates of existing nodes wait for the flip. One small transaction
(those updates and the Source record made complete) then makes the whole release visible.
A failure before it (an error, kill -9, the server dying) leaves the graph as readers saw
it; the next load collects the pending rows first.

A re-run of the same load changes nothing. Every node and relationship carries `seen_in`,
the `source@release` tags of every load that contained it (the first: the load that
created it; nodes also carry it as `source`/`release`), so a newer release adds what is
new and marks what it saw again. Relationships are unique by construction: loads never
interleave, and each creates only the pairs the graph lacks (no `key` constraint: its index
cost more than the rest of the relationship's properties).
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from genekg import __version__
from genekg.config import env_number
from genekg.db import Database, load_query
from genekg.db.locks import take_lock
from genekg.db.staged import FlipTransaction, StagedLoad
from genekg.errors import ConnectionFailed, GenekgError
from genekg.loaders.base import Bundle, sha256_of
from genekg.schema import check_label, check_rel

ProgressFn = Callable[[str, int, int], None]  # (task, done, total)
SEEN = "CASE WHEN $tag IN coalesce(x.seen_in, []) THEN x.seen_in ELSE coalesce(x.seen_in, []) + $tag END"  # noqa: E501


@dataclass
class LoadReport:
    """What one load did: counts added and already present, issues, timing, provenance id."""
    source: str
    release: str
    source_id: str
    files: list[str]
    sha256: str
    seconds: float
    added: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    issues: dict[str, Any] = field(default_factory=dict)
    waited: float = 0.0  # seconds spent waiting for another load's ingest lock
    collected: list[str] = field(default_factory=list)  # abandoned loads cleaned first
    # Existing nodes whose stored value differs from the file's, per `Label.property`:
    # (count, examples). Kept unless --update-existing; never overwritten silently.
    conflicts: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    updated_existing: bool = False
    merged: dict[str, list[str]] = field(default_factory=dict)  # "Drug by inchikey": [a -> b]
    # Against the earlier releases of the source in the graph, per "<REL> <taxon>": pairs
    # and genes new in this release, those it no longer holds (empty on a first release).
    release_diff: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def relationships(self) -> int:
        """Relationships of the load, new and existing."""
        return sum(v + self.existing.get(k, 0) for k, v in self.added.items() if "]->" in k)


def load_token(source_id: str) -> str:
    """The short id a load's rows carry as `load` (its Source record holds it as `token`):
    12 hex characters fit in the relationship's own property record, where the Source id
    (`biogrid@4.4.203:<sha16>`, 32 characters) took a string record of its own per row
    (1.2 s of a 427k-relationship load). Graphs loaded before carry the Source id itself,
    and readers take either (`coalesce(s.token, s.id)`)."""
    return hashlib.sha256(source_id.encode()).hexdigest()[:12]


def source_fingerprint(bundle: Bundle) -> tuple[str, str]:
    """The `Source` id and sha256 of one load: its files *and* the id maps it used, so a
    load with another map (other targets, other genes) is a separate, visible record
    instead of overwriting the first one's counts."""
    sha = sha256_of([*bundle.files, *bundle.id_maps])
    return f"{bundle.source}@{bundle.release}:{sha[:16]}", sha


def ensure_schema(db: Database) -> None:
    """Create the schema's constraints and indexes (idempotent)."""
    for stmt in load_query("schema").statements():
        db.run(stmt)


def _existing_nodes_query(label: str) -> str:
    check_label(label)  # labels come from the declared schema, never from input
    return (f"UNWIND $ids AS id MATCH (x:{label} {{id: id}}) "
            "RETURN collect([x.id, $tag IN coalesce(x.seen_in, []), [k IN $keys | x[k]]]) "
            "AS rows")


# Nodes that one compound or gene may carry under different ids from different sources:
# a node with the same value of this property already in the graph is the same node.
# Keys that identify one compound across sources, tried in order: a structure, then the
# DrugBank id a merged node kept (a DrugBank drug merged onto a LINCS node by InChIKey is
# found again by its DrugBank id, e.g. by the consensus signatures).
MERGE_KEYS: dict[str, tuple[str, ...]] = {"Drug": ("inchikey", "drugbank_id")}


def _merge_query(label: str, key: str) -> str:
    check_label(label)
    return (f"UNWIND $values AS v MATCH (x:{label}) WHERE x.{key} = v "
            "RETURN collect([v, x.id]) AS rows")


def merge_known_nodes(tx: Any, bundle: Bundle) -> dict[str, list[str]]:
    """Give each node of a MERGE_KEYS label the id of the graph's node with the same key
    (e.g. a Repurposing Hub compound by InChIKey onto its DrugBank node), so that one
    compound never becomes two nodes. Returns the renames, `old -> new`, per label."""
    merged: dict[str, list[str]] = {}
    for label, keys in MERGE_KEYS.items():
        for key in keys:
            renames = _known_ids(tx, bundle, label, key)
            if renames:
                bundle.rename_nodes(label, renames)
                merged[f"{label} by {key}"] = [f"{a} -> {b}" for a, b in renames.items()]
    return merged


def _known_ids(tx: Any, bundle: Bundle, label: str, key: str) -> dict[str, str]:
    """`bundle id -> graph id` for the bundle's `label` nodes whose `key` value a graph node
    of another id holds (none where a node of the bundle's own id holds it)."""
    by_value: dict[str, list[str]] = {}
    for nid, props in bundle.nodes.get(label, {}).items():
        if props.get(key):
            by_value.setdefault(str(props[key]), []).append(nid)
    if not by_value:
        return {}
    found = tx.run(_merge_query(label, key), values=sorted(by_value)).single()
    holders: dict[str, list[str]] = {}
    for value, graph_id in sorted(found["rows"] if found else []):
        holders.setdefault(value, []).append(graph_id)
    renames: dict[str, str] = {}
    for value, ids in holders.items():
        for nid in by_value[value]:
            if nid not in ids:  # one of several holders: the first id, in order
                renames[nid] = ids[0]
    return renames


def release_diff(tx: Any, bundle: Bundle, tag: str) -> dict[str, dict[str, Any]]:
    """What this load changes against the earlier releases of its source already in the
    graph, for every gene-gene relationship type and organism of the bundle: pairs new in
    this release and pairs of earlier releases absent from it, with the genes that gained
    or lost all their pairs.

    One scan reads the source's pairs of each type and organism with their release tags
    (`ingest/release_pairs`) and the sets are compared here. This release's pairs are the
    bundle's plus any a load of the same tag put there; the load's own writes add only its
    tag, so the answer is the same before, during or after them. (Three scans of every
    relationship after the writes took 4-5 s of a 546k-pair second release.)"""
    out: dict[str, dict[str, Any]] = {}
    # A first release has nothing to be diffed against: one look at the Source records
    # spares the scan of every relationship.
    others = tx.run("MATCH (s:Source {name: $source, status: 'complete'}) "
                    "WHERE s.release <> $release "
                    "RETURN count(s) AS n", source=bundle.source,
                    release=bundle.release).single()
    if not others or not others["n"]:
        return out
    prefix = f"{bundle.source}@"
    for (rel, sl, el), table in sorted(bundle.edges.items()):
        if (sl, el) != ("Gene", "Gene") or not table:
            continue
        # the type is checked against the schema before it is formatted in
        query = load_query("ingest/release_pairs").text.replace("{rel}", check_rel(rel, sl, el))
        taxa = sorted({s.split(":", 1)[0] for s, _ in table})
        for taxon in taxa:
            if not taxon.isdigit():
                continue
            row = tx.run(query, prefix=prefix, t=int(taxon)).single()
            diff = _pair_diff(row["rows"] if row else [], table, tag, taxon,
                              whole=len(taxa) == 1)
            if diff is not None:
                _name_examples(tx, diff, bundle)
                out[f"{rel} {taxon}"] = diff
    return out


def _pair_diff(rows: list[Any], table: dict[tuple[str, str], Any], tag: str,
               taxon: str, whole: bool = False) -> dict[str, Any] | None:
    """The diff of one type and organism from the graph's `[a, b, tags]` rows (the
    source's tags of each pair) and the bundle's pairs; None without an earlier release."""
    earlier: set[str] = set()
    before: set[tuple[str, str]] = set()
    head = f"{taxon}:"
    mine = table if whole else {p: None for p in table if p[0].startswith(head)}
    also: set[tuple[str, str]] = set()  # this tag's pairs in the graph, not in the bundle
    for a, b, tags in rows:
        others = [x for x in tags if x != tag]
        if others:
            earlier.update(others)
            before.add((a, b))
        if len(others) < len(tags) and (a, b) not in mine:
            also.add((a, b))
    if not earlier:
        return None

    def now(p: tuple[str, str]) -> bool:
        return p in mine or p in also

    # counted, not built: the sets of a 546k-pair release cost a second
    kept = sum(1 for p in before if now(p))
    genes_now = set(chain.from_iterable(mine)) | set(chain.from_iterable(also))
    genes_before = set(chain.from_iterable(before))
    new_genes = genes_now - genes_before
    return {"earlier": sorted(earlier), "new_pairs": len(mine) + len(also) - kept,
            "absent_pairs": len(before) - kept, "kept_pairs": kept,
            "new_examples": heapq.nsmallest(5, (p for p in chain(mine, also)
                                                if p not in before)),
            "absent_examples": heapq.nsmallest(5, (p for p in before if not now(p))),
            "new_genes": len(new_genes), "absent_genes": len(genes_before - genes_now),
            "new_gene_examples": heapq.nsmallest(5, new_genes)}


def _name_examples(tx: Any, diff: dict[str, Any], bundle: Bundle) -> None:
    """Replace the example ids of `diff` by symbols (`A–B` for pairs), the bundle's or the
    graph's, so the report reads as the Browser does."""
    ids = {g for k in ("new_examples", "absent_examples") for p in diff[k] for g in p}
    ids |= set(diff["new_gene_examples"])
    genes = bundle.nodes.get("Gene", {})
    symbol = {g: genes[g].get("symbol") for g in ids if g in genes}
    missing = sorted(g for g in ids if not symbol.get(g))
    if missing:
        for r in tx.run("UNWIND $ids AS id MATCH (g:Gene {id: id}) "
                        "RETURN g.id AS id, g.symbol AS symbol", ids=missing):
            symbol[r["id"]] = r["symbol"]

    def name(g: str) -> str:
        return str(symbol.get(g) or g)

    for k in ("new_examples", "absent_examples"):
        diff[k] = [f"{name(a)}–{name(b)}" for a, b in diff[k]]
    diff["new_gene_examples"] = [name(g) for g in diff["new_gene_examples"]]


# Lists whose order carries meaning: a dataset's gene and sample order (signatures and
# expression profiles index into them).
ORDER_PROPS = frozenset({"genes_symbol", "genes_entrez", "samples"})


def _ordered(key: str, value: list[Any]) -> bool:
    """Whether a list property is a vector (numbers, or a gene order), compared whole,
    rather than a set of items (releases, synonyms) that a load extends."""
    return key in ORDER_PROPS or (bool(value) and all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in value))


def _reconcile(label: str, keys: list[str], nodes: dict[str, dict[str, Any]],
               found: list[Any], update_existing: bool,
               conflicts: dict[str, tuple[int, list[str]]],
               files: list[Path] | None = None) -> dict[str, dict[str, Any]]:
    """What to SET on existing nodes: properties they lack, list items they lack and, only
    with `update_existing`, values that differ. Differing values are counted in
    `conflicts` either way, so a shorter or older file never downgrades a node silently.
    `files`: the load's files, named in a refusal."""
    out: dict[str, dict[str, Any]] = {}
    for nid, _, values in found:
        current = dict(zip(keys, values, strict=True))
        fill: dict[str, Any] = {}
        for k, v in nodes[nid].items():
            old = current.get(k)
            if old is None:
                fill[k] = v
            elif isinstance(old, list) and isinstance(v, list) and not _ordered(k, v):
                extra = [x for x in v if x not in old]
                if extra:
                    fill[k] = [*old, *extra]
            elif old != v and k in ORDER_PROPS:
                # Signatures stored under this dataset are read in this gene order: another
                # order would put every value of one load on the wrong gene.
                where = ", ".join(str(f) for f in files or []) or "this load"
                raise GenekgError(
                    f"{where}: {label} {nid}: its {k} in the graph ({len(old)} items) differs "
                    f"from this file's ({len(v)}); the values stored under one dataset index "
                    "into one order, so nothing was loaded",
                    hint="Load the file under another dataset name (--dataset), or delete "
                    "the dataset first.")
            elif old != v:
                n, ex = conflicts.get(f"{label}.{k}", (0, []))
                if len(ex) < 3:
                    ex.append(f"{nid}: graph {str(old)[:40]!r}, file {str(v)[:40]!r}")
                conflicts[f"{label}.{k}"] = (n + 1, ex)
                if update_existing:
                    fill[k] = v
        out[nid] = fill
    return out


def _create_nodes_query(label: str) -> str:
    check_label(label)
    return (f"UNWIND $rows AS row CREATE (x:{label} {{id: row.id}}) "
            "SET x += row.props, x.source = $source, x.release = $release, x.seen_in = [$tag], "
            "x.load = $load")


def _mark_nodes_query(label: str) -> str:
    check_label(label)
    # Only the release tag, which readers ignore until the load is live; property changes
    # of existing nodes wait for the flip (_fill_nodes_query).
    return f"UNWIND $ids AS id MATCH (x:{label} {{id: id}}) SET x.seen_in = {SEEN}"


def _fill_nodes_query(label: str) -> str:
    check_label(label)
    # row.props holds only what _reconcile allows: gaps, new list items, chosen updates.
    return f"UNWIND $rows AS row MATCH (x:{label} {{id: row.id}}) SET x += row.props"


def _existing_edges_query(rel: str, start: str, end: str) -> str:
    check_rel(rel, start, end)
    return (f"UNWIND $ids AS id MATCH (a:{start} {{id: id}})-[x:{rel}]->(b:{end}) "
            "RETURN collect([a.id, b.id, $tag IN coalesce(x.seen_in, []), elementId(x)]) "
            "AS rows")


def _element_ids_query(label: str) -> str:
    check_label(label)
    return (f"UNWIND $ids AS id MATCH (x:{label} {{id: id}}) "
            "RETURN collect([id, elementId(x)]) AS rows")


def _create_edges_query(rel: str, start: str, end: str, with_props: bool = True) -> str:
    check_rel(rel, start, end)
    # Parallel lists travel faster through the driver than a list of maps; batches without
    # any property skip the per-row SET. The ends are found by element id (read once per
    # load, valid under the ingest lock): two index seeks per row cost ~1-2 s of 427k rows.
    return (f"UNWIND range(0, size($s) - 1) AS i "
            f"MATCH (a:{start}) WHERE elementId(a) = $s[i] "
            f"MATCH (b:{end}) WHERE elementId(b) = $t[i] "
            f"CREATE (a)-[x:{rel} {{seen_in: [$tag], load: $load}}]->(b) "
            + ("SET x += $p[i]" if with_props else ""))


def _mark_edges_query(rel: str, start: str, end: str) -> str:
    check_rel(rel, start, end)
    # By the element id the lookup just read (a direct fetch), not by expanding from the
    # start node: a hub's thousands of relationships were walked once per row of its batch.
    # The ingest lock keeps the ids valid: nothing else writes while the load runs.
    return (f"UNWIND $ids AS id MATCH (:{start})-[x:{rel}]->(:{end}) "
            f"WHERE elementId(x) = id SET x.seen_in = {SEEN}")


def _batches(rows: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


# Batches written at once, each by its own session: the server then uses both cores of a
# 2-core machine (SYNTHETIC 200k pairs: 31k -> 41k relationships/s); no deadlock retries
# were needed, and a deadlock would be retried as a transient error.
DEFAULT_WRITERS = 2
LOCK_POLL = 0.5  # seconds between looks at a busy ingest lock
DISCARD_BATCH = 10_000


def ingest_bundle(
    db: Database,
    bundle: Bundle,
    *,
    batch_size: int = 20_000,
    progress: ProgressFn | None = None,
    update_existing: bool = False,
    lock_wait: float | None = None,
    writers: int | None = None,
) -> LoadReport:
    """Write `bundle` as one staged load: bounded batches, live at once (module docstring).

    Existing nodes gain the properties they lack; a stored value that differs from the
    file's is kept (and reported) unless `update_existing`.

    Loads of one graph run one at a time under the ingest lock: a second load waits for the
    first (up to `lock_wait` seconds, default GENEKG_INGEST_WAIT or one hour) and then
    finds its rows there, so two loads of the same data never duplicate anything. A lock
    left by a process of this machine that no longer exists is taken over, and the loads
    it left pending are collected before this one starts. `writers` batches are written
    at once (default GENEKG_INGEST_WRITERS or 2).
    """
    t0 = time.monotonic()
    ensure_schema(db)
    source_id, sha = source_fingerprint(bundle)
    tag = f"{bundle.source}@{bundle.release}"
    if writers is None:
        writers = int(env_number("GENEKG_INGEST_WRITERS", DEFAULT_WRITERS, minimum=1))
    wait = env_number("GENEKG_INGEST_WAIT", 3600, minimum=0, whole=False) \
        if lock_wait is None else lock_wait
    token, waited = acquire_ingest_lock(db, tag, wait, progress)
    try:
        collected = collect_pending_loads(db)
        now = datetime.now(UTC).isoformat()
        begun = db.run("ingest/begin", {
            "id": source_id, "source": bundle.source, "release": bundle.release,
            "token": load_token(source_id), "pid": os.getpid(),
            "host": socket.gethostname(), "now": now})[0]
        status, rows_load = begun["status"], begun["load"]
        try:
            report = _stage_and_flip(db, bundle, source_id, rows_load, sha, tag,
                                     batch_size=batch_size, progress=progress,
                                     update_existing=update_existing, t0=t0,
                                     writers=writers)
        except BaseException as exc:
            # Nothing of this load is visible; take its rows out now. If the server is gone
            # this fails too, and the next load collects them (ingest/pending_loads).
            # A re-run of a complete Source is live already: its rows are the graph's.
            if status == "pending" and not isinstance(exc, ConnectionFailed):
                with contextlib.suppress(Exception):
                    discard_load(db, source_id, rows_load, tag)
            raise
    finally:
        with contextlib.suppress(Exception):
            db.run("ingest/unlock", {"token": token})
    report.waited, report.collected = waited, collected
    return report


def acquire_ingest_lock(db: Database, tag: str, wait: float,
                        progress: ProgressFn | None = None) -> tuple[str, float]:
    """Take the graph's ingest lock (its token, seconds waited). A holder of this machine
    whose process is gone is taken over; a live one is waited for up to `wait` seconds,
    then a GenekgError names it."""

    def told(row: dict[str, Any]) -> None:
        if progress:
            progress(f"waiting for the load of {row.get('tag')} (pid {row.get('pid')})", 0, 0)

    token, waited, row = take_lock(db, "ingest/lock", {"tag": tag}, wait=wait,
                                   poll=LOCK_POLL, on_wait=told)
    if token is None:
        raise GenekgError(
            f"another load ({row.get('tag')}, pid {row.get('pid')} on {row.get('host')}, "
            f"since {row.get('since')}) holds the graph's ingest lock; waited {wait:.0f} s",
            hint="Wait for it to finish (GENEKG_INGEST_WAIT sets how long a load waits). "
                 "If that process died on another machine, release the lock in Cypher: "
                 "MATCH (l:IngestLock) DELETE l")
    return token, waited


def discard_load(db: Database, source_id: str, load: str, tag: str, *,
                 tag_live: bool | None = None, batch: int = DISCARD_BATCH) -> None:
    """Delete what a pending load wrote: its relationships and nodes (those whose `load` is
    `load`, the Source's token), its release tag on rows that were already there (kept
    when a live Source holds that tag), its Source record."""
    params = {"load": load, "batch": batch}
    db.run_autocommit("ingest/discard_rels", params)
    db.run_autocommit("ingest/discard_nodes", params)
    if tag_live is None:
        tag_live = bool(db.scalar("ingest/tag_live", {"tag": tag}))
    if not tag_live:
        db.run_autocommit("ingest/discard_tags", {"tag": tag, "batch": batch})
    db.run("ingest/forget_load", {"load": source_id})


def collect_pending_loads(db: Database) -> list[str]:
    """Discard every load left pending by a load that died (called under the ingest lock,
    so none is running); their ids."""
    out: list[str] = []
    for row in db.run("ingest/pending_loads"):
        discard_load(db, row["id"], row["load"], row["tag"], tag_live=bool(row["tag_live"]))
        out.append(str(row["id"]))
    return out


def _stage_nodes(load: StagedLoad, bundle: Bundle, batch_size: int, update_existing: bool,
                 conflicts: dict[str, tuple[int, list[str]]],
                 fills: dict[str, list[dict[str, Any]]]) -> tuple[dict[str, int],
                                                                 dict[str, int]]:
    """Queue the bundle's nodes: new ones created, ones already there tagged with this
    release; the property updates the flip applies go to `fills`. (added, existing) per
    label."""
    added: dict[str, int] = {}
    existing: dict[str, int] = {}
    for label, nodes in sorted(bundle.nodes.items()):
        key = f"(:{label})"
        seen: dict[str, bool] = {}
        fill: dict[str, dict[str, Any]] = {}
        keys = sorted({k for p in nodes.values() for k in p})
        for ids in _batches(list(nodes), batch_size):  # type: ignore[arg-type]
            # One collected list instead of a record per row: far less driver overhead.
            rows = load.collect(_existing_nodes_query(label), ids=ids, keys=keys)
            for nid, was_seen, _ in rows:
                seen[nid] = was_seen
            fill.update(_reconcile(label, keys, nodes, rows, update_existing, conflicts,
                                   bundle.files))
        new = [{"id": i, "props": p} for i, p in nodes.items() if i not in seen]
        mark = [i for i in nodes if seen.get(i) is False]
        for b in _batches(new, batch_size):
            load.queue(_create_nodes_query(label), f"nodes {label}", len(b), rows=b)
        for ids in _batches(mark, batch_size):  # type: ignore[arg-type]
            load.queue(_mark_nodes_query(label), f"nodes {label}", len(ids), ids=ids)
        fills[label] = [{"id": i, "props": p} for i, p in fill.items() if p]
        load.skip(len(nodes) - len(new) - len(mark))
        added[key] = len(new)
        existing[key] = len(nodes) - len(new)
    return added, existing


def _element_ids(load: StagedLoad, label: str, ids: set[str], batch_size: int
                 ) -> dict[str, str]:
    """`id -> elementId` of the graph's `label` nodes among `ids` (after the node phase:
    the bundle's own nodes are there)."""
    out: dict[str, str] = {}
    for chunk in _batches(sorted(ids), batch_size):  # type: ignore[arg-type]
        out.update(load.collect(_element_ids_query(label), ids=chunk))
    return out


def _stage_edges(load: StagedLoad, bundle: Bundle, batch_size: int
                 ) -> tuple[dict[str, int], dict[str, int]]:
    """Queue the bundle's relationships, diffed against the graph instead of MERGEd (MERGE
    pays an existence check per row, slow on hub genes): new ones created, ones already
    there tagged with this release. (added, existing) per type."""
    added: dict[str, int] = {}
    existing: dict[str, int] = {}
    for (rel, sl, el), table in sorted(bundle.edges.items()):
        key = f"(:{sl})-[:{rel}]->(:{el})"
        starts = sorted({s for s, _ in table})
        # (start, end) -> (tagged by this release already, element id)
        there: dict[tuple[str, str], tuple[bool, str]] = {}
        for ids in _batches(starts, batch_size):  # type: ignore[arg-type]
            for s, t, was_seen, eid in load.collect(_existing_edges_query(rel, sl, el),
                                                    ids=ids):
                there[(s, t)] = (was_seen, eid)
        new_e = [(s, t, p) for (s, t), p in table.items() if (s, t) not in there]
        starts_new, ends_new = {s for s, _, _ in new_e}, {t for _, t, _ in new_e}
        if sl == el:  # one label: one read for both ends
            at = to = _element_ids(load, sl, starts_new | ends_new, batch_size)
        else:
            at = _element_ids(load, sl, starts_new, batch_size)
            to = _element_ids(load, el, ends_new, batch_size)
        # an end the graph lacks matched nothing before either: such a row creates nothing
        rows = [(at[s], to[t], p) for s, t, p in new_e if s in at and t in to]
        load.skip(len(new_e) - len(rows))
        for i in range(0, len(rows), batch_size):
            chunk = rows[i : i + batch_size]
            props = [p for _, _, p in chunk]
            has_props = any(props)
            load.queue(_create_edges_query(rel, sl, el, has_props), rel, len(chunk),
                       s=[s for s, _, _ in chunk], t=[t for _, t, _ in chunk],
                       p=props if has_props else [])
        mark_e = [there[p][1] for p in table if p in there and not there[p][0]]
        for b in _batches(mark_e, batch_size):  # type: ignore[arg-type]
            load.queue(_mark_edges_query(rel, sl, el), rel, len(b), ids=b)
        load.skip(len(table) - len(new_e) - len(mark_e))
        added[key] = len(rows)  # what was created, not what was asked for
        existing[key] = len(table) - len(new_e)
    return added, existing


def _stage_and_flip(
    db: Database, bundle: Bundle, source_id: str, rows_load: str, sha: str, tag: str, *,
    batch_size: int, progress: ProgressFn | None, update_existing: bool, t0: float,
    writers: int,
) -> LoadReport:
    """The load's phases in one `StagedLoad`: nodes (diffed against the graph, created or
    tagged), relationships (likewise), the release diff, then the flip."""
    params = {"source": bundle.source, "release": bundle.release, "tag": tag,
              "load": rows_load}
    expected = bundle.counts()
    total = sum(expected.values())
    load = StagedLoad(db, params, writers,
                      (lambda task, done: progress(task, done, total)) if progress else None)
    # Differing values of existing nodes, and the updates the flip applies (per label).
    conflicts: dict[str, tuple[int, list[str]]] = {}
    fills: dict[str, list[dict[str, Any]]] = {}
    with load.open():
        merged = load.read(lambda tx: merge_known_nodes(tx, bundle))
        # One read of the source's pairs before the writes (their answer is the same: the
        # writes only add this load's tag, counted as the bundle's own pairs).
        diff = load.read(lambda tx: release_diff(tx, bundle, tag))
        added, existing = _stage_nodes(load, bundle, batch_size, update_existing,
                                       conflicts, fills)
        load.flush()  # every node is there before a relationship needs it
        e_added, e_existing = _stage_edges(load, bundle, batch_size)
        added.update(e_added)
        existing.update(e_existing)
        load.flush()
        source = dict(
            diff=json.dumps(diff) if diff else None,
            id=source_id, files=[str(Path(f).name) for f in bundle.files], sha=sha,
            maps=[str(Path(f).name) for f in bundle.id_maps] or None,  # as the bulk path
            licence=bundle.licence, now=datetime.now(UTC).isoformat(),
            seconds=time.monotonic() - t0,
            counts=json.dumps(expected), added=json.dumps(added),
            issues=json.dumps({**bundle.issues.as_dict(), "merged": merged,
                               "conflicts": {k: {"count": n, "examples": ex}
                                             for k, (n, ex) in conflicts.items()},
                               "conflicts_updated": update_existing}),
            version=__version__, **params)

        def steps(tx: FlipTransaction) -> None:
            # One small transaction: the updates of existing nodes' properties and the
            # Source record made complete. Readers see all of the load or none of it.
            still = tx.one(load_query("ingest/flip").text, load=source_id)
            if not still or still["status"] is None:
                raise GenekgError(f"the pending load {source_id} was collected before it "
                                  "could be made live (another process took the ingest lock "
                                  "as dead)", hint="Run the same command again.")
            for label, rows in sorted(fills.items()):
                for b in _batches(rows, batch_size):
                    tx.run(_fill_nodes_query(label), rows=b)
            tx.run(load_query("ingest/source").text, **source)

        load.flip(steps, tag)
    return LoadReport(
        source=bundle.source, release=bundle.release, source_id=source_id,
        files=[str(f) for f in bundle.files], sha256=sha, seconds=time.monotonic() - t0,
        added=added, existing=existing, issues=bundle.issues.as_dict(),
        conflicts=conflicts, updated_existing=update_existing, merged=merged,
        release_diff=diff,
    )
