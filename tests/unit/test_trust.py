"""Curator-facing guarantees that need no server: secrets, permissions, clean CLI errors."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.server import manager as mgr

runner = CliRunner()


def test_initial_password_never_in_argv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The password reaches neo4j-admin through a 0600 Java argument file, not argv."""
    seen: list[dict[str, Any]] = []

    def record(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        argfile = Path(cmd[-1].removeprefix("@"))
        seen.append({"argv": cmd, "env": kw.get("env", {}), "file": argfile.read_text(),
                     "mode": stat.S_IMODE(argfile.stat().st_mode)})
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(mgr.subprocess, "run", record)
    home = tmp_path / "neo4j"
    for sub in ("conf", "data/dbms", "logs", "run"):
        (home / sub).mkdir(parents=True)
    (home / "data" / "dbms" / "auth.ini").write_text("x")
    m = mgr.ServerManager(mgr.ServerConfig(home=home))
    m._set_initial_password(Path("/usr/bin/java"), 'pa"ss\\word-42')
    (call,) = seen
    assert not any("pa" in a and "word-42" in a for a in call["argv"])
    assert not any("word-42" in str(v) for v in call["env"].values())
    assert call["mode"] == 0o600
    assert call["file"].strip().endswith('-- "pa\\"ss\\\\word-42"')
    assert not list((home / "run").glob("*.args"))  # removed after use
    # Secrets and data: folders 0700, files 0600.
    for sub in ("conf", "data", "logs", "run"):
        assert stat.S_IMODE((home / sub).stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "data" / "dbms" / "auth.ini").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "conf" / "genekg-password").stat().st_mode) == 0o600


@pytest.mark.parametrize("value", ["abc", "-1", "2.5"])
def test_query_limit_is_checked_before_any_connection(value: str) -> None:
    r = runner.invoke(app, ["--uri", "bolt://127.0.0.1:1", "query", "top_partners",
                            "-p", "gene=TP53", "-p", f"limit={value}"])
    assert r.exit_code == 1
    assert "limit must be a whole number" in r.output
    assert "Traceback" not in r.output


def test_query_unknown_name_lists_the_library() -> None:
    r = runner.invoke(app, ["query", "schema"])
    assert r.exit_code == 1 and "top_partners" in r.output and "Traceback" not in r.output


def test_query_show_prints_unwrapped_cypher() -> None:
    from genekg.db.cypher import load_query

    r = runner.invoke(app, ["query", "top_partners", "--show"], terminal_width=40)
    assert r.exit_code == 0
    assert r.output.strip() == load_query("top_partners").text  # no wrapping at 40 columns


def test_query_tables_show_lists_compactly_and_keep_them_whole_in_tsv(
        capsys: pytest.CaptureFixture[str]) -> None:
    # a table cell shows a list as its first five items and a count; tsv keeps it whole
    from genekg.cli.predict import _rows_table

    rows = [{"partner": "dnaK", "partners_shared": [f"g{i}" for i in range(8)]}]
    _rows_table(rows, "top_partners")
    out = capsys.readouterr().out
    assert "g0, g1, g2, g3, g4 +3" in out and "g7" not in out
    _rows_table(rows, "top_partners", "tsv")
    assert "g7" in capsys.readouterr().out


def test_predict_output_folder_checked_before_scoring(tmp_path: Path) -> None:
    r = runner.invoke(app, ["predict", "--run", "nope", "--output",
                            str(tmp_path / "missing" / "out.tsv")])
    assert r.exit_code == 1 and "does not exist" in r.output and "Traceback" not in r.output


def test_methods_command_lists_the_registry() -> None:
    from genekg.linkpred.methods import METHODS

    r = runner.invoke(app, ["methods"], terminal_width=200)
    assert r.exit_code == 0
    for name in METHODS:
        assert name in r.output
    r = runner.invoke(app, ["--uri", "bolt://127.0.0.1:1", "train", "-o", "ecoli",
                            "--method", "l4"])
    assert r.exit_code == 1 and "unknown method 'l4'" in r.output and "l3" in r.output


def test_a_load_with_another_id_map_is_its_own_source_record(tmp_path: Path) -> None:
    # DrugBank loaded without a map (0 targets), then with one: two Source records, the
    # first one's counts are not overwritten by the second.
    from genekg.ingest.writer import source_fingerprint
    from genekg.loaders.base import Bundle

    f, m = tmp_path / "proteins.tsv", tmp_path / "map.tsv"
    f.write_text("x\n")
    m.write_text("y\n")
    plain = Bundle("drugbank", "5.0", [f])
    mapped = Bundle("drugbank", "5.0", [f], id_maps=[m])
    assert source_fingerprint(plain)[0] != source_fingerprint(mapped)[0]
    assert source_fingerprint(mapped) == source_fingerprint(Bundle("drugbank", "5.0", [f],
                                                                   id_maps=[m]))
