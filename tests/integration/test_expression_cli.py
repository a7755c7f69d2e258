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
