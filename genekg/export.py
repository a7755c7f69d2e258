"""Subgraphs for the tools biologists use: Cytoscape (CX2, GraphML) and NetworkX.

`neighbourhood` collects genes (by symbol or id), their k-hop neighbourhood over known
and predicted interactions of one run, and on request the pathways, drugs and cell lines
attached to them. `to_cx2` writes the CX2 format of Cytoscape 3.10+ and NDEx with a
style (colour by label, edge width by score, predicted edges dashed); `to_graphml` writes
GraphML through NetworkX. Lists become `;`-joined text in GraphML (it has no list type)
and stay lists in CX2.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genekg.db import GraphStore
from genekg.errors import GenekgError

SUPER_KINDS = ("pathways", "drugs", "cell-lines")
LABEL_COLOURS = {"Gene": "#4C8BF5", "Pathway": "#F5A623", "Drug": "#D0021B",
                 "CellLine": "#7ED321"}


@dataclass
class Subgraph:
    """Nodes (by id: label, name, properties) and edges (source, target, type, properties)."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # edges: "u", "v" (endpoint ids; "source" is a load's provenance), "type", properties
    edges: list[dict[str, Any]] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)  # the genes asked for
    run: str | None = None

    def to_viz(self) -> Any:
        """A neo4j-viz graph for inline display (see `to_viz`)."""
        return to_viz(self)

    def to_networkx(self) -> Any:
        """A NetworkX MultiDiGraph (undirected interactions keep their stored direction)."""
        import networkx as nx

        g = nx.MultiDiGraph(run=self.run or "", seeds=";".join(self.seeds))
        for nid, attrs in self.nodes.items():
            g.add_node(nid, **attrs)
        for e in self.edges:
            g.add_edge(e["u"], e["v"], key=f"{e['type']}", **{
                k: v for k, v in e.items() if k not in ("u", "v")})
        return g


def to_viz(sub: Subgraph) -> Any:
    """A `neo4j_viz.VisualizationGraph` of `sub` for inline display in a notebook
    (`.render()`): nodes coloured by label and captioned by name, predicted edges orange and
    captioned like the Browser's (optional extra `genekg[viz]`; neo4j-viz is GPL-3.0)."""
    try:
        from neo4j_viz import Node, Relationship, VisualizationGraph
    except ImportError:
        raise GenekgError("neo4j-viz is not installed",
                          hint='pip install "genekg[viz]" (neo4j-viz, GPL-3.0)') from None
    # model_validate: pydantic models, whose optional fields mypy would call missing
    nodes = [Node.model_validate({
        "id": nid, "caption": str(a.get("name", nid)),
        "color": LABEL_COLOURS.get(str(a.get("label")), "#B0B0B0"),
        "size": 30 if a.get("seed") else 20,
        "properties": {k: v for k, v in a.items() if not isinstance(v, list)}})
        for nid, a in sub.nodes.items()]
    rels = []
    for i, e in enumerate(sub.edges):
        predicted = e["type"] == "PREDICTED_INTERACTION"
        ep = e.get("expected_precision")
        cap = (f"EP {100 * ep:.2g}%" if ep is not None else f"{e.get('score', 0):#.2g}") \
            if predicted else e["type"]
        rels.append(Relationship.model_validate({
            "id": i, "source": e["u"], "target": e["v"], "caption": cap,
            "color": "#F5A623" if predicted else "#999999", "width": 3 if predicted else 1}))
    return VisualizationGraph(nodes=nodes, relationships=rels)


def resolve_genes(db: GraphStore, names: list[str]) -> list[str]:
    """Gene ids for symbols or ids; GenekgError naming the ones the graph lacks."""
    rows = db.run("export/resolve_genes", {"names": names})
    missing = [r["name"] for r in rows if not r["ids"]]
    if missing:
        shown = ", ".join(repr(m[:40]) for m in missing[:5])
        raise GenekgError(f"no gene {shown} in the graph" + (
            f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""),
            hint="Genes are matched by symbol or id (e.g. TP53 or 9606:TP53).")
    return sorted({i for r in rows for i in r["ids"]})


