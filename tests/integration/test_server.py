"""The real server genekg installs: versions, GDS algorithms, Browser, lifecycle."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.db import Database
from genekg.server.manager import ServerConfig, ServerManager, port_in_use


def test_connect_and_versions(db: Database) -> None:
    info = db.info()
    assert info.neo4j_version == "5.26.24"
    assert info.edition == "community"
    assert info.gds_version == "2.13.9"
    assert info.gds_procedures >= 400


def test_gds_embeddings_through_genekgs_own_calls(clean_db: Database) -> None:
    # The GDS procedures genekg calls (linkpred/gds.py: project the training edges, then
    # node2vec / DeepWalk / FastRP) on a tiny graph: one vector per gene in genekg's order,
    # the requested size, reproducible under a seed, and the projection dropped after.
    import numpy as np

    from genekg.linkpred import gds as G

    genes = ["a", "b", "c", "d", "e"]
    clean_db.run("UNWIND $ids AS i CREATE (:Gene {id: i})", {"ids": genes})
    train = np.array([[0, 1], [1, 2], [0, 2], [2, 3]])  # e has no edge: still projected
    name = G.project_training_graph(clean_db, genes, train)
    try:
        for alg in ("node2vec", "deepwalk", "fastrp"):
            emb = G.gds_embedding(clean_db, name, genes, alg, dim=16, seed=7)
            assert emb.shape == (5, 16) and np.abs(emb[:4]).sum(axis=1).min() > 0
            again = G.gds_embedding(clean_db, name, genes, alg, dim=16, seed=7)
            assert np.array_equal(emb, again), alg
    finally:
        G.drop_graph(clean_db, name)
    assert clean_db.scalar("CALL gds.graph.list() YIELD graphName RETURN count(*) AS n") == 0


def test_browser_answers_http_200(server: ServerManager) -> None:
    url = f"http://127.0.0.1:{server.config.http_port}/browser/"
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200
        assert b"Neo4j Browser" in resp.read()


def test_server_status_cli(server: ServerManager) -> None:
    result = CliRunner().invoke(app, ["server", "status"])
    assert result.exit_code == 0, result.output
    assert "5.26.24" in result.output
    assert "2.13.9" in result.output
    assert "bolt://127.0.0.1:" in result.output


def test_doctor_cli_passes(server: ServerManager) -> None:
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output


def test_wrong_password_is_a_clear_error(server: ServerManager) -> None:
    result = CliRunner().invoke(app, ["--password", "definitely-wrong", "server", "status"])
    assert result.exit_code == 1
    assert "refused the credentials" in result.output


def _processes_mentioning(text: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                pids.append(int(proc.name))
    return pids


class ProcessTableWatch:
    """Samples every process's argv (and environment, where readable) until stopped,
    counting the samples in which `secret` appears: what any `ps -eo args` could see."""

    def __init__(self, secret: str, interval: float = 0.01) -> None:
        import threading

        self.secret = secret.encode()
        self.interval = interval
        self.samples = 0
        self.java_seen = 0
        self.hits: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            java = False
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit() or proc.name == str(os.getpid()):
                    continue  # this test process knows the secret by design
                for part in ("cmdline", "environ"):
                    try:
                        raw = (proc / part).read_bytes()
                    except OSError:
                        continue
                    if part == "cmdline" and b"java" in raw:
                        java = True
                    if self.secret in raw:
                        self.hits.append(f"{proc.name}/{part}: {raw[:200]!r}")
            self.samples += 1
            self.java_seen += java
            self._stop.wait(self.interval)

    def __enter__(self) -> ProcessTableWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.slow
def test_lifecycle_in_second_home_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real install, start and stop in a second home: the initial password never shows
    in any process's argv or environment (sampled every 10 ms, as `ps` would see them),
    the server accepts it and refuses others; install/start/stop are idempotent and no JVM
    is left behind."""
    import secrets

    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    home = tmp_path / "neo4j"
    cfg = ServerConfig(home=home, bolt_port=7697, http_port=7484, heap="512m",
                       pagecache="64m")
    m = ServerManager(cfg)
    password = "pw-" + secrets.token_hex(12)
    monkeypatch.setenv("NEO4J_PASSWORD", password)  # what a user sets before install
    try:
        with ProcessTableWatch(password) as watch:
            assert m.install() is True
            assert m.install() is False
            assert m.start(timeout=120) is True
        assert watch.hits == []
        assert watch.samples > 50 and watch.java_seen > 10  # it watched Maven and the JVM
        assert oct((home / "conf" / "genekg-password").stat().st_mode & 0o777) == "0o600"
        conf = (home / "conf" / "neo4j.conf").read_text()
        assert "server.bolt.listen_address=127.0.0.1:7697" in conf
        assert "0.0.0.0" not in conf
        assert m.start() is False
        assert port_in_use(7697)
        assert _processes_mentioning(str(home))
        with GraphDatabase.driver(cfg.bolt_uri, auth=("neo4j", password)) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1
        with GraphDatabase.driver(cfg.bolt_uri, auth=("neo4j", password + "x")) as driver, \
                pytest.raises(AuthError):
            driver.verify_connectivity()
    finally:
        assert m.stop() is True
    assert m.stop() is False
    assert not port_in_use(7697)
    assert _processes_mentioning(f"--home-dir={home}") == []
    assert os.path.exists(home / "logs" / "console.log")
    lines = (home / "logs" / "console.log").read_text().splitlines()
    started = [ln for ln in lines if ln.rstrip().endswith("Started.")]
    assert len(started) == len(set(started))  # one writer: no line twice


def test_start_refuses_port_in_use(server: ServerManager, tmp_path: Path) -> None:
    # A second home configured on the running server's port must fail fast and clearly.
    import json

    home = tmp_path / "other"
    (home / "conf").mkdir(parents=True)
    (home / ".genekg-install.json").write_text(json.dumps({"neo4j": "5.26.24", "gds": "2.13.9"}))
    m = ServerManager(ServerConfig(home=home, bolt_port=server.config.bolt_port))
    from genekg.errors import ServerError

    with pytest.raises(ServerError, match="already in use"):
        m.start()
