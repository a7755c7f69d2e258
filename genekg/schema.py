"""The graph schema, declared once.

Labels with their id pattern, typed main properties and indexes; relationship types with
their ends and direction. `cypher/schema.cypher` and the schema table of docs/reference.md
are generated from here (`python -m genekg.schema --write`, `python -m genekg.docgen
--write`; unit tests fail when they drift),
bundles validate against it, and every Cypher statement built from a label or type name
checks it here first (values always travel as parameters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from genekg.errors import GenekgError

MAX_ID_LENGTH = 512  # longer "ids" are input errors (a 50 MB id once reached the graph)


class SchemaError(GenekgError):
    """A label, relationship type or value outside the declared schema."""


@dataclass(frozen=True)
class NodeType:
    """A node label: its id pattern and main properties (name -> type)."""

    label: str
    id_pattern: str
    id_doc: str
    properties: dict[str, str] = field(default_factory=dict)
    indexes: tuple[str, ...] = ()
    short: str = ""  # name stem of its constraint and indexes (default: snake_case label)

    @property
    def constraint(self) -> str:
        """Name of the id uniqueness constraint."""
        stem = self.short or re.sub(r"(?<!^)(?=[A-Z])", "_", self.label).lower()
        return stem + "_id"


@dataclass(frozen=True)
class RelType:
    """A relationship type with its ends; `directed=False`: stored once per pair."""

    type: str
    start: str
    end: str
    directed: bool = True
    properties: dict[str, str] = field(default_factory=dict)
    written_by: str = "ingest"


# Provenance every loaded row carries (relationships: `seen_in` and `load` only; readers of
# a graph loaded by an earlier genekg also meet `source`, `release`, `key` on them).
PROV = {"source": "str", "release": "str", "seen_in": "list[str]", "key": "str", "load": "str"}
NODES: tuple[NodeType, ...] = (
    NodeType("Gene", r"^\d+:[^\s]+$", "`<taxon>:<symbol>` (human, E. coli) or `<taxon>:<ORF>` "
             "(yeast)", {"symbol": "str", "organism": "int", "entrez": "str", "ensembl": "str",
                         "uniprot": "str",
                         "bnumber": "str", "systematic_name": "str", "cgc": "bool",
                         "gne_embedding": "list[float]", "gne_embedding_run": "str"},
             ("symbol", "organism")),
    NodeType("Pathway", r"^path:\w+$", "`path:hsa04010`", {"name": "str", "organism": "int"}),
    NodeType("Drug", r"^\S+$", "DrugBank id or Broad id or KEGG id",
             {"name": "str", "drugbank_id": "str", "broad_ids": "list[str]", "kegg_id": "str",
              "inchikey": "str", "inchi": "str", "moa": "str",
              "consensus_signature": "list[float]", "predicted_signature": "list[float]",
              "predicted_signature_genes": "list[str]", "predicted_signature_meta": "str"},
             ("name", "inchikey", "drugbank_id")),
    NodeType("Compound", r"^\S+$", "KEGG compound id", {"name": "str"}),
    NodeType("CellLine", r"^COSMIC:\d+$|^\S+$", "`COSMIC:905946`",
             {"name": "str", "tissue": "str", "cancer_type": "str"}, ("name",)),
    NodeType("ExpressionProfile", r"^.+\|.+$", "`<dataset>|<gene id>`",
             {"dataset": "str", "gene": "str", "values": "list[float]"}, ("dataset",),
             short="profile"),
    NodeType("Dataset", r"^\S+$", "`expr:<name>`",
             {"name": "str", "samples": "list[str]", "organism": "int"}),
    NodeType("Source", r"^.+@.+:[0-9a-f]{16}$", "`<source>@<release>:<sha256[:16]>`",
             {"name": "str", "release": "str", "files": "list[str]", "sha256": "str",
              "counts": "str", "issues": "str", "seconds": "float", "status": "str",
              "id_maps": "list[str]", "release_diff": "str", "pid": "int", "host": "str",
              "started_at": "datetime"},
             ("name",)),
    # The graph's ingest lock while a load runs (one node, id 'ingest').
    NodeType("IngestLock", r"^ingest$", "`ingest`", {"writer_pid": "int", "writer_host": "str",
                                                    "writer_tag": "str"}),
    # Write-back state of one prediction run: which writes readers see (genekg.linkpred.predict).
    NodeType("PredictionRun", r"^\S+$", "run id", {"live": "list[str]", "retired": "list[str]",
                                                    "model": "str", "updated_at": "datetime",
                                                    "writer_pid": "int", "writer_host": "str"},
             short="prediction_run"),
)
RELS: tuple[RelType, ...] = (
    RelType("INTERACTS_WITH", "Gene", "Gene", directed=False,
            properties={"experimental_system": "str", **PROV}),
    RelType("KEGG_RELATION", "Gene", "Gene", properties={"type": "str",
                                                         "subtypes": "list[str]",
                                                         "pathways": "list[str]"}),
    RelType("IN_PATHWAY", "Gene", "Pathway"),
    RelType("TARGETS", "Drug", "Gene", properties={"actions": "list[str]"}),
    RelType("HAS_MUTATION", "CellLine", "Gene", properties={"mutations": "list[str]"}),
    RelType("HAS_PROFILE", "Gene", "ExpressionProfile"),
    RelType("IN_DATASET", "ExpressionProfile", "Dataset"),
    RelType("PROFILED_IN", "Drug", "Dataset", properties={"signatures": "int",
                                                         "cells": "list[str]"}),
    RelType("PREDICTED_INTERACTION", "Gene", "Gene", directed=False, written_by="predict",
            properties={"score": "float", "percentile": "float", "rank": "int",
                        "model": "str", "run_id": "str", "write_id": "str",
                        "superseded_by": "str", "created_at": "datetime",
                        "shared_partners": "int", "shares_pathway": "bool",
                        "shares_drug_target": "bool", "pathways": "list[str]",
                        "drugs": "list[str]", "shared_partner_names": "list[str]",
                        "expected_precision": "float", "path3": "list[str]",
                        "kegg_relation": "bool", "gene_ranks": "list[int]",
                        "caption": "str"}),
    # A prediction write in progress; `flip_*` turns it into PREDICTED_INTERACTION at once.
    RelType("PENDING_PREDICTION", "Gene", "Gene", directed=False, written_by="predict",
            properties={"run_id": "str", "write_id": "str"}),
    RelType("HELPS_PREDICT", "Gene", "Gene", written_by="expression train --to-graph",
            properties={"rank": "int", "importance": "float", "cell_line": "str",
                        "model": "str", "seed": "int", "run_id": "str"}),
)
NODE_TYPES = {n.label: n for n in NODES}
NODE_LABELS = frozenset(NODE_TYPES)
# Relationship types a loader may produce (write-back types are written by genekg itself).
REL_TYPES = frozenset(r.type for r in RELS if r.written_by == "ingest")
UNDIRECTED = frozenset(r.type for r in RELS if not r.directed)
_ENDS = {(r.type, r.start, r.end) for r in RELS}


def check_label(label: str) -> str:
    """`label` if declared, else SchemaError (labels are the only names put into Cypher)."""
    if label not in NODE_LABELS:
        raise SchemaError(f"label {label!r} is not in the schema",
                          hint=f"Labels: {', '.join(sorted(NODE_LABELS))}")
    return label


def check_rel(rel: str, start: str, end: str, *, loadable: bool = True) -> str:
    """`rel` if declared with these ends (and, by default, loadable), else SchemaError."""
    if (loadable and rel not in REL_TYPES) or (rel, start, end) not in _ENDS:
        known = ", ".join(f"({s})-[:{t}]->({e})" for t, s, e in sorted(_ENDS))
        raise SchemaError(f"({start})-[:{rel}]->({end}) is not in the schema",
                          hint=f"Relationships: {known}")
    return rel


def check_id(label: str, node_id: str) -> str:
    """A node id that fits its label's pattern and length."""
    if not node_id or len(node_id) > MAX_ID_LENGTH:
        raise SchemaError(f"{label} id of length {len(node_id)} (1..{MAX_ID_LENGTH} allowed): "
                          f"{node_id[:60]!r}{'…' if len(node_id) > 60 else ''}")
    return node_id