def neighbourhood(db: GraphStore, genes: list[str], *, hops: int = 1, run: str | None = None,
                  min_expected_precision: float | None = None,
                  include: tuple[str, ...] = ()) -> Subgraph:
    """`genes` and everything within `hops` over known interactions and run `run`'s
    predicted ones (at least `min_expected_precision` where given), with the edges among
    them and, for each kind in `include`, the super nodes attached to them."""
    if hops < 0 or hops > 3:
        raise GenekgError(f"--hops {hops}: choose 0 to 3 (a hub's 3-hop neighbourhood is "
                          "already most of a proteome)")
    unknown = [k for k in include if k not in SUPER_KINDS]
    if unknown:
        raise GenekgError(f"unknown super-node kind(s) {unknown}",
                          hint=f"choose from {', '.join(SUPER_KINDS)}")
    if run is not None and not db.scalar("predict/live_count", {"run": run}):
        raise GenekgError(f"no predictions of run {run!r} in the graph",
                          hint="genekg predictions list")
    seeds = resolve_genes(db, genes)
    ids, frontier = set(seeds), list(seeds)
    params = {"run": run, "min_ep": min_expected_precision}
    for _ in range(hops):
        rows = db.run("export/neighbours", {"ids": frontier, **params})
        found = set(rows[0]["ids"]) if rows else set()
        frontier = sorted(found - ids)
        ids |= found
        if not frontier:
            break
    row = db.run("export/subgraph", {"ids": sorted(ids), **params})[0]
    sub = Subgraph(seeds=seeds, run=run)
    for n in row["nodes"]:
        sub.nodes[n["id"]] = {k: v for k, v in n.items() if k != "id" and v is not None}
        sub.nodes[n["id"]]["seed"] = n["id"] in seeds
    if include:
        extra = db.run("export/super_nodes", {"ids": sorted(ids), "kinds": list(include)})[0]
        for n in extra["nodes"]:
            sub.nodes.setdefault(n["id"], {"label": n["label"], "name": n["name"],
                                           "seed": False})
        row["edges"] = row["edges"] + extra["edges"]
    for e in row["edges"]:
        clean = {k: v for k, v in e.items() if k not in ("s", "t") and v is not None}
        sub.edges.append({"u": e["s"], "v": e["t"], **clean})
    return sub


def _graphml_value(v: Any) -> Any:
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    return v


