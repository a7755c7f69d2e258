"""The schema is declared once (genekg/schema.py); its generated copies must not drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from genekg import schema
from genekg.loaders.base import Bundle

REPO = Path(__file__).resolve().parents[2]


def test_schema_cypher_is_generated_from_schema_py() -> None:
    assert (REPO / "cypher" / "schema.cypher").read_text() == schema.schema_cypher()


def test_the_reference_schema_table_names_every_label_and_type() -> None:
    text = (REPO / "docs" / "reference.md").read_text()
    for n in schema.NODES:
        assert f"`{n.label}`" in text
    for r in schema.RELS:
        assert f"[:{r.type}]" in text


def test_bundles_validate_against_the_schema() -> None:
    b = Bundle("test", "1", [])
    b.node("Gene", "9606:TP53", symbol="TP53")
    b.edge("TARGETS", ("Drug", "DB1"), ("Gene", "9606:TP53"))
    with pytest.raises(schema.SchemaError, match="label 'Protein'"):
        b.node("Protein", "P04637")
    with pytest.raises(schema.SchemaError, match="not in the schema"):
        b.edge("TARGETS", ("Gene", "9606:TP53"), ("Drug", "DB1"))  # wrong direction
    with pytest.raises(schema.SchemaError, match="not in the schema"):
        b.edge("PREDICTED_INTERACTION", ("Gene", "a"), ("Gene", "b"))  # not loadable
    with pytest.raises(schema.SchemaError, match="length 50000"):
        b.node("Gene", "9606:" + "x" * 49_995)


def test_cypher_names_only_from_the_schema() -> None:
    from genekg.ingest.writer import _create_edges_query, _create_nodes_query

    assert "(x:Gene" in _create_nodes_query("Gene")
    with pytest.raises(schema.SchemaError):
        _create_nodes_query("Gene) DETACH DELETE (x")
    with pytest.raises(schema.SchemaError):
        _create_edges_query("INTERACTS_WITH", "Gene", "Drug")
