"""The λ sweep, sparsity and temporal hold-out experiments on the real server, with two
real yeast BioGRID releases (GreenCUBIC c2 4.2.191 and 4.3.195) and the Spellman 1998
cell-cycle profiles from ../shared/data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.db import Database
from genekg.graphdata import pull_network
from genekg.linkpred.pipeline import temporal_split
from genekg.linkpred.split import encode
from genekg.organisms import resolve_organism

runner = CliRunner()
PPI = ("biogrid/GreenCUBIC_BioGRID-PPI/"
       "Saccharomyces_cerevisiae_S288c-{}_ID_559292_c2_positive_interactions.tsv")
FAST = ["--epochs", "1", "--dim", "16"]
YEAST = resolve_organism("yeast")


@pytest.fixture(scope="module")
def yeast_db(db: Database, wiper: Any, shared_data: Path) -> Iterator[Database]:
    wiper(db)
    orf_map = shared_data / "id_mapping/yeast_uniprot_orf_gene_derived.tsv"
    for release in ("4.2.191", "4.3.195"):
        r = runner.invoke(app, ["ingest", "biogrid", str(shared_data / PPI.format(release)),
                                "--id-map", str(orf_map)])
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["ingest", "expression", str(
        shared_data / "expression/yeast_spellman1998/spellman1998_cellcycle_expr.tsv.gz"),
        "-o", "yeast", "--dataset", "spellman1998"])
    assert r.exit_code == 0, r.output
    yield db
    wiper(db)


def _evaluate(tmp_path: Path, *args: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    out = tmp_path / "out"
    r = runner.invoke(app, ["--seed", "3", "evaluate", "-o", "yeast", "--source", "biogrid",
                            *args, *FAST, "--out", str(out)])
    assert r.exit_code == 0, r.output
    record = json.loads((out / "run.json").read_text())
    assert record["command"] == "evaluate" and record["seed"] == 3
    return pd.read_csv(out / "results.csv"), record["config"]


def test_second_release_records_and_lists_what_changed(yeast_db: Database, shared_data: Path,
                                                       tmp_path: Path) -> None:
    """The 4.3.195 load diffed itself against 4.2.191 (issue 25): its counts equal the set
    differences of the two releases as `pull_network` reads them, and `query release_diff`
    lists exactly those pairs."""
    def pairs(release: str) -> set[frozenset[str]]:
        net = pull_network(yeast_db, YEAST, source="biogrid", release=release)
        return {frozenset((net.genes[a], net.genes[b])) for a, b in net.edges}

    old, new = pairs("4.2.191"), pairs("4.3.195")
    rows = {r["release"]: r["d"] for r in yeast_db.run(
        "MATCH (s:Source {name: 'biogrid'}) RETURN s.release AS release, "
        "s.release_diff AS d")}
    assert rows["4.2.191"] is None  # the first release has nothing to be diffed against
    d = json.loads(rows["4.3.195"])["INTERACTS_WITH 559292"]
    assert d["earlier"] == ["biogrid@4.2.191"]
    assert (d["new_pairs"], d["absent_pairs"], d["kept_pairs"]) == (
        len(new - old), len(old - new), len(new & old))
    assert d["new_pairs"] > 0
    genes = {g for p in new for g in p} - {g for p in old for g in p}
    assert d["new_genes"] == len(genes)
    r = runner.invoke(app, ["query", "release_diff", "-p", "old=4.2.191", "-p",
                            "new=biogrid@4.3.195", "-p", "limit=1000000", "--format", "tsv"])
    assert r.exit_code == 0, r.output
    lines = [line.split("\t") for line in r.output.strip().splitlines()]
    change = lines[0].index("change")
    listed = [row[change] for row in lines[1:]]
    assert listed.count("new") == len(new - old) and listed.count("absent") == len(old - new)
    # A release that drops pairs (here: the first 301 rows of 4.2.191, released as "cut")
    cut = tmp_path / "cut.tsv"
    text = (shared_data / PPI.format("4.2.191")).read_text().splitlines(keepends=True)
    cut.write_text("".join(text[:301]))
    r = runner.invoke(app, ["ingest", "biogrid", str(cut), "-o", "yeast", "--release", "cut",
                            "--id-map", str(shared_data / "id_mapping/"
                                            "yeast_uniprot_orf_gene_derived.tsv")],
                      terminal_width=200)
    assert r.exit_code == 0, r.output
    assert "pairs of earlier releases absent from it" in r.output
    kept = pairs("cut")
    d = json.loads(yeast_db.scalar("MATCH (s:Source {name: 'biogrid', release: 'cut'}) "
                                   "RETURN s.release_diff AS d"))["INTERACTS_WITH 559292"]
    assert sorted(d["earlier"]) == ["biogrid@4.2.191", "biogrid@4.3.195"]
    assert (d["new_pairs"], d["absent_pairs"]) == (0, len(old | new) - len(kept))
    assert 0 < len(kept) <= 301 and d["absent_genes"] > 0  # no header: 301 rows


@pytest.mark.parametrize("negatives", ["uniform", "degree"])
def test_temporal_split_tests_only_new_pairs(yeast_db: Database, negatives: str) -> None:
    old = pull_network(yeast_db, YEAST, source="biogrid", release="4.2.191")
    new = pull_network(yeast_db, YEAST, source="biogrid", release="4.3.195")
    net, split = temporal_split(yeast_db, YEAST, "biogrid", "4.2.191", "4.3.195", seed=3,
                                negatives=negatives)
    n = len(net.genes)
    assert net.genes == old.genes
    old_codes = set(encode(old.edges, n).tolist())
    new_named = {tuple(sorted((new.genes[a], new.genes[b]))) for a, b in new.edges}
    test = split.test_pos
    assert len(test) >= 10
    # Every test positive is new in 4.3.195, between genes of 4.2.191, never a training edge.
    assert not old_codes & set(encode(test, n).tolist())
    assert {tuple(sorted((net.genes[a], net.genes[b]))) for a, b in test} <= new_named
    expected = sum(1 for p in new_named if p[0] in net.index and p[1] in net.index
                   and net.index[p[0]] * n + net.index[p[1]] not in old_codes
                   and net.index[p[1]] * n + net.index[p[0]] not in old_codes)
    assert len(test) == expected
    # Training graph = older release minus validation; negatives are no known pair.
    assert len(split.train) + len(split.val_pos) == len(old.edges)
    # Training/validation negatives are drawn knowing only the older release (excluding
    # future pairs from them would leak the test set); test negatives avoid every known
    # pair and every negative used before.
    for neg in (split.val_neg, split.train_neg):
        assert not old_codes & set(encode(neg, n).tolist())
    used = (old_codes | set(encode(test, n).tolist()) | set(encode(split.val_neg, n).tolist())
            | set(encode(split.train_neg, n).tolist()))
    assert not used & set(encode(split.test_neg, n).tolist())
    assert len(split.test_neg) == len(test)


def test_temporal_cli(yeast_db: Database, tmp_path: Path) -> None:
    df, meta = _evaluate(tmp_path, "--experiment", "temporal", "--old-release", "4.2.191",
                         "--new-release", "4.3.195", "--methods", "pa,cn,spectral",
                         "--seeds", "2")
    assert meta["experiment"] == "temporal"
    # every seed runs (a seed draws the validation split and the negatives)
    assert df.groupby(["method", "negatives"])["seed"].nunique().eq(2).all()
    assert (meta["old_release"], meta["new_release"]) == ("4.2.191", "4.3.195")
    assert set(df["method"]) == {"pa", "cn", "spectral"}
    assert set(df["negatives"]) == {"uniform", "degree"}
    assert df["auroc"].between(0, 1).all()
    # recall of the newer release's pairs among each method's top-k of ALL candidate pairs
    assert df["recall@1000"].between(0, 1).all() and df["recall@20000"].between(0, 1).all()
    assert (df["recall@20000"] >= df["recall@1000"]).all()
    # Releases missing or equal are clear errors, not crashes.
    r = runner.invoke(app, ["evaluate", "-o", "yeast", "--source", "biogrid", "--experiment",
                            "temporal", "--old-release", "4.3.195", "--new-release", "4.3.195",
                            "--methods", "pa", "--out", str(tmp_path / "x")])
    assert r.exit_code != 0 and "new pairs" in r.output


def test_sparsity_cli_fixes_the_test_set(yeast_db: Database, tmp_path: Path) -> None:
    df, _ = _evaluate(tmp_path, "--release", "4.3.195", "--experiment", "sparsity",
                      "--train-fracs", "0.2,0.6", "--methods", "pa,spectral",
                      "--negatives", "uniform")
    edges = len(pull_network(yeast_db, YEAST, source="biogrid", release="4.3.195").edges)
    assert sorted(set(df["train_frac"])) == [0.2, 0.6]
    for tf, g in df.groupby("train_frac"):
        assert (g["train_edges"] == round(float(str(tf)) * edges)).all()
        assert (g["test_edges"] == round(0.1 * edges)).all()
    # The test positives do not depend on the training fraction: same seed, same test set.
    assert df["test_edges"].nunique() == 1


def test_lambda_sweep_cli(yeast_db: Database, tmp_path: Path) -> None:
    df, meta = _evaluate(tmp_path, "--release", "4.3.195", "--dataset", "spellman1998",
                         "--experiment", "lambda", "--lambdas", "0,1", "--negatives", "uniform")
    assert sorted(set(df["lambda"])) == [0.0, 1.0]
    assert list(df.loc[df["lambda"] == 0, "method"]) == ["gne"]
    assert list(df.loc[df["lambda"] == 1, "method"]) == ["gne+expr"]
    assert np.isfinite(df["auroc"]).all()
    assert meta["selection"]["dataset"] == "spellman1998"
    r = runner.invoke(app, ["evaluate", "-o", "yeast", "--experiment", "lambda",
                            "--out", str(tmp_path / "y")])
    assert r.exit_code != 0 and "--dataset" in r.output