def schema_cypher() -> str:
    """The constraints and indexes, as `cypher/schema.cypher` holds them."""
    lines = ["// Graph schema: one uniqueness constraint on `id` per label, plus lookup indexes.",
             "// Generated from genekg/schema.py (python -m genekg.schema --write): edit there.",
             "// Applied idempotently by every ingest (IF [NOT] EXISTS); safe to paste into the "
             "Browser."]
    for n in NODES:
        lines.append(f"CREATE CONSTRAINT {n.constraint} IF NOT EXISTS FOR (n:{n.label}) "
                     "REQUIRE n.id IS UNIQUE;")
    for n in NODES:
        for prop in n.indexes:
            name = f"{n.constraint.removesuffix('_id')}_{prop}"
            lines.append(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{n.label}) ON (n.{prop});")
    # Loaded relationships are unique by construction: loads run one at a time under the
    # ingest lock and create only the pairs the graph lacks. The `key` constraints of
    # earlier versions are dropped: their index made a 546k-pair release load ~3 s slower.
    for r in RELS:
        if r.written_by == "ingest":
            lines.append(f"DROP CONSTRAINT {r.type.lower()}_key IF EXISTS;")
    lines.append("CREATE INDEX predicted_run IF NOT EXISTS FOR ()-[p:PREDICTED_INTERACTION]-() "
                 "ON (p.run_id);")
    lines.append("CREATE INDEX pending_run IF NOT EXISTS FOR ()-[p:PENDING_PREDICTION]-() "
                 "ON (p.run_id);")
    return "\n".join(lines) + "\n"


def readme_table() -> str:
    """The schema tables of docs/reference.md (nodes, relationships)."""
    out = ["| label | id | main properties |", "|---|---|---|"]
    for n in NODES:
        props = ", ".join(f"{k} ({v})" for k, v in n.properties.items())
        out.append(f"| `{n.label}` | {n.id_doc} | {props} |")
    out += ["", "| relationship | direction | properties | written by |", "|---|---|---|---|"]
    for r in RELS:
        props = ", ".join(f"{k} ({v})" for k, v in r.properties.items() if k not in PROV)
        if r.written_by == "ingest":
            props = ", ".join(p for p in ("seen_in (list[str])", props) if p)
        arrow = "->" if r.directed else "-"
        out.append(f"| `(:{r.start})-[:{r.type}]{arrow}(:{r.end})` | "
                   f"{'directed' if r.directed else 'undirected, stored once'} | "
                   f"{props or '-'} | `genekg {r.written_by}` |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    """`python -m genekg.schema --write`: regenerate cypher/schema.cypher (the docs' schema
    table: `python -m genekg.docgen --write`)."""
    import sys

    path = Path(__file__).resolve().parents[1] / "cypher" / "schema.cypher"
    if "--write" in (argv if argv is not None else sys.argv[1:]):
        path.write_text(schema_cypher())
    else:
        print(f"{path}: {'up to date' if path.read_text() == schema_cypher() else 'DRIFTED'}")


if __name__ == "__main__":
    main()
