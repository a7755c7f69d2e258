"""`genekg features` and `genekg expression evaluate` on the real server, with the bundled
sample graph (6 KEGG pathways, drugs, cell lines incl. A375) and real LINCS files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.db import Database

runner = CliRunner()


@pytest.fixture(scope="module")
def kg_db(db: Database, wiper: Any) -> Iterator[Database]:
    wiper(db)
    assert runner.invoke(app, ["ingest", "sample"]).exit_code == 0
    yield db
    wiper(db)


def test_features_cli_writes_parquet(kg_db: Database, tmp_path: Path) -> None:
    r = runner.invoke(app, ["features", "--sets", "cn,ent,le,dw", "--dim", "8",
                            "--out", str(tmp_path), "--write-graph", "--seed", "1"])
    assert r.exit_code == 0, r.output
    cn = pd.read_parquet(tmp_path / "cn_supernode_gene.parquet")
    assert {"node", "gene", "score"} <= set(cn.columns) and len(cn) > 1000
    assert cn["node"].str.startswith("COSMIC:").any()
    le = pd.read_parquet(tmp_path / "le_embedding.parquet")
    assert len(le["embedding"].iloc[0]) == 8
    n = kg_db.scalar("MATCH (g:Gene) WHERE g.kg_dw IS NOT NULL RETURN count(g) AS n")
    assert n > 500
    assert kg_db.scalar("CALL gds.graph.list() YIELD graphName RETURN count(*) AS n") == 0


def test_expression_evaluate_a375(kg_db: Database, shared_data: Path, tmp_path: Path) -> None:
    gct = shared_data / "lincs/cmapPy_tests/test_l1000.gct"
    r = runner.invoke(app, ["expression", "evaluate", "--lincs", str(gct), "--cell", "A375",
                            "--n-genes", "4", "--trees", "10", "--sets", "cn,ent,le",
                            "--ensemble", "3", "--seed", "3", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    r2 = pd.read_csv(tmp_path / "r2_per_gene.csv", index_col=0)
    assert list(r2.columns) == ["baseline", "baseline_ensemble", "cn", "ent", "le",
                                "stacking"] and len(r2) == 4
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["command"] == "expression evaluate" and record["seed"] == 3
    assert record["data"]["n_train"] + record["data"]["n_test"] == 377
    assert len(record["data"]["lincs_sha256"]) == 64
    comparison = record["metrics"]["comparison"]
    assert "wilcoxon_p" in comparison["stacking"]
    assert 0 <= comparison["stacking"]["wins_vs_ensemble"] <= 4
    top = pd.read_csv(tmp_path / "top_contributors.csv")
    assert len(top) == 4 and set(top["top1"]) <= set(r2.index)
    assert (tmp_path / "comparison.png").stat().st_size > 1000
    again = runner.invoke(app, ["expression", "evaluate", "--lincs", str(gct), "--cell",
                                "A375", "--n-genes", "4", "--trees", "10", "--sets",
                                "cn,ent,le", "--ensemble", "3", "--seed", "3", "--out",
                                str(tmp_path / "b"), "--to-graph", "--jobs", "1"])
    assert again.exit_code == 0, again.output
    helps = kg_db.run("MATCH (a:Gene)-[h:HELPS_PREDICT {cell_line: 'A375'}]->(b:Gene) "
                      "RETURN h.importance AS imp, h.run_id AS run")
    # the top lists hold at most the 3 other target genes each, only positive importances
    assert 0 < len(helps) <= 4 * 3 and all(h["imp"] > 0 for h in helps)
    assert helps[0]["run"].startswith("expr-A375-s3-")
    assert pd.read_csv(tmp_path / "b" / "r2_per_gene.csv", index_col=0).equals(r2)
    gene = kg_db.scalar("MATCH ()-[:HELPS_PREDICT]->(b:Gene) RETURN b.symbol AS s LIMIT 1")
    q = runner.invoke(app, ["query", "helps_predict", "-p", f"gene={gene}", "-p", "limit=5",
                            "--format", "tsv"])
    assert q.exit_code == 0 and "shared_pathways" in q.output


def test_expression_bad_input(kg_db: Database, shared_data: Path, tmp_path: Path) -> None:
    gct = shared_data / "lincs/cmapPy_tests/test_l1000.gct"
    r = runner.invoke(app, ["expression", "evaluate", "--lincs", str(gct), "--cell", "NOPE",
                            "--out", str(tmp_path)])
    assert r.exit_code == 2 and "no signature for cell line 'NOPE'" in r.output
    r = runner.invoke(app, ["expression", "evaluate", "--lincs", str(gct), "--cell", "A375",
                            "--genes", "TP53,NOTAGENE", "--out", str(tmp_path)])
    assert r.exit_code == 1 and "NOTAGENE" in r.output
    gctx = shared_data / "lincs/l1ktools/modzs_n272x978.gctx"
    r = runner.invoke(app, ["expression", "evaluate", "--lincs", str(gctx), "--cell", "MCF7",
                            "--n-genes", "3", "--trees", "5", "--sets", "cn",
                            "--out", str(tmp_path)])
    assert r.exit_code == 1 and "too few training samples" in r.output


def test_expression_train_saves_models(kg_db: Database, shared_data: Path,
                                       tmp_path: Path) -> None:
    import joblib

    gct = shared_data / "lincs/cmapPy_tests/test_l1000.gct"
    r = runner.invoke(app, ["expression", "train", "--lincs", str(gct), "--cell", "A375",
                            "--genes", "TP53,BAX", "--trees", "5", "--sets", "cn,le",
                            "--seed", "2", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    models = joblib.load(tmp_path / "models.joblib")
    assert set(models) == {"baseline", "cn", "le"}
    assert len(models["cn"]["stage2"]) == 2
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["command"] == "expression train" and record["seed"] == 2
    assert record["data"]["n_signatures"] == 377 and len(record["data"]["lincs_sha256"]) == 64


def test_compound_split_and_prediction_for_an_unprofiled_compound(
        kg_db: Database, shared_data: Path, tmp_path: Path) -> None:
    """Issue 26 on real data: human BioGRID c2 + DrugBank + the consensus signatures (last
    in this module: it adds drugs to the sample graph)."""
    gm = shared_data / "lincs/dhimmel_lincs/geneinfo.tsv.gz"
    um = shared_data / "id_mapping/uniprot_human_reviewed_gene_names.tab.gz"
    human = (shared_data / "biogrid/GreenCUBIC_BioGRID-PPI/"
             "Homo_sapiens-4.2.192_ID_9606_c2_positive_interactions.tsv")
    for args in (["biogrid", str(human), "--id-map", str(um)],
                 ["drugs", str(shared_data / "drug_targets/dhimmel_drugbank"), "--id-map",
                  str(gm), "--id-map", str(um)],
                 ["lincs-consensus", str(shared_data / "lincs/dhimmel_lincs/"
                                         "consensi-drugbank.tsv.gz"), "--id-map", str(gm)]):
        r = runner.invoke(app, ["ingest", *args])
        assert r.exit_code == 0, r.output
    # DrugBank's sorafenib merged onto the sample's LINCS node by InChIKey; its consensus
    # signature found that node by DrugBank id: one node with targets and signature
    rows = kg_db.run("MATCH (d:Drug {drugbank_id: 'DB00398'}) RETURN d.id AS id, "
                     "size(d.consensus_signature) AS n, COUNT { (d)-[:TARGETS]->() } AS t")
    assert len(rows) == 1 and rows[0]["id"].startswith("BRD-") and rows[0]["n"] == 978
    assert rows[0]["t"] > 0
    out = tmp_path / "compound"
    r = runner.invoke(app, ["expression", "evaluate", "--split", "compound", "--sets",
                            "cn,le", "--folds", "3", "--split-seeds", "2", "--seed", "2",
                            "--out", str(out)], terminal_width=250)
    assert r.exit_code == 0, r.output
    assert "compounds never profiled" in r.output
    assert "verdict over 2 fold seeds: graph+chem" in " ".join(r.output.split())
    per_seed = pd.read_csv(out / "seeds.csv")
    assert sorted(set(per_seed["fold_seed"])) == [2, 3]
    assert set(per_seed["reference"]) == {"chemistry", "core+chem"}
    summary = pd.read_csv(out / "summary.csv").set_index("model")
    assert list(summary.index) == ["mean", "chemistry", "graph", "graph+chem", "core+chem",
                                   "member:cn", "member:le", "stacking"]
    # real signal: structure predicts unseen compounds' signatures better than the mean
    assert float(summary.loc["chemistry", "win_frac_vs_mean[all]"]) > 0.8  # type: ignore[arg-type]
    assert float(summary.loc["mean", "mean_r2"]) < 0.01  # type: ignore[arg-type]
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 2 and record["data"]["compounds"] == 1170
    assert record["data"]["with_targets"] > 800 and record["config"]["learner"] == "ridge-mo"
    assert len(pd.read_csv(out / "r2_per_gene.csv")) == 978

    tsv = tmp_path / "rego.tsv"
    r = runner.invoke(app, ["expression", "predict", "--drug", "regorafenib", "--model",
                            "core+chem", "--sets", "", "--seed", "2", "--out", str(tsv),
                            "--to-graph"], terminal_width=250)
    assert r.exit_code == 0, r.output
    assert "sorafenib" in r.output.lower(), r.output  # closest relative: kinases, scaffold
    pred = pd.read_csv(tsv, sep="\t")
    assert len(pred) == 978 and sorted(pred["rank_abs"]) == list(range(1, 979))
    stored = kg_db.run("MATCH (d:Drug {drugbank_id: 'DB08896'}) "
                       "RETURN size(d.predicted_signature) "
                       "AS n, d.predicted_signature_meta AS meta")[0]
    assert stored["n"] == 978 and json.loads(stored["meta"])["model"] == "core+chem"
    r = runner.invoke(app, ["expression", "predict", "--drug", "DB00398", "--model",
                            "core+chem", "--sets", "", "--seed", "2", "--out",
                            str(tmp_path / "sorafenib.tsv")], terminal_width=250)
    assert r.exit_code == 0, r.output
    assert "left out of training" in r.output
    r = runner.invoke(app, ["expression", "predict", "--drug", "nosuchdrug", "--sets", "",
                            "--seed", "2", "--out", str(tmp_path / "x.tsv")])
    assert r.exit_code == 1 and "no drug 'nosuchdrug'" in r.output
    # a compound with neither a target nor a structure: refused, not a mean profile that
    # "resembles" some compound
    bare = kg_db.run("MATCH (d:Drug) WHERE d.drugbank_id IS NOT NULL AND d.inchi IS NULL "
                     "AND NOT (d)-[:TARGETS]->() RETURN d.drugbank_id AS id LIMIT 1")
    if bare:
        r = runner.invoke(app, ["expression", "predict", "--drug", bare[0]["id"], "--sets",
                                "", "--seed", "2", "--out", str(tmp_path / "bare.tsv")],
                          terminal_width=250)
        assert r.exit_code == 1 and "nothing informs its prediction" in r.output, r.output
        assert "resembles" not in r.output and not (tmp_path / "bare.tsv").exists()
