"""Pure logic of the foundation: config, errors, server helpers, CLI wiring."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.config import resolve_connection
from genekg.errors import InputError, ServerError
from genekg.server import manager as mgr


def test_connection_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GENEKG_HOME", str(tmp_path))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("GENEKG_BOLT_PORT", raising=False)
    assert resolve_connection().uri == "bolt://127.0.0.1:7687"
    assert resolve_connection().password is None
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "genekg-password").write_text("stored\n")
    assert resolve_connection().password == "stored"
    monkeypatch.setenv("NEO4J_PASSWORD", "from-env")
    assert resolve_connection().password == "from-env"
    assert resolve_connection(password="cli").password == "cli"
    monkeypatch.setenv("GENEKG_BOLT_PORT", "7699")
    assert resolve_connection().uri == "bolt://127.0.0.1:7699"
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    assert resolve_connection().uri == "bolt://db.example:7687"


def test_settings_repr_hides_password() -> None:
    s = resolve_connection(password="s3cret-value")
    assert "s3cret-value" not in repr(s)


def test_input_error_names_file_and_line() -> None:
    err = InputError("expected 2 columns, found 1", path="edges.csv", line=17)
    assert str(err) == "edges.csv:17: expected 2 columns, found 1"
    assert err.exit_code == 2


@pytest.mark.parametrize(
    ("jar", "key"),
    [
        ("org.slf4j.slf4j-api-2.0.9.jar", "org.slf4j.slf4j-api"),
        ("org.javassist.javassist-3.28.0-GA.jar", "org.javassist.javassist"),
        ("org.neo4j.gds.annotations-2.13.9.jar", "org.neo4j.gds.annotations"),
        ("org.neo4j.annotations-5.26.24.jar", "org.neo4j.annotations"),
        ("org.neo4j.gds.cypher-ast-factory-9.0-9.0.20210312.jar",
         "org.neo4j.gds.cypher-ast-factory-9.0"),
    ],
)
def test_artifact_key_keeps_group(jar: str, key: str) -> None:
    assert mgr._artifact_key(jar) == key


def test_dedupe_only_same_group_and_artifact(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "plugins").mkdir()
    for name in ("org.slf4j.slf4j-api-2.0.9.jar", "org.neo4j.annotations-5.26.24.jar"):
        (tmp_path / "lib" / name).touch()
    for name in ("org.slf4j.slf4j-api-1.7.32.jar", "org.neo4j.gds.annotations-2.13.9.jar"):
        (tmp_path / "plugins" / name).touch()
    removed = mgr.ServerManager._dedupe_plugins(tmp_path)
    assert removed == ["org.slf4j.slf4j-api-1.7.32.jar"]
    assert (tmp_path / "plugins" / "org.neo4j.gds.annotations-2.13.9.jar").exists()


def test_generated_password_never_looks_like_an_option() -> None:
    for _ in range(200):
        pw = mgr._generate_password()
        assert pw.isalnum() and len(pw) == 24


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ServerError, match="Java 17"):
        mgr.find_java()


def test_missing_maven_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServerError, match="Maven"):
        mgr.find_maven()


def test_start_without_install_says_what_to_do(tmp_path: Path) -> None:
    m = mgr.ServerManager(mgr.ServerConfig(home=tmp_path / "none"))
    with pytest.raises(ServerError, match="no Neo4j installed") as info:
        m.start()
    assert "genekg server install" in (info.value.hint or "")


def test_config_is_loopback_only(tmp_path: Path) -> None:
    m = mgr.ServerManager(mgr.ServerConfig(home=tmp_path, bolt_port=1234, http_port=5678))
    m.write_config()
    conf = (tmp_path / "conf" / "neo4j.conf").read_text()
    listen = [ln for ln in conf.splitlines() if "listen_address" in ln]
    assert listen and all("127.0.0.1" in ln for ln in listen)
    assert "server.bolt.listen_address=127.0.0.1:1234" in conf
    assert "dbms.security.auth_enabled=true" in conf


def test_cli_help_lists_groups() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("server", "doctor"):
        assert word in result.output


def test_cli_unreachable_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    result = CliRunner().invoke(app, ["--uri", "bolt://127.0.0.1:1", "server", "status"])
    assert result.exit_code == 1
    assert "no Neo4j answered" in result.output
    assert "Traceback" not in result.output


def test_server_logs_without_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GENEKG_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["server", "logs"])
    assert result.exit_code == 0
    assert "no log yet" in result.output
    assert os.environ["GENEKG_HOME"] == str(tmp_path)


def test_only_the_database_seam_imports_the_neo4j_driver() -> None:
    """The README's rule: `genekg/db` is the one package that talks to the driver (the
    staged ingest's transactions included), so the rest is testable with a recording
    fake of the seam."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = set()
    for folder in ("genekg", "loaders"):
        for p in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(p.read_text())):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(n == "neo4j" or n.startswith("neo4j.") for n in names):
                    users.add(p.relative_to(root).as_posix())
    assert users and all(u.startswith("genekg/db/") for u in users), sorted(users)
    assert "genekg/db/staged.py" in users  # the staged load's transactions live there
