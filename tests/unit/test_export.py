"""Subgraph writers on a hand-made subgraph (no server): CX2 declarations and values,
GraphML, the notebook's inline graph. Real exports are read back in
tests/integration/test_gne_predict.py."""

from __future__ import annotations

import json
from pathlib import Path

from genekg.export import Subgraph, to_cx2, to_graphml, to_viz


def _sub() -> Subgraph:
    return Subgraph(
        nodes={"9606:TP53": {"label": "Gene", "name": "TP53", "seed": True},
               "9606:MDM2": {"label": "Gene", "name": "MDM2", "seed": False},
               "path:hsa04115": {"label": "Pathway", "name": "p53 signaling", "seed": False}},
        edges=[{"u": "9606:MDM2", "v": "9606:TP53", "type": "INTERACTS_WITH",
                "source": "biogrid", "seen_in": ["biogrid@4.2.191", "biogrid@4.2.192"]},
               {"u": "9606:MDM2", "v": "9606:TP53", "type": "PREDICTED_INTERACTION",
                "score": 0.97, "rank": 3, "expected_precision": 0.112},
               {"u": "9606:TP53", "v": "path:hsa04115", "type": "IN_PATHWAY"}],
        seeds=["9606:TP53"], run="r1")


def test_cx2_declares_every_attribute_with_its_type_and_keeps_provenance(tmp_path: Path
                                                                         ) -> None:
    to_cx2(_sub(), tmp_path / "x.cx2", name="test")
    doc = json.loads((tmp_path / "x.cx2").read_text())
    assert doc[0] == {"CXVersion": "2.0", "hasFragments": False}
    aspects = {next(iter(a)): next(iter(a.values())) for a in doc[1:]}
    decl = aspects["attributeDeclarations"][0]
    assert decl["edges"]["score"] == {"d": "double"}
    assert decl["edges"]["seen_in"] == {"d": "list_of_string"}
    assert decl["nodes"]["seed"] == {"d": "boolean"}
    edges = aspects["edges"]
    assert [e["v"]["interaction"] for e in edges] == ["INTERACTS_WITH",
                                                      "PREDICTED_INTERACTION", "IN_PATHWAY"]
    assert edges[0]["v"]["source"] == "biogrid"  # provenance, not an endpoint
    nodes = {n["id"]: n["v"]["name"] for n in aspects["nodes"]}
    assert nodes[edges[0]["s"]] == "MDM2" and nodes[edges[0]["t"]] == "TP53"
    meta = {m["name"]: m["elementCount"] for m in aspects["metaData"]}
    assert meta["nodes"] == 3 and meta["edges"] == 3
    assert doc[-1] == {"status": [{"error": "", "success": True}]}


def test_graphml_joins_lists_and_keeps_edge_kinds(tmp_path: Path) -> None:
    import networkx as nx

    to_graphml(_sub(), tmp_path / "x.graphml")
    g = nx.read_graphml(tmp_path / "x.graphml")
    kinds = sorted(d["interaction"] for *_, d in g.edges(data=True))
    assert kinds == ["INTERACTS_WITH", "IN_PATHWAY", "PREDICTED_INTERACTION"]
    known = next(d for *_, d in g.edges(data=True) if d["interaction"] == "INTERACTS_WITH")
    assert known["seen_in"] == "biogrid@4.2.191;biogrid@4.2.192"


def test_the_inline_graph_captions_predicted_edges_with_expected_precision() -> None:
    viz = to_viz(_sub())
    caps = sorted(str(r.caption) for r in viz.relationships)
    assert caps == ["EP 11%", "INTERACTS_WITH", "IN_PATHWAY"]
    assert {n.caption for n in viz.nodes} == {"TP53", "MDM2", "p53 signaling"}
    assert "TP53" in str(viz.render().data)


def test_export_refuses_bad_output_before_connecting(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from genekg.cli.main import app

    runner = CliRunner()
    base = ["--uri", "bolt://127.0.0.1:1", "export"]
    for args, msg in (
            (["cytoscape", "--gene", "TP53", "-o", str(tmp_path / "no" / "x.cx2")],
             "does not exist"),
            (["cytoscape", "--gene", "TP53", "-o", str(tmp_path)], "must end in .cx2"),
            (["cytoscape", "-o", str(tmp_path / "x.cx2")], "which genes?"),
            (["dump", "--out", str(tmp_path / "x.tar")], "must end in .dump"),
            (["triples", "--out", str(tmp_path), "--format", "xlsx"], "parquet or tsv")):
        if args[0] == "triples":
            (tmp_path / "keep").write_text("x")  # a non-empty folder is refused first
            msg = "not empty"
        r = runner.invoke(app, [*base, *args], terminal_width=200)
        assert r.exit_code == 1, (args, r.output)
        assert msg in r.output and "Traceback" not in r.output, r.output
