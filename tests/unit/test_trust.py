"""Curator-facing guarantees that need no server: secrets, permissions, clean CLI errors."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.errors import ServerError
from genekg.server import manager as mgr

runner = CliRunner()


# Written by Neo4j 5.26's own `neo4j-admin dbms set-initial-password -- 'vector-pässword-42'`.
NEO4J_ADMIN_AUTH_INI = (
    "neo4j:SHA-256,b67afc26a4ebc707be9adbeb7378dcdf2baf34f80076d646b777f246e2dc008e,"
    "e289b9266a26bf4ee56bbc5ba00f954edcc1f51718f99991f26478339f28789b,1024:")


def test_auth_ini_record_is_the_one_neo4j_admin_writes() -> None:
    salt = bytes.fromhex(NEO4J_ADMIN_AUTH_INI.split(",")[2])
    assert mgr.auth_ini_line("neo4j", "vector-pässword-42", salt) == NEO4J_ADMIN_AUTH_INI
    assert mgr.auth_ini_line("neo4j", "vector-password-42", salt) != NEO4J_ADMIN_AUTH_INI


def test_initial_password_starts_no_process(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    """No subprocess gets the password: it is hashed into data/dbms/auth.ini (0600)."""
    def refuse(*a: Any, **kw: Any) -> None:
        raise AssertionError(f"a process was started: {a}")

    import subprocess  # the module the manager starts processes with

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    home = tmp_path / "neo4j"
    for sub in ("conf", "data", "logs", "run"):
        (home / sub).mkdir(parents=True)
    m = mgr.ServerManager(mgr.ServerConfig(home=home))
    m._set_initial_password('pa"ss\\word-42')
    record = (home / "data" / "dbms" / "auth.ini").read_text().strip()
    assert "word-42" not in record
    salt = bytes.fromhex(record.split(",")[2])
    assert record == mgr.auth_ini_line("neo4j", 'pa"ss\\word-42', salt)
    assert (home / "conf" / "genekg-password").read_text() == 'pa"ss\\word-42\n'
    # Secrets and data: folders 0700, files 0600.
    for sub in ("conf", "data", "logs", "run"):
        assert stat.S_IMODE((home / sub).stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "data" / "dbms" / "auth.ini").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "conf" / "genekg-password").stat().st_mode) == 0o600
    # Once the server has created its system database, the file would be ignored: refuse.
    (home / "data" / "databases" / "system").mkdir(parents=True)
    with pytest.raises(ServerError, match="before the first start"):
        m._set_initial_password("other")


def test_server_environment_carries_no_client_secret(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-env")
    monkeypatch.setenv("NEO4J_AUTH", "neo4j/s3cret-env")
    env = mgr.ServerManager(mgr.ServerConfig(home=tmp_path))._env()
    assert "s3cret-env" not in "".join(env.values())
    assert env["NEO4J_HOME"] == str(tmp_path)


def test_written_conf_turns_reporting_and_remote_content_off(tmp_path: Path) -> None:
    m = mgr.ServerManager(mgr.ServerConfig(home=tmp_path))
    m.write_config()
    conf = dict(line.split("=", 1) for line in
                (tmp_path / "conf" / "neo4j.conf").read_text().splitlines()
                if "=" in line and not line.startswith("#"))
    assert conf["dbms.usage_report.enabled"] == "false"
    assert conf["client.allow_telemetry"] == "false"
    assert conf["browser.remote_content_hostname_whitelist"] == "localhost"
    assert conf["server.default_listen_address"] == "127.0.0.1"


def test_password_file_is_read_and_its_problems_named(tmp_path: Path) -> None:
    from genekg.config import read_password_file
    from genekg.errors import InputError

    f = tmp_path / "pw"
    f.write_text("from-a-file\nignored\n")
    assert read_password_file(f) == "from-a-file"
    f.write_text("\n")
    with pytest.raises(InputError, match="empty"):
        read_password_file(f)
    r = runner.invoke(app, ["--password-file", str(tmp_path / "missing"), "query", "schema"])
    assert r.exit_code == 2 and "cannot read the password file" in r.output
    assert "Traceback" not in r.output
    assert "--password-file" in runner.invoke(app, ["--help"], terminal_width=200).output


def test_a_password_file_others_can_read_is_warned_about(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    from genekg.config import read_password_file

    f = tmp_path / "pw"
    f.write_text("s3cret\n")
    f.chmod(0o600)
    with caplog.at_level("WARNING", logger="genekg"):
        read_password_file(f)
    assert not caplog.records
    f.chmod(0o644)
    with caplog.at_level("WARNING", logger="genekg"):
        assert read_password_file(f) == "s3cret"
    assert "readable by other users (mode 644)" in caplog.text and "chmod 600" in caplog.text
    assert "s3cret" not in caplog.text


@pytest.mark.parametrize(("var", "value"), [("GENEKG_BOOSTER_THREADS", "abc"),
                                            ("GENEKG_INGEST_WRITERS", "abc"),
                                            ("GENEKG_INGEST_WRITERS", "0"),
                                            ("GENEKG_INGEST_WAIT", "soon")])
def test_a_bad_numeric_setting_is_one_line_before_any_work(
        var: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(var, value)
    r = runner.invoke(app, ["methods"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"{var}={value!r} is not a" in r.output and "≥" in r.output
    monkeypatch.delenv(var)
    assert runner.invoke(app, ["methods"]).exit_code == 0


def test_the_seed_help_states_the_bound_that_is_enforced() -> None:
    from genekg.cli.common import SEED_MAX

    out = runner.invoke(app, ["--help"], terminal_width=300).output
    assert str(SEED_MAX) in out
    r = runner.invoke(app, ["--seed", str(SEED_MAX + 1), "methods"], terminal_width=300)
    assert r.exit_code == 2 and str(SEED_MAX) in r.output


@pytest.mark.parametrize("seed", ["-1", "18446744073709551616"])
def test_out_of_range_seeds_are_usage_errors(seed: str) -> None:
    r = runner.invoke(app, ["--seed", seed, "methods"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = runner.invoke(app, ["train", "--seed", seed, "-o", "human"], terminal_width=200)
    assert r.exit_code == 2 and "--seed" in r.output


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
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "dnaK\t" + ";".join(f"g{i}" for i in range(8))
    assert "[" not in out and "'" not in out  # never Python's list repr


def test_a_huge_parameter_is_clipped_and_quoted_in_the_hint() -> None:
    from genekg.cli.predict import _echo, _why_empty

    huge = "TP53" * 30_000  # 120 kB
    hint = _why_empty("top_partners", {"gene": huge, "run": "r1"})
    assert len(hint) < 400 and "120,000 chars" in hint
    assert _echo("a b; rm -rf x") == "'a b; rm -rf x'"  # pasteable, never executed


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


def _run_folder(tmp_path: Path) -> Path:
    run = tmp_path / "runs" / "stack-human-s1"
    run.mkdir(parents=True)
    (run / "run.json").write_text('{"command": "train"}')
    return run


def test_no_command_writes_into_a_run_folder(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    record = (run / "run.json").read_text()
    for args in (["embeddings", "export", "--run", str(run), "--output", str(run / "run.json")],
                 ["embeddings", "export", "--run", str(run), "--output", str(run / "e.tsv")],
                 ["predict", "--run", str(run), "--output", str(run / "p.tsv")],
                 ["--seed", "1", "evaluate", "-o", "yeast", "--methods", "pa",
                  "--out", str(run)]):
        r = runner.invoke(app, ["--uri", "bolt://127.0.0.1:1", *args], terminal_width=200)
        assert r.exit_code == 1, (args, r.output)
        assert "Traceback" not in r.output and ("run folder" in r.output), r.output
    assert (run / "run.json").read_text() == record
    assert sorted(p.name for p in run.iterdir()) == ["run.json"]


def test_predict_output_problems_are_named_before_any_work(tmp_path: Path) -> None:
    r = runner.invoke(app, ["predict", "--run", "nope", "--output", str(tmp_path)],
                      terminal_width=200)
    assert r.exit_code == 1 and "is a folder" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["predict", "--run", "nope", "--output",
                            str(tmp_path / "missing" / "p.tsv")], terminal_width=200)
    assert r.exit_code == 1 and "does not exist" in r.output


def test_a_full_device_is_a_one_line_error() -> None:
    from genekg.errors import GenekgError
    from genekg.linkpred.pairio import write_tsv
    from genekg.linkpred.prediction import Prediction, PredictResult

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    res = PredictResult("r", "stack", [Prediction("9606:A", "9606:B", 0.5, rank=1)], 1, 0.0, 0)
    with pytest.raises(GenekgError, match="could not write /dev/full: No space left"):
        write_tsv(res, Path("/dev/full"))


def test_an_existing_result_folder_is_never_written_over(tmp_path: Path) -> None:
    from genekg.errors import GenekgError
    from genekg.linkpred.runs import check_new_folder

    check_new_folder(tmp_path / "new")  # absent: fine
    (tmp_path / "old").mkdir()
    check_new_folder(tmp_path / "old")  # empty: fine
    (tmp_path / "old" / "results.csv").write_text("x")
    with pytest.raises(GenekgError, match="not empty"):
        check_new_folder(tmp_path / "old")
    # a folder that cannot be made: under a file, or (as a user, not root) read-only
    r = runner.invoke(app, ["export", "triples", "--out", str(tmp_path / "old/results.csv/t")],
                      terminal_width=200)
    assert r.exit_code == 1 and "cannot be written" in r.output and "is a file" in r.output
    assert "Traceback" not in r.output
    import os

    if os.geteuid() != 0:
        (tmp_path / "ro").mkdir(mode=0o500)
        with pytest.raises(GenekgError, match="permission denied"):
            check_new_folder(tmp_path / "ro" / "triples")


def test_ctrl_c_inside_the_driver_exits_130_without_a_traceback() -> None:
    """Ctrl-C mid-write: the driver's cleanup of its broken connection raises a second,
    unrelated error (`Expected MAP but got STRUCT`); the user sees one line and exit 130."""
    import typer

    from genekg.cli.common import GenekgGroup

    demo = typer.Typer(cls=GenekgGroup)

    @demo.command()
    def write() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ValueError("Expected MAP but got STRUCT") from None

    @demo.command()
    def other() -> None:
        raise ValueError("a real bug")

    r = runner.invoke(demo, ["write"])
    assert r.exit_code == 130 and "interrupted" in r.output and "STRUCT" not in r.output
    r = runner.invoke(demo, ["other"])  # a bug without an interrupt keeps its traceback
    assert isinstance(r.exception, ValueError)


def test_booster_fits_use_the_configured_openmp_threads(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    from threadpoolctl import threadpool_info

    from genekg.linkpred.boosters import booster_threads

    if not any(i["user_api"] == "openmp" for i in threadpool_info()):
        pytest.skip("no OpenMP runtime loaded")
    for n in (1, 2):  # whatever OMP_NUM_THREADS the process started with
        monkeypatch.setenv("GENEKG_BOOSTER_THREADS", str(n))
        with booster_threads():
            assert {i["num_threads"] for i in threadpool_info()
                    if i["user_api"] == "openmp"} == {n}


def test_saturated_scores_stay_apart_in_tables() -> None:
    from genekg.cli.predict import _cell, prob_text

    shown = [prob_text(v) for v in (0.99997, 0.999987, 0.9974, 0.5)]
    assert shown == ["1−3.0e-05", "1−1.3e-05", "0.9974", "0.5000"]
    assert _cell(0.0734, "expected_precision") == "7.3%"
    assert _cell(["TP53", "MDM2", "CDKN1A", "CDK2"], "strongest_path") == "TP53–MDM2–CDKN1A–CDK2"


def test_one_release_without_the_other_is_refused_not_a_silent_random_split() -> None:
    r = runner.invoke(app, ["--uri", "bolt://127.0.0.1:1", "evaluate", "-o", "human",
                            "--experiment", "retrieval", "--old-release", "3.4.126"],
                      terminal_width=200)
    assert r.exit_code == 1 and "--old-release and --new-release go together" in r.output
    assert "Traceback" not in r.output


def test_driver_retry_warnings_stay_off_the_terminal_unless_verbose(
        capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from genekg.cli.common import setup_logging

    setup_logging(False)
    logging.getLogger("neo4j.pool").warning("Transaction failed and will be retried in 1.0s")
    logging.getLogger("genekg").warning("the password file is readable by other users")
    err = capsys.readouterr().err
    assert "will be retried" not in err and "readable by other users" in err
    setup_logging(True)
    logging.getLogger("neo4j.pool").warning("Transaction failed and will be retried in 1.0s")
    assert "will be retried" in capsys.readouterr().err
    setup_logging(False)


def test_the_browser_page_is_sealed_once_and_nothing_else_in_the_jar_changes(
        tmp_path: Path) -> None:
    import zipfile

    from genekg.server.browser import CSP_TAG, is_sealed, seal_browser

    lib = tmp_path / "lib"
    lib.mkdir()
    jar = lib / "org.neo4j.client.neo4j-browser-5.24.0.jar"
    page = '<!doctype html><html><head><title>B</title></head><body></body></html>'
    other = {"browser/app.js": b"load('https://cdn.segment.com/x.js')", "META-INF/a": b"\x00\x01"}
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("browser/index.html", page)
        for name, data in other.items():
            z.writestr(name, data)
    (lib / "org.neo4j.neo4j-kernel-5.26.24.jar").write_bytes(b"not a browser")
    assert not is_sealed(jar)
    assert seal_browser(lib) == [jar.name]
    with zipfile.ZipFile(jar) as z:
        html = z.read("browser/index.html").decode()
        assert html.startswith("<!doctype html><html><head>" + CSP_TAG + "<title>")
        assert "connect-src 'self' ws://127.0.0.1:*" in html
        assert "script-src 'self' 'unsafe-eval';" in html  # no outside script host
        assert {n: z.read(n) for n in other} == other
    before = jar.read_bytes()
    assert seal_browser(lib) == []  # a second install rewrites nothing
    assert jar.read_bytes() == before
    assert html.count("Content-Security-Policy") == 1


def test_a_dataset_order_refusal_names_the_file(tmp_path: Path) -> None:
    from genekg.errors import GenekgError
    from genekg.ingest.writer import _reconcile

    f = tmp_path / "consensi-short.tsv"
    nodes = {"lincs": {"genes_symbol": ["A", "B"]}}
    found = [["lincs", True, [["A", "B", "C"]]]]  # the graph's order: one gene more
    with pytest.raises(GenekgError) as err:
        _reconcile("Dataset", ["genes_symbol"], nodes, found, False, {}, [f])
    assert str(err.value).startswith(f"{f}: Dataset lincs: its genes_symbol in the graph "
                                     "(3 items) differs from this file's (2)")
    # the same order is no refusal, and nothing to set
    same = [["lincs", True, [["A", "B"]]]]
    assert _reconcile("Dataset", ["genes_symbol"], nodes, same, False, {}, [f]) == {"lincs": {}}