def to_graphml(sub: Subgraph, path: Path) -> None:
    """Write `sub` as GraphML (Cytoscape, yEd, Gephi, NetworkX read it)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for nid, attrs in sub.nodes.items():
        g.add_node(nid, **{k: _graphml_value(v) for k, v in attrs.items()})
    for i, e in enumerate(sub.edges):
        g.add_edge(e["u"], e["v"], key=f"e{i}", interaction=e["type"],
                   **{k: _graphml_value(v) for k, v in e.items() if k not in ("u", "v", "type")})
    nx.write_graphml(g, str(path))


_CX2_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _cx2_type(values: list[Any]) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, list):
            inner = {type(x) for x in v} or {str}
            base = _CX2_TYPES.get(inner.pop() if len(inner) == 1 else str, "string")
            kinds.add(f"list_of_{base}")
        else:
            kinds.add(_CX2_TYPES.get(type(v), "string"))
    if kinds == {"long", "double"}:
        return "double"
    return kinds.pop() if len(kinds) == 1 else "string"


def _declare(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    values: dict[str, list[Any]] = {}
    for r in rows:
        for k, v in r.items():
            values.setdefault(k, []).append(v)
    return {k: {"d": _cx2_type(vs)} for k, vs in sorted(values.items())}


def _coerce(row: dict[str, Any], decl: dict[str, dict[str, str]]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        t = decl[k]["d"]
        if t == "double" and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        elif t == "string" and not isinstance(v, str):
            v = json.dumps(v) if isinstance(v, list) else str(v)
        out[k] = v
    return out


def cx2_style() -> list[dict[str, Any]]:
    """The genekg style as CX2 visual properties: node colour by label, edge width by
    score (known interactions thin grey), predicted edges dashed orange."""
    return [{
        "default": {
            "network": {"NETWORK_BACKGROUND_COLOR": "#FFFFFF"},
            "node": {"NODE_SHAPE": "ellipse", "NODE_WIDTH": 40, "NODE_HEIGHT": 40,
                     "NODE_BACKGROUND_COLOR": "#B0B0B0", "NODE_LABEL_FONT_SIZE": 12},
            "edge": {"EDGE_WIDTH": 1.5, "EDGE_LINE_COLOR": "#999999",
                     "EDGE_STROKE_UNSELECTED_PAINT": "#999999",
                     "EDGE_LINE_STYLE": "solid"},
        },
        "nodeMapping": {
            "NODE_LABEL": {"type": "PASSTHROUGH",
                           "definition": {"attribute": "name", "type": "string"}},
            "NODE_BACKGROUND_COLOR": {"type": "DISCRETE", "definition": {
                "attribute": "label", "type": "string",
                "map": [{"v": lab, "vp": col} for lab, col in LABEL_COLOURS.items()]}},
        },
        "edgeMapping": {
            "EDGE_LINE_STYLE": {"type": "DISCRETE", "definition": {
                "attribute": "interaction", "type": "string",
                "map": [{"v": "PREDICTED_INTERACTION", "vp": "dash"}]}},
            "EDGE_STROKE_UNSELECTED_PAINT": {"type": "DISCRETE", "definition": {
                "attribute": "interaction", "type": "string",
                "map": [{"v": "PREDICTED_INTERACTION", "vp": "#F5A623"}]}},
            "EDGE_WIDTH": {"type": "CONTINUOUS", "definition": {
                "attribute": "score", "type": "double", "map": [
                    {"max": 0.5, "maxVPValue": 1.0, "includeMax": True},
                    {"min": 0.5, "minVPValue": 1.0, "max": 1.0, "maxVPValue": 6.0,
                     "includeMin": False, "includeMax": True},
                    {"min": 1.0, "minVPValue": 6.0, "includeMin": False}]}},
        },
    }]


def to_cx2(sub: Subgraph, path: Path, name: str) -> None:
    """Write `sub` as CX2 (Cytoscape 3.10+, NDEx), with the genekg style and a circle layout
    (seed genes in the middle)."""
    import math

    order = sorted(sub.nodes, key=lambda n: (not sub.nodes[n].get("seed"), n))
    index = {nid: i for i, nid in enumerate(order)}
    node_rows = [dict(sub.nodes[n]) for n in order]
    edge_rows = [{"interaction": e["type"], **{k: v for k, v in e.items()
                                               if k not in ("u", "v", "type")}}
                 for e in sub.edges]
    node_decl, edge_decl = _declare(node_rows), _declare(edge_rows)
    net_attrs = {"name": name, "description": "exported by genekg",
                 "run": sub.run or "", "seeds": ";".join(sub.seeds)}
    nodes = []
    # seeds come first in `order`: a row of them in the middle, the others on a ring
    n_seeds = sum(1 for n in order if sub.nodes[n].get("seed"))
    ring = len(order) - n_seeds
    for k, (nid, row) in enumerate(zip(order, node_rows, strict=True)):
        if k < n_seeds:
            x, y = 60.0 * k, 0.0
        else:
            a = 2 * math.pi * (k - n_seeds) / max(1, ring)
            r = 150 + 10 * ring
            x, y = r * math.cos(a), r * math.sin(a)
        nodes.append({"id": index[nid], "v": _coerce(row, node_decl), "x": round(x, 1),
                      "y": round(y, 1)})
    edges = [{"id": i, "s": index[e["u"]], "t": index[e["v"]],
              "v": _coerce(row, edge_decl)}
             for i, (e, row) in enumerate(zip(sub.edges, edge_rows, strict=True))]
    aspects: list[dict[str, Any]] = [
        {"attributeDeclarations": [{"networkAttributes": {k: {"d": "string"}
                                                          for k in net_attrs},
                                    "nodes": node_decl, "edges": edge_decl}]},
        {"networkAttributes": [net_attrs]},
        {"nodes": nodes},
        {"edges": edges},
        {"visualProperties": cx2_style()},
    ]
    meta = [{"name": next(iter(a)), "elementCount": len(next(iter(a.values())))}
            for a in aspects]
    doc = [{"CXVersion": "2.0", "hasFragments": False}, {"metaData": meta}, *aspects,
           {"status": [{"error": "", "success": True}]}]
    path.write_text(json.dumps(doc, indent=1))


# Rows of a staged load that is not live yet are left out (genekg.ingest.writer).
LIVE_LOADS = ("CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) "
              "RETURN collect(coalesce(s.token, s.id)) AS live }")


def _triples_query(rel: str, start: str, end: str) -> str:
    from genekg.schema import check_rel

    check_rel(rel, start, end)  # names come from the declared schema, never from input
    return (f"{LIVE_LOADS} MATCH (a:{start})-[r:{rel}]->(b:{end}) "
            "WHERE r.load IS NULL OR r.load IN live "
            # of the load that created it: its first tag (older graphs stored both)
            "WITH a, b, r, r.seen_in[0] AS first "
            "RETURN a.id AS head, b.id AS tail, coalesce(r.source, split(first, '@')[0]) "
            "AS source, coalesce(r.release, substring(first, size(split(first, '@')[0]) + 1)) "
            "AS release")


def _nodes_query(label: str, props: list[str]) -> str:
    from genekg.schema import check_label

    check_label(label)
    cols = ", ".join(f"n.`{p}` AS `{p}`" for p in props)
    return (f"{LIVE_LOADS} MATCH (n:{label}) WHERE n.load IS NULL OR n.load IN live "
            "RETURN n.id AS id" + (f", {cols}" if cols else ""))


def export_triples(db: GraphStore, out: Path, fmt: str = "parquet") -> dict[str, int]:
    """The loaded knowledge graph as head-relation-tail triples (`triples.<fmt>`, with
    `source`/`release` of the load that created each) and one node table per label
    (`nodes_<label>.<fmt>`, the schema's typed properties); predictions and expression
    vectors are left out. Returns the row count of each file."""
    import pandas as pd

    from genekg.schema import NODE_TYPES, RELS

    if fmt not in ("parquet", "tsv"):
        raise GenekgError(f"--format {fmt!r}: choose parquet or tsv")
    out.mkdir(parents=True, exist_ok=True)
    frames = []
    for r in RELS:
        if r.written_by != "ingest":
            continue
        rows = db.run(_triples_query(r.type, r.start, r.end))
        if rows:
            f = pd.DataFrame(rows, columns=["head", "tail", "source", "release"])
            f.insert(1, "relation", r.type)
            frames.append(f)
    triples = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["head", "relation", "tail", "source", "release"])
    written = {f"triples.{fmt}": _write_frame(triples, out / f"triples.{fmt}", fmt)}
    for label, nt in NODE_TYPES.items():
        if label in ("Source", "PredictionRun"):
            continue  # provenance and write-back state, not knowledge
        props = [p for p, t in nt.properties.items() if not p.endswith("embedding")
                 and p != "values"]
        rows = db.run(_nodes_query(label, props))
        if not rows:
            continue
        frame = pd.DataFrame(rows)
        for p in props:
            if nt.properties[p].startswith("list"):
                frame[p] = frame[p].map(lambda v: ";".join(map(str, v)) if isinstance(v, list)
                                        else v)
        name = f"nodes_{label}.{fmt}"
        written[name] = _write_frame(frame, out / name, fmt)
    return written


def _write_frame(frame: Any, path: Path, fmt: str) -> int:
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, sep="\t", index=False)
    return len(frame)


def dump_database(db: Any, manager: Any, out: Path, progress: Any = None) -> dict[str, Any]:
    """`neo4j-admin database dump` of the local server's database into `out` (a .dump
    file), with `<out>.manifest.json`: the loads it holds (source, release, files'
    sha256), prediction runs, versions and the dump's own sha256. Community Edition dumps
    only a stopped database: the server is stopped for the dump and started again, also
    when the dump fails."""
    import hashlib
    import shutil
    import tempfile
    from datetime import UTC, datetime

    from genekg import GDS_VERSION, NEO4J_VERSION, __version__
    from genekg.ingest.bulk import run_admin

    def say(msg: str) -> None:
        if progress is not None:
            progress(msg)

    sources = db.run("export/dump_sources")
    runs = [r["run_id"] for r in db.run("queries/runs")]
    counts = db.run("export/dump_counts")
    db.close()
    say("stopping the server (Community Edition dumps a stopped database)")
    manager.stop()
    try:
        with tempfile.TemporaryDirectory(prefix="genekg-dump-", dir=out.parent) as tmp:
            say("neo4j-admin database dump")
            proc = run_admin(manager, ["database", "dump", "neo4j", f"--to-path={tmp}",
                                       "--overwrite-destination=true"])
            if proc.returncode != 0:
                raise GenekgError("neo4j-admin database dump failed:\n"
                                  + (proc.stdout + proc.stderr)[-2000:])
            shutil.move(str(Path(tmp) / "neo4j.dump"), out)
    finally:
        say("starting the server")
        manager.start()
    h = hashlib.sha256()
    with open(out, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    manifest = {"dump": out.name, "sha256": h.hexdigest(), "bytes": out.stat().st_size,
                "created": datetime.now(UTC).isoformat(), "neo4j": NEO4J_VERSION,
                "gds": GDS_VERSION, "genekg": __version__, "sources": sources,
                "prediction_runs": runs, "nodes": {r["label"]: r["n"] for r in counts},
                "load_with": f"copy {out.name} to <folder>/neo4j.dump, stop the server, then "
                             "neo4j-admin database load neo4j --from-path=<folder> "
                             "--overwrite-destination=true"}
    out.with_name(out.name + ".manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest

