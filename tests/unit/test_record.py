"""The run contract (one record, one seed policy) and the experiment registry."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from genekg.errors import GenekgError
from genekg.linkpred.experiments import EXPERIMENTS, get_experiment
from genekg.record import RunRecord, seed_everything


def test_run_record_round_trips_and_carries_versions(tmp_path: Path) -> None:
    rec = RunRecord(command="evaluate", run_id="r1", seed=7, config={"a": np.int64(3)},
                    data={"sha": "x" * 64}, metrics={"auroc": np.float32(0.5)}, seconds=1.5)
    path = rec.write(tmp_path / "out")
    raw = json.loads(path.read_text())
    assert raw["config"] == {"a": 3} and raw["metrics"] == {"auroc": 0.5}
    assert raw["versions"]["numpy"] == np.__version__ and raw["started"]
    back = RunRecord.read(tmp_path / "out")
    assert back.seed == 7 and back.command == "evaluate" and back.config == {"a": 3}


def test_a_staged_run_records_its_final_id_and_the_time_it_began(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from genekg.linkpred.runs import Run

    with Run.staged("20261207-120000-auto-human-s1", tmp_path) as run:
        assert run.path.name.endswith(".partial")  # written under a staging name …
        RunRecord(command="train", run_id=run.id, seed=1, config={},
                  seconds=480.0).write(run.path)
    rec = Run.open("20261207-120000-auto-human-s1", tmp_path).record
    assert rec.run_id == "20261207-120000-auto-human-s1"  # … but records its own
    began = datetime.fromisoformat(rec.started)
    assert abs((datetime.now(UTC) - began).total_seconds() - 480) < 5


def test_a_folder_without_a_record_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GenekgError, match="no run record"):
        RunRecord.read(tmp_path)
    (tmp_path / "run.json").write_text('{"not": "a record"}')
    with pytest.raises(GenekgError, match="not a genekg run record"):
        RunRecord.read(tmp_path)


def test_seed_everything_fixes_python_numpy_and_torch() -> None:
    def draw() -> tuple[float, float, float]:
        return random.random(), float(np.random.rand()), float(torch.rand(1))

    seed_everything(11)
    a = draw()
    seed_everything(11)
    assert draw() == a
    seed_everything(12)
    assert draw() != a


def test_experiment_registry_names_every_experiment_and_rejects_unknown() -> None:
    assert list(EXPERIMENTS) == ["protocol", "lambda", "sparsity", "temporal", "retrieval"]
    assert get_experiment("temporal").label
    with pytest.raises(GenekgError) as e:
        get_experiment("crossval")
    assert all(n in (e.value.hint or "") for n in EXPERIMENTS)


def test_evaluate_help_lists_the_experiments_from_the_registry() -> None:
    from typer.testing import CliRunner

    from genekg.cli.main import app

    r = CliRunner().invoke(app, ["evaluate", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert all(name in r.output for name in EXPERIMENTS)


def test_unknown_experiment_or_learner_fails_before_a_seed_is_drawn() -> None:
    from typer.testing import CliRunner

    from genekg.cli.main import app

    r = CliRunner().invoke(app, ["evaluate", "-o", "ecoli", "--experiment", "bogus"])
    assert r.exit_code != 0 and "unknown experiment" in r.output and "drawn" not in r.output
    r = CliRunner().invoke(app, ["expression", "evaluate", "--lincs", "x.gct", "--cell",
                                 "A375", "--learner", "xgb"])
    assert r.exit_code != 0 and "unknown learner" in r.output and "drawn" not in r.output
