"""GNE, evaluation, prediction write-back and the query library on the real server,
with the bundled real sample loaded once for the module."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from neo4j.exceptions import ServiceUnavailable
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.db import Database, load_query, query_names
from genekg.linkpred import gds as G
from genekg.linkpred.pipeline import Selection, evaluate_protocol
from genekg.linkpred.prediction import Prediction, PredictResult
from genekg.linkpred.runs import RUN_FORMAT
from genekg.linkpred.split import encode, split_edges
from genekg.linkpred.writeback import delete_run, write_predictions
from genekg.organisms import resolve_organism
from genekg.server.manager import ServerManager

runner = CliRunner()
FAST = ["--epochs", "2", "--dim", "32"]


@pytest.fixture(scope="module")
def sample_db(db: Database, wiper: Any) -> Iterator[Database]:
    wipe = wiper
    wipe(db)
    result = runner.invoke(app, ["ingest", "sample"])
    assert result.exit_code == 0, result.output
    yield db
    wipe(db)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="module")
def trained(sample_db: Database, runs: Path) -> dict[str, str]:
    """Two runs (different seeds) trained through the CLI."""
    ids = {}
    for seed in (1, 2):
        r = runner.invoke(app, ["--seed", str(seed), "train", "-o", "ecoli", "--source",
                                "biogrid", "--all-edges", "--method", "gne", *FAST],
                          env={"GENEKG_RUNS_DIR": str(runs)})
        assert r.exit_code == 0, r.output
        ids[str(seed)] = next(p.name for p in runs.iterdir() if p.name.endswith(f"s{seed}"))
    return ids


def pred_count(db: Database, run: str | None = None) -> int:
    return int(db.scalar("predict/live_count", {"run": run}))


def test_run_directory_records_everything(trained: dict[str, str], runs: Path) -> None:
    d = runs / trained["1"]
    for f in ("run.json", "genes.parquet", "embeddings.parquet", "split.npz",
              "predictor/predictor.json", "predictor/embedding.npy",
              "predictor/classifier.npz", "predictor/model.pt", "predictor/report.json",
              "fitted.json", "known.npz"):
        assert (d / f).exists(), f
    assert not list(runs.glob(".*.partial"))  # staging folders are renamed or removed
    meta = json.loads((d / "run.json").read_text())
    assert meta["command"] == "train" and meta["seed"] == 1
    assert len(meta["versions"]["genekg_commit"].removesuffix("+dirty")) in (40, 7)
    cfg = meta["config"]
    assert cfg["run_format"] == RUN_FORMAT and json.loads(
        (d / "predictor/predictor.json").read_text()) == {"kind": "gne", "name": "gne"}
    assert cfg["seed"] == 1 and cfg["selection"]["organism"] == "ecoli"
    assert meta["data"]["edges"] == 169595 and len(meta["data"]["network_sha256"]) == 64
    assert meta["server"]["gds"] == "2.13.9" and meta["versions"]["torch"]
    assert "val_auroc" in meta["metrics"] and meta["seconds"] > 0  # --all-edges: no test
    emb = pd.read_parquet(d / "embeddings.parquet")
    assert len(emb) == 3973 and len(emb["embedding"].iloc[0]) == 32


def test_default_method_trains_and_predicts(sample_db: Database, tmp_path: Path) -> None:
    # The whole E. coli network, the default method (auto: spectral-reg, gcn-rank,
    # stack-rank+gcn, L3…);
    # 4% validation keeps the stack's cross-fitting quick (6,800 pairs still).
    r = runner.invoke(app, ["--seed", "5", "train", "-o", "ecoli", "--source", "biogrid",
                            "--dim", "16", "--val-frac", "0.04"],
                      env={"GENEKG_RUNS_DIR": str(tmp_path)})
    assert r.exit_code == 0, r.output
    (run,) = list(tmp_path.iterdir())
    assert "-auto-ecoli-s5" in run.name
    metrics = json.loads((run / "run.json").read_text())["metrics"]
    assert 0.9 < metrics["test_auroc"] <= 1.0  # real E. coli network: far above chance
    # auto recorded why: each candidate's validation ranking among all candidates, the
    # best one chosen
    vals = metrics["candidates"]
    assert {"spectral-reg", "gcn-rank", "stack-rank+gcn", "l3"} <= set(vals)
    assert metrics["chosen"] == max(vals, key=lambda k: vals[k])
    assert all(0 < metrics["retrieval"][k]["mrr"] <= 1 for k in vals)
    assert "chose" in r.output and metrics["chosen"] in r.output
    r = runner.invoke(app, ["predict", "--run", str(run), "--top-k", "20", "--dry-run"])
    assert r.exit_code == 0, r.output
    lines = [x for x in r.output.splitlines() if x.startswith("1\t")]
    assert lines, r.output  # rank-1 TSV row: calibrated score and percentile columns
    cells = lines[0].split("\t")
    score, ep, pct = float(cells[3]), float(cells[4]), float(cells[5])
    assert 0.0 < ep <= 1.0  # expected precision among all candidates, from validation
    assert 0.0 <= score <= 1.0 and 90.0 <= pct <= 100.0
    assert pred_count(sample_db, run.name) == 0


def test_a_stack_run_predicts_through_stage_one_and_the_stack(sample_db: Database,
                                                            tmp_path: Path) -> None:
    # Forced stack run: predict takes the union of the generators' candidates (not every
    # pair) and writes the stack's own calibrated scores.
    from genekg.linkpred.runs import Run

    r = runner.invoke(app, ["--seed", "6", "train", "-o", "ecoli", "--source", "biogrid",
                            "--method", "stack", "--dim", "16", "--val-frac", "0.04",
                            "--all-edges"], env={"GENEKG_RUNS_DIR": str(tmp_path)})
    assert r.exit_code == 0, r.output
    (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert json.loads((run_dir / "predictor/predictor.json").read_text())["kind"] == "stack"
    out = tmp_path / "p.tsv"
    r = runner.invoke(app, ["predict", "--run", str(run_dir), "--top-k", "40", "--per-gene",
                            "1", "--output", str(out)])
    assert r.exit_code == 0, r.output
    scored = int(r.output.split("scored ", 1)[1].split(" candidate", 1)[0].replace(",", ""))
    n = 3973
    assert n <= scored < n * (n - 1) // 2 - 169_595  # stage 1, not every unknown pair
    df = pd.read_csv(out, sep="\t")
    assert len(df) >= 40
    run = Run.open(str(run_dir))
    fitted = run.load_fitted(sample_db)  # what a notebook gets: calibrated, with EP
    assert not fitted.predictor.exhaustive
    idx = {g: i for i, g in enumerate(run.load_genes()["gene_id"])}
    pairs = np.array([[idx[a], idx[b]] for a, b in zip(df["gene_a"], df["gene_b"],
                                                       strict=True)])
    assert fitted.probability(pairs) == pytest.approx(df["score"].to_numpy(), abs=1e-5)


def test_score_cli_reports_pairs_a_user_brings(sample_db: Database, trained: dict[str, str],
                                               runs: Path, tmp_path: Path) -> None:
    f = tmp_path / "screen.tsv"
    f.write_text("dnaA\tdnaN\ndnaA\trecA\nnotAGene\tdnaA\n")
    r = runner.invoke(app, ["score", "--run", trained["1"], "--pairs", str(f), "--format",
                            "tsv"], env={"GENEKG_RUNS_DIR": str(runs)})
    assert r.exit_code == 0, r.output
    rows = [ln.split("\t") for ln in r.output.splitlines()[1:] if ln.strip()]
    status = [x[2] for x in rows]
    assert status[2] == "unknown gene: notAGene" and len(rows) == 3
    assert set(status[:2]) <= {"scored", "known interaction"}
    for x in rows[:2]:
        assert 0.0 <= float(x[3]) <= 1.0 and float(x[5]) >= 1  # score, rank of b for a
    bad = tmp_path / "bad.tsv"
    bad.write_text("dnaA\n")
    r = runner.invoke(app, ["score", "--run", trained["1"], "--pairs", str(bad)],
                      env={"GENEKG_RUNS_DIR": str(runs)})
    assert r.exit_code == 1 and "bad.tsv:1" in r.output


def test_retrieval_experiment_ranks_held_out_pairs_among_all(sample_db: Database,
                                                             tmp_path: Path) -> None:
    r = runner.invoke(app, ["--seed", "2", "evaluate", "-o", "ecoli", "--source", "biogrid",
                            "--experiment", "retrieval", "--methods", "spectral-reg,l3,pa",
                            "--dim", "32", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "recall@1000" in r.output and "ranked among all candidate pairs" in r.output
    df = pd.read_csv(tmp_path / "results.csv").set_index("method")
    assert set(df.index) == {"spectral-reg", "l3", "pa"}
    assert (df["ceiling"] == 1.0).all()  # every pair is ranked by these methods
    # real E. coli: paths of length 3 rank held-out partners far above degree products
    cell = {(m, c): float(df.loc[m, c]) for m in ("l3", "pa")  # type: ignore[arg-type]
            for c in ("recall@10000", "mrr")}
    assert cell["l3", "recall@10000"] > 1.5 * cell["pa", "recall@10000"]
    assert cell["l3", "mrr"] > cell["pa", "mrr"]
    assert (tmp_path / "retrieval_recall.png").stat().st_size > 1000


def test_gds_projection_holds_training_edges_only(sample_db: Database) -> None:
    net, _ = Selection(resolve_organism("ecoli"), source="biogrid").pull(sample_db)
    split = split_edges(net.edges, len(net.genes), seed=4)
    name = G.project_training_graph(sample_db, net.genes, split.train)
    try:
        rows = sample_db.scalar(
            "CALL gds.graph.relationships.stream($g) YIELD sourceNodeId, targetNodeId "
            "RETURN collect([gds.util.asNode(sourceNodeId).id, "
            "gds.util.asNode(targetNodeId).id]) AS r", {"g": name})
        nodes = sample_db.scalar("CALL gds.graph.list($g) YIELD nodeCount RETURN nodeCount",
                                 {"g": name})
    finally:
        G.drop_graph(sample_db, name)
    idx = net.index
    got = np.sort(np.array([[idx[a], idx[b]] for a, b in rows]), axis=1)
    codes = set(encode(got, len(net.genes)).tolist())
    assert codes == set(encode(split.train, len(net.genes)).tolist())
    assert not codes & set(encode(split.test_pos, len(net.genes)).tolist())
    assert not codes & set(encode(split.val_pos, len(net.genes)).tolist())
    assert nodes == len(net.genes)  # isolated genes are projected too


def test_evaluate_with_gds_baselines_on_subnetwork(sample_db: Database) -> None:
    genes = sample_db.scalar(
        "MATCH (g:Gene {organism: 511145})-[r:INTERACTS_WITH]-() WITH g, count(r) AS d "
        "ORDER BY d DESC SKIP 100 LIMIT 600 RETURN collect(g.id) AS ids")
    sel = Selection(resolve_organism("ecoli"), source="biogrid", dataset="precise278_sample",
                    genes=genes)
    from genekg.gne.model import GNEConfig

    rep = evaluate_protocol(sample_db, sel, ["node2vec", "deepwalk", "fastrp",
                                             "node2vec+expr", "expr-corr", "pa"],
                            seeds=[3], negatives=["uniform"], cfg=GNEConfig(dim=32))
    by = {r["method"]: r for r in rep.rows}
    assert set(by) == {"node2vec", "deepwalk", "fastrp", "node2vec+expr", "expr-corr", "pa"}
    assert by["node2vec"]["auroc"] > 0.6
    assert sample_db.scalar("CALL gds.graph.list() YIELD graphName RETURN count(*) AS n") == 0


def test_evaluate_cli_writes_table_and_files(sample_db: Database, tmp_path: Path) -> None:
    r = runner.invoke(app, ["--seed", "5", "evaluate", "-o", "ecoli", "--source", "biogrid",
                            "--methods", "gne,spectral,pa", "--negatives", "uniform,degree",
                            "--out", str(tmp_path), *FAST])
    assert r.exit_code == 0, r.output
    assert "│ pa " in r.output and "AUROC" in r.output and "degree" in r.output
    assert "Brier" in r.output
    df = pd.read_csv(tmp_path / "results.csv")
    assert set(df["method"]) == {"gne", "spectral", "pa"} and len(df) == 6
    for f in ("roc_uniform.png", "pr_degree.png", "reliability_uniform.png", "run.json"):
        assert (tmp_path / f).stat().st_size > 1000


def test_too_small_selection_is_a_clear_error(sample_db: Database) -> None:
    r = runner.invoke(app, ["train", "-o", "ecoli", "--source", "biogrid", "--genes",
                            "dnaA,dnaN,recF", *FAST])
    assert r.exit_code == 1
    assert "too small to split" in r.output or "no INTERACTS_WITH" in r.output


def test_predict_idempotent_coexisting_runs_and_delete(
    sample_db: Database, trained: dict[str, str], runs: Path
) -> None:
    env = {"GENEKG_RUNS_DIR": str(runs)}
    a, b = trained["1"], trained["2"]
    r = runner.invoke(app, ["predict", "--run", a, "--top-k", "300"], env=env)
    assert r.exit_code == 0, r.output
    assert pred_count(sample_db, a) == 300
    r = runner.invoke(app, ["predict", "--run", a, "--top-k", "300"], env=env)
    assert r.exit_code == 0 and pred_count(sample_db, a) == 300  # replaced, not added
    r = runner.invoke(app, ["predict", "--run", b, "--per-gene", "2", "--top-k", "200"],
                      env=env)
    assert r.exit_code == 0, r.output
    # the union: the 200 best pairs plus every gene's 2 best partners
    assert pred_count(sample_db, b) > 200 and pred_count(sample_db, a) == 300
    genes_b = sample_db.scalar("MATCH (g:Gene)-[:PREDICTED_INTERACTION {run_id: $r}]-() "
                               "RETURN count(DISTINCT g) AS n", {"r": b})
    run_genes = len(pd.read_parquet(runs / b / "embeddings.parquet"))
    assert genes_b == run_genes  # every gene of the run has its answer
    # no predicted edge duplicates a known interaction, and each pair is stored once
    assert sample_db.scalar("MATCH (x)-[:PREDICTED_INTERACTION]->(y) "
                            "WHERE EXISTS { (x)-[:INTERACTS_WITH]-(y) } OR x.id > y.id "
                            "RETURN count(*) AS n") == 0
    props = sample_db.run("MATCH ()-[p:PREDICTED_INTERACTION {run_id: $r, rank: 1}]->() "
                          "RETURN properties(p) AS p", {"r": a})[0]["p"]
    assert {"score", "rank", "model", "run_id", "created_at", "shared_partners",
            "shares_pathway", "shares_drug_target", "percentile", "pathways", "drugs",
            "expected_precision",
            "shared_partner_names"} <= set(props)
    # Browser caption: each gene's own rank (the global #1 is #1 of both) and the
    # expected precision, not a raw float
    assert props["gene_ranks"] == [1, 1]
    assert props["caption"].startswith("#1 of ")
    assert props["caption"].endswith(f" · EP {100 * props['expected_precision']:.2g}%")
    assert len(props["shared_partner_names"]) == min(5, props["shared_partners"])
    assert 0.0 <= props["score"] <= 1.0 and 90.0 <= props["percentile"] <= 100.0
    r = runner.invoke(app, ["predictions", "list"])
    assert r.exit_code == 0 and a[:10] in r.output
    # --genes adds the genes' partners to the run's set (idempotent), never replaces it
    q = ("MATCH (:Gene {id: '511145:dnaA'})-[p:PREDICTED_INTERACTION {run_id: $r}]-() "
         "RETURN count(p) AS n")
    before_dnaa = sample_db.scalar(q, {"r": a})
    for _ in range(2):
        r = runner.invoke(app, ["predict", "--run", a, "--genes", "dnaA", "--top-k", "5"],
                          env=env)
        assert r.exit_code == 0, r.output
        assert sample_db.scalar(q, {"r": a}) == 5
        assert pred_count(sample_db, a) == 300 - before_dnaa + 5
    r = runner.invoke(app, ["predictions", "delete", "--run", b])
    assert r.exit_code == 0 and pred_count(sample_db, b) == 0 and pred_count(sample_db, a) >= 300


class _DiesMidWrite:
    """The real database, except that genekg is killed (`kill -9`) before the third batch:
    nothing runs after it, neither the discard of its pending edges nor the unlock."""

    def __init__(self, db: Database) -> None:
        self.db, self.batches, self.dead = db, 0, False

    def run(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        if query == "predict/write_edges":
            self.batches += 1
            if self.batches == 3:
                self.dead = True
        if self.dead:
            raise ServiceUnavailable("killed")
        return self.db.run(query, params)

    def scalar(self, query: str, params: Any = None) -> Any:
        rows = self.run(query, params)
        return next(iter(rows[0].values())) if rows else None


def _old_set_and_a_new_one(db: Database, trained: dict[str, str], runs: Path, n: int,
                           score: float) -> tuple[str, str, list[dict[str, Any]],
                                                  list[dict[str, Any]], PredictResult]:
    """Run 1's top 120 written through predict, what top_partners shows of its best gene,
    and a new set of `n` of those pairs at one `score` to write over it."""
    a = trained["1"]
    r = runner.invoke(app, ["predict", "--run", a, "--top-k", "120"],
                      env={"GENEKG_RUNS_DIR": str(runs)})
    assert r.exit_code == 0, r.output
    top = load_query("top_partners").text
    old = db.run("MATCH (x)-[p:PREDICTED_INTERACTION {run_id: $r}]->(y) RETURN x.id "
                 "AS a, y.id AS b ORDER BY p.rank", {"r": a})
    first = db.run(top, {"gene": old[0]["a"], "limit": 3, "run": a})
    preds = [Prediction(x["a"], x["b"], score, rank=i + 1) for i, x in enumerate(old[:n])]
    return a, top, old, first, PredictResult(a, "gne", preds, 0, 0.0, 0)


def test_write_back_is_all_or_nothing_for_readers(
    sample_db: Database, trained: dict[str, str], runs: Path
) -> None:
    a, top, old, first, res = _old_set_and_a_new_one(sample_db, trained, runs, 110, 0.5)
    # A new set (other scores) written in batches of 50; the server dies at batch 3.
    with pytest.raises(ServiceUnavailable):
        write_predictions(_DiesMidWrite(sample_db), res, batch=50)
    assert pred_count(sample_db, a) == 120  # readers still see the complete old set
    assert sample_db.run(top, {"gene": old[0]["a"], "limit": 3, "run": a}) == first
    # ... and so does any query a user writes: the 100 pending edges are another type
    raw = "MATCH ()-[p:PREDICTED_INTERACTION {run_id: $r}]->() RETURN count(p) AS n"
    pending = "MATCH ()-[p:PENDING_PREDICTION {run_id: $r}]->() RETURN count(p) AS n"
    assert sample_db.scalar(raw, {"r": a}) == 120 and sample_db.scalar(pending, {"r": a}) == 100
    # The killed writer's lock names a process that no longer exists: the next predict
    # takes it over, collects the leftovers and completes: the new set, whole.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    sample_db.run("MATCH (r:PredictionRun {id: $r}) SET r.writer_pid = $pid",
                  {"r": a, "pid": int(gone.stdout)})
    write_predictions(sample_db, res, batch=50)
    assert pred_count(sample_db, a) == 110
    assert sample_db.scalar(raw, {"r": a}) == 110 and sample_db.scalar(pending, {"r": a}) == 0
    assert sample_db.scalar("MATCH (r:PredictionRun {id: $r}) RETURN r.writer_token AS t",
                            {"r": a}) is None
    assert {r["score"] for r in sample_db.run(top, {"gene": old[0]["a"], "limit": 50,
                                                    "run": a})} == {0.5}


class _SmallHeap(_DiesMidWrite):
    """The real database, except that it refuses the one-transaction flip as a server at a
    small heap does (the code and text Neo4j 5.26 sends), and can die before the switch."""

    def __init__(self, db: Database, die_before: str | None = None) -> None:
        super().__init__(db)
        self.die_before = die_before

    def run(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        from neo4j.exceptions import Neo4jError

        if query == "predict/flip_full":
            raise Neo4jError._hydrate_neo4j(
                code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                message="The allocation of an extra 2.0 MiB would use more than the limit "
                "1.4 GiB.")
        if query == self.die_before:
            raise ServiceUnavailable("killed")
        return self.db.run(query, params)


def test_a_set_too_large_for_one_flip_switches_in_batches_on_the_real_server(
    sample_db: Database, trained: dict[str, str], runs: Path
) -> None:
    a, top, old, first, res = _old_set_and_a_new_one(sample_db, trained, runs, 90, 0.25)
    # killed after the copies, before the switch: the library still reads the old set
    with pytest.raises(ServiceUnavailable):
        write_predictions(_SmallHeap(sample_db, die_before="predict/flip_live"), res,
                          batch=40)
    assert pred_count(sample_db, a) == 120
    assert sample_db.run(top, {"gene": old[0]["a"], "limit": 3, "run": a}) == first
    sample_db.run("MATCH (r:PredictionRun {id: $r}) REMOVE r.writer_token", {"r": a})
    # the next write collects the copies and switches whole
    assert write_predictions(_SmallHeap(sample_db), res, batch=40) == 90
    raw = "MATCH ()-[p:PREDICTED_INTERACTION {run_id: $r}]->() RETURN count(p) AS n"
    pending = "MATCH ()-[p:PENDING_PREDICTION {run_id: $r}]->() RETURN count(p) AS n"
    assert pred_count(sample_db, a) == 90 == sample_db.scalar(raw, {"r": a})
    assert sample_db.scalar(pending, {"r": a}) == 0
    assert {r["score"] for r in sample_db.run(top, {"gene": old[0]["a"], "limit": 50,
                                                    "run": a})} == {0.25}


def test_dry_run_and_output_write_nothing(sample_db: Database, trained: dict[str, str],
                                          runs: Path, tmp_path: Path) -> None:
    env = {"GENEKG_RUNS_DIR": str(runs)}
    before = pred_count(sample_db)
    r = runner.invoke(app, ["predict", "--run", trained["2"], "--top-k", "20", "--dry-run"],
                      env=env)
    assert r.exit_code == 0 and r.output.count("\n") >= 21
    # a cut taken from the run's own best scores: what a 2-epoch model reaches varies
    top = tmp_path / "top.tsv"
    r = runner.invoke(app, ["predict", "--run", trained["2"], "--top-k", "20",
                            "--output", str(top)], env=env)
    assert r.exit_code == 0, r.output
    cut = float(pd.read_csv(top, sep="\t")["score"].iloc[9])
    out = tmp_path / "p.tsv"
    r = runner.invoke(app, ["predict", "--run", trained["2"], "--min-score", str(cut),
                            "--output", str(out)], env=env)
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, sep="\t")
    assert len(df) > 0 and (df["score"] >= cut).all()
    assert pred_count(sample_db) == before


def test_predict_bad_input(sample_db: Database, trained: dict[str, str], runs: Path) -> None:
    env = {"GENEKG_RUNS_DIR": str(runs)}
    r = runner.invoke(app, ["predict", "--run", "no-such-run"], env=env)
    assert r.exit_code == 1 and "no training run" in r.output
    r = runner.invoke(app, ["predict", "--run", trained["1"], "--genes", "notagene"], env=env)
    assert r.exit_code == 1 and "not in run" in r.output
    # a run whose genes belong to another database
    other = runs / "other-db-run"
    shutil.copytree(runs / trained["1"], other)
    genes = pd.read_parquet(other / "genes.parquet")
    genes["gene_id"] = "999:" + genes["gene_id"]
    genes.to_parquet(other / "genes.parquet")
    before = pred_count(sample_db)
    r = runner.invoke(app, ["predict", "--run", str(other)], env=env)
    assert r.exit_code == 1 and "not in this database" in r.output
    assert pred_count(sample_db) == before


def test_predict_for_genes(sample_db: Database, trained: dict[str, str], runs: Path) -> None:
    r = runner.invoke(app, ["predict", "--run", trained["2"], "--genes", "dnaA,recA",
                            "--top-k", "10", "--dry-run"], env={"GENEKG_RUNS_DIR": str(runs)})
    assert r.exit_code == 0, r.output
    rows = [ln.split("\t") for ln in r.output.splitlines() if ln.startswith(("1\t", "2\t"))]
    assert rows and all("511145:dnaA" in x or "511145:recA" in x for x in rows)


def test_every_library_query_explains_and_returns_rows(
        sample_db: Database, trained: dict[str, str], runs: Path, tmp_path: Path) -> None:
    # Every query of the library runs with parameters that must return rows: the E. coli
    # runs' predictions, plus a few predicted pairs among the sample's human genes written
    # through the real write path (a pathway's members, a drug's target, a cell line's
    # mutated gene, a known pair) and one HELPS_PREDICT edge through the expression writer.
    env = {"GENEKG_RUNS_DIR": str(runs)}
    a = trained["1"]
    assert runner.invoke(app, ["predict", "--run", a, "--top-k", "300"], env=env).exit_code == 0
    assert runner.invoke(app, ["predict", "--run", trained["2"], "--top-k", "300"],
                         env=env).exit_code == 0
    top = sample_db.run("MATCH (x)-[p:PREDICTED_INTERACTION {run_id: $r, rank: 1}]->(y) "
                        "RETURN x.symbol AS a, y.symbol AS b, p.score AS s", {"r": a})[0]
    pw = sample_db.run("MATCH (p:Pathway)<-[:IN_PATHWAY]-(g:Gene) WITH p, collect(g) AS gs "
                       "WHERE size(gs) >= 2 RETURN p.id AS p, gs[0].id AS a, gs[1].id AS b "
                       "ORDER BY p LIMIT 1")[0]
    dr = sample_db.run("MATCH (d:Drug)-[:TARGETS]->(t:Gene) RETURN d.name AS d, t.id AS t "
                       "ORDER BY d, t LIMIT 1")[0]
    cl = sample_db.run("MATCH (c:CellLine)-[:HAS_MUTATION]->(g:Gene) RETURN c.name AS c, "
                       "g.id AS g ORDER BY c, g LIMIT 1")[0]
    kn = sample_db.run("MATCH (x:Gene)-[i:INTERACTS_WITH]->(y:Gene) RETURN x.id AS a, "
                       "y.id AS b, i.seen_in[0] AS tag ORDER BY a, b LIMIT 1")[0]
    pairs = [(pw["a"], pw["b"]), (dr["t"], pw["a"]), (cl["g"], pw["b"]), (kn["a"], kn["b"])]
    preds = [Prediction(x, y, 0.9 - 0.1 * k, rank=k + 1) for k, (x, y) in enumerate(pairs)
             if x != y]
    write_predictions(sample_db, PredictResult("library-check", "test", preds, 0, 0.0, 0))
    sample_db.run("expression/replace_helps", {
        "cell": "LIBCHECK", "run": "library-check", "seed": 0,
        "rows": [{"src": pw["a"], "dst": pw["b"], "rank": 1, "importance": 0.5}]})
    target = sample_db.scalar("MATCH (g:Gene {id: $g}) RETURN g.symbol AS s", {"g": pw["b"]})
    # A second E. coli release holding three of the sample's pairs (no new pair or gene):
    # release_diff lists the sample's other pairs as absent from it
    known = sample_db.run("MATCH (x:Gene {organism: 511145})-[:INTERACTS_WITH]->(y:Gene) "
                          "RETURN x.symbol AS a, y.symbol AS b ORDER BY a, b LIMIT 3")
    (tmp_path / "libcheck.csv").write_text("".join(f"{r['a']},{r['b']}\n" for r in known))
    r = runner.invoke(app, ["ingest", "biogrid", str(tmp_path / "libcheck.csv"), "-o", "ecoli",
                            "--release", "libcheck"])
    assert r.exit_code == 0 and "pairs of earlier releases absent from it" in r.output, r.output
    params = {
        "top_partners": {"gene": top["a"], "limit": 5, "run": a},
        "confirmed_by_release": {"run": "library-check", "tag": kn["tag"], "limit": 5},
        "predicted_in_pathway": {"pathway": pw["p"], "limit": 5},
        "drug_target_partners": {"drug": dr["d"], "limit": 5},
        "cell_line_mutated_predictions": {"cell_line": cl["c"], "limit": 5},
        "compare_runs": {"run_a": a, "run_b": trained["2"], "limit": 5},
        "score_histogram": {"run": a, "tag": kn["tag"]},
        "helps_predict": {"gene": target, "limit": 5},
        "runs": {},
        "release_diff": {"old": "biogrid@gne-2019", "new": "libcheck", "limit": 5},
    }
    names = [n.removeprefix("queries/") for n in query_names("queries/")]
    assert sorted(names) == sorted(params)
    try:
        for name in names:
            q = load_query(name)
            assert q.doc, f"{name} lacks a header comment"
            sample_db.run("EXPLAIN " + q.text, params[name])
            rows = sample_db.run(q.text, params[name])
            assert rows, f"{name} returned no rows with {params[name]}"
            if name == "top_partners":  # full precision, and the columns that differ
                assert rows[0]["score"] == pytest.approx(top["s"], abs=1e-9)
                assert rows[0]["in_gene_list"] == 1 and 0 < rows[0]["expected_precision"] <= 1
                assert [r["in_gene_list"] for r in rows] == sorted(r["in_gene_list"]
                                                                   for r in rows)
                assert {"in_partner_list", "strongest_path", "kegg_relation",
                        "shared_pathways"} <= set(rows[0])
            if name == "runs":
                assert any(r["run_id"] == a and r["edges"] == 300 for r in rows)
            if name == "score_histogram":
                assert sum(r["predictions"] for r in rows) == 300
                assert all(r["fraction_confirmed"] == 0 for r in rows)  # known pairs excluded
            if name == "confirmed_by_release":
                assert {r["rank"] for r in rows} == {4}  # only the known pair
            if name == "release_diff":
                assert {r["change"] for r in rows} == {"absent"} and len(rows) == 5
            if name == "compare_runs":
                assert rows[0]["found_in"] in ("both", "only a", "only b")
            if name == "helps_predict":
                assert rows[0]["importance"] == 0.5
    finally:
        delete_run(sample_db, "library-check")
        sample_db.run("MATCH ()-[h:HELPS_PREDICT {cell_line: $c}]->() DELETE h",
                      {"c": "LIBCHECK"})
    r = runner.invoke(app, ["query", "top_partners", "-p", f"gene={top['a']}", "-p",
                            f"run={a}"])
    assert r.exit_code == 0 and top["b"] in r.output
    r = runner.invoke(app, ["query", "top_partners"])
    assert r.exit_code == 1 and "needs parameter" in r.output
    # a release that is not loaded: the answer names the ones that are
    r = runner.invoke(app, ["query", "release_diff", "-p", "old=nosuch", "-p", "new=libcheck"],
                      terminal_width=300)
    assert r.exit_code == 0 and "old=nosuch" in r.output
    assert "Releases loaded:" in r.output and "biogrid@libcheck" in r.output


def test_browser_http_endpoint_returns_predicted_edges(
    sample_db: Database, server: ServerManager, trained: dict[str, str], runs: Path
) -> None:
    runner.invoke(app, ["predict", "--run", trained["1"], "--top-k", "50"],
                  env={"GENEKG_RUNS_DIR": str(runs)})
    pw = sample_db.settings.password or ""
    body = json.dumps({"statements": [{"statement": "MATCH (a)-[p:PREDICTED_INTERACTION]->(b) "
                                       "RETURN a.symbol, b.symbol, p.score LIMIT 10"}]}).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{server.config.http_port}/db/neo4j/tx/commit", data=body,
        headers={"Content-Type": "application/json",
                 "Authorization": "Basic " + base64.b64encode(f"neo4j:{pw}".encode()).decode()})
    with urllib.request.urlopen(req, timeout=20) as resp:
        data = json.loads(resp.read())
    assert not data["errors"]
    assert len(data["results"][0]["data"]) == 10


def test_cytoscape_export_reads_back_in_networkx_and_ndex2(
        sample_db: Database, trained: dict[str, str], runs: Path, tmp_path: Path) -> None:
    """`genekg export cytoscape`: the GraphML reads back in NetworkX and the CX2 in NDEx's
    own reader (ndex2) with the same nodes, edges and attributes as the graph holds."""
    import networkx as nx
    from ndex2.cx2 import CX2Network

    a = trained["1"]
    env = {"GENEKG_RUNS_DIR": str(runs)}
    assert runner.invoke(app, ["predict", "--run", a, "--top-k", "200"], env=env).exit_code == 0
    assert runner.invoke(app, ["predict", "--run", a, "--genes", "dnaA", "--top-k", "5"],
                         env=env).exit_code == 0  # dnaA's own best partners join the set
    want = sample_db.run(
        "MATCH (g:Gene {symbol: 'dnaA'}) "
        "OPTIONAL MATCH (g)-[:INTERACTS_WITH]-(k:Gene) WITH g, collect(DISTINCT k.id) AS known "
        "OPTIONAL MATCH (g)-[p:PREDICTED_INTERACTION {run_id: $r}]-(q:Gene) "
        "RETURN g.id AS id, known, collect(DISTINCT q.id) AS predicted", {"r": a})[0]
    hood = {want["id"], *want["known"], *want["predicted"]}
    for suffix in ("graphml", "cx2"):
        out = tmp_path / f"dnaA.{suffix}"
        r = runner.invoke(app, ["export", "cytoscape", "--gene", "dnaA", "--hops", "1",
                                "--run", a, "--include", "pathways", "-o", str(out)],
                          terminal_width=200)
        assert r.exit_code == 0, r.output
    g = nx.read_graphml(tmp_path / "dnaA.graphml")
    genes = {n for n, d in g.nodes(data=True) if d["label"] == "Gene"}
    assert genes == hood and g.nodes[want["id"]]["seed"] is True
    pred = [d for *_, d in g.edges(data=True) if d["interaction"] == "PREDICTED_INTERACTION"]
    assert len(pred) >= 5 and all(0.0 <= d["score"] <= 1.0 and d["run_id"] == a for d in pred)
    # Super nodes on request: a gene in pathways, alone (--hops 0), with its pathways.
    inp = sample_db.run("MATCH (x:Gene)-[:IN_PATHWAY]->(p:Pathway) RETURN x.id AS id, "
                        "count(p) AS n ORDER BY n DESC, id LIMIT 1")[0]
    r = runner.invoke(app, ["export", "cytoscape", "--gene", inp["id"], "--hops", "0",
                            "--include", "pathways", "-o", str(tmp_path / "pw.graphml")])
    assert r.exit_code == 0, r.output
    pw = nx.read_graphml(tmp_path / "pw.graphml")
    assert sum(d["label"] == "Pathway" for _, d in pw.nodes(data=True)) == inp["n"] > 0
    assert sum(d["interaction"] == "IN_PATHWAY" for *_, d in pw.edges(data=True)) == inp["n"]
    known = sample_db.scalar("MATCH (x:Gene)-[e:INTERACTS_WITH]->(y:Gene) "
                             "WHERE x.id IN $ids AND y.id IN $ids RETURN count(e) AS n",
                             {"ids": sorted(hood)})
    assert sum(d["interaction"] == "INTERACTS_WITH" for *_, d in g.edges(data=True)) == known
    cx = CX2Network()
    cx.create_from_raw_cx2(str(tmp_path / "dnaA.cx2"))
    assert len(cx.get_nodes()) == g.number_of_nodes()
    assert len(cx.get_edges()) == g.number_of_edges()
    decl = cx.get_attribute_declarations()
    assert decl["edges"]["score"]["d"] == "double" and decl["nodes"]["name"]["d"] == "string"
    assert cx.get_visual_properties()  # the shipped style travels with the network
    # Bad input: one line each, before anything is written.
    for args, msg in ((["--gene", "noSuchGene"], "no gene 'noSuchGene'"),
                      (["--gene", "dnaA", "--run", "no-run"], "no predictions of run"),
                      (["--gene", "dnaA", "-o", str(tmp_path / "x.txt")], ".cx2 or .graphml")):
        o = [] if "-o" in args else ["-o", str(tmp_path / "bad.cx2")]
        r = runner.invoke(app, ["export", "cytoscape", *args, *o], terminal_width=200)
        assert r.exit_code == 1 and msg in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "bad.cx2").exists()


def test_triples_export_round_trips_through_pandas(sample_db: Database, tmp_path: Path
                                                   ) -> None:
    out = tmp_path / "kg"
    r = runner.invoke(app, ["export", "triples", "--out", str(out)], terminal_width=200)
    assert r.exit_code == 0, r.output
    t = pd.read_parquet(out / "triples.parquet")
    assert list(t.columns) == ["head", "relation", "tail", "source", "release"]
    for rel in ("INTERACTS_WITH", "IN_PATHWAY", "TARGETS", "HAS_MUTATION"):
        n = sample_db.scalar(f"MATCH ()-[e:{rel}]->() RETURN count(e) AS n")
        assert (t["relation"] == rel).sum() == n, rel
    assert "PREDICTED_INTERACTION" not in set(t["relation"])
    genes = pd.read_parquet(out / "nodes_Gene.parquet")
    assert set(t.loc[t["relation"] == "INTERACTS_WITH", "head"]) <= set(genes["id"])
    # every endpoint has its row in a node table (what PyG's index needs)
    ids = set().union(*(set(pd.read_parquet(f)["id"]) for f in out.glob("nodes_*.parquet")))
    assert set(t["head"]) | set(t["tail"]) <= ids
    assert genes["organism"].dtype.kind == "i"
    r = runner.invoke(app, ["export", "triples", "--out", str(out)])  # never over a result
    assert r.exit_code == 1 and "not empty" in r.output


def test_the_notebook_example_runs(sample_db: Database, trained: dict[str, str], runs: Path
                                   ) -> None:
    """examples/notebook_tour.py, executed as a user would, against the test server."""
    a = trained["2"]
    env = {**os.environ, "GENEKG_RUNS_DIR": str(runs)}
    assert runner.invoke(app, ["predict", "--run", a, "--top-k", "100"],
                         env={"GENEKG_RUNS_DIR": str(runs)}).exit_code == 0
    script = Path(__file__).resolve().parents[2] / "examples" / "notebook_tour.py"
    proc = subprocess.run([sys.executable, str(script), a],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "top partners of" in proc.stdout and "1-hop neighbourhood" in proc.stdout
    assert "unknown gene: no-such-gene" in proc.stdout


def test_kg_genes_are_every_human_gene_the_sample_kg_places(sample_db: Database) -> None:
    """`pull/kg_genes` (what `--kg-genes` adds to a run) on the real server: every human
    gene the sample's KGML, drug targets and cell-line mutations place, once; narrowed by
    a pathway or a gene list; E. coli genes (no KG in the sample) never."""
    from genekg.loaders import get_loader
    from genekg.sample import sample_plan

    placed: set[str] = set()
    members: dict[str, set[str]] = {}
    for source, path, opts in sample_plan():
        if source not in ("kegg", "drugs", "cell-lines"):
            continue
        for (rel, sl, el), table in get_loader(source).load(path, opts).edges.items():
            for s, e in table:
                placed |= {x for x, lab in ((s, sl), (e, el)) if lab == "Gene"}
                if rel == "IN_PATHWAY":
                    members.setdefault(e, set()).add(s)
    human = {g for g in placed if g.startswith("9606:")}
    got = sample_db.scalar("pull/kg_genes", {"taxon": 9606, "pathway": None, "genes": None})
    assert len(got) == len(set(got)) and set(got) == human and len(human) > 100
    assert sample_db.scalar("pull/kg_genes", {"taxon": 511145, "pathway": None,
                                              "genes": None}) == []
    pid, genes = max(members.items(), key=lambda kv: len(kv[1]))
    assert set(sample_db.scalar("pull/kg_genes", {"taxon": 9606, "pathway": pid,
                                                  "genes": None})) == genes
    two = [*sorted(genes)[:2], "9606:NOT_A_GENE"]
    assert sorted(sample_db.scalar("pull/kg_genes", {"taxon": 9606, "pathway": None,
                                                     "genes": two})) == two[:2]
