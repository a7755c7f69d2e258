"""`ingest --bulk`: the sample loaded through neo4j-admin import into a second, empty
server gives the same graph as the transactional path (every count, a sample of
properties, provenance), and the refusals hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.db import Database, connect
from genekg.errors import GenekgError
from genekg.ingest.bulk import bulk_build
from genekg.ingest.writer import ingest_bundle
from genekg.loaders import get_loader
from genekg.loaders.base import Bundle
from genekg.sample import sample_plan
from genekg.server.manager import ServerConfig, ServerManager

runner = CliRunner()


def _bundles() -> list[Bundle]:
    out = []
    for source, path, options in sample_plan():
        b = get_loader(source).load(path, options)
        b.id_maps = list(options.id_maps)
        out.append(b)
    return out


def _snapshot(db: Database) -> dict[str, Any]:
    labels = db.run("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n ORDER BY l")
    types = db.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n ORDER BY t")
    genes = db.run("MATCH (g:Gene) WITH g ORDER BY g.id SKIP 7 LIMIT 40 "
                   "RETURN g.id AS id, properties(g) AS p")
    rels = db.run("MATCH (a)-[r]->(b) WITH a, r, b ORDER BY type(r), a.id, b.id SKIP 3 LIMIT 80 "
                  "RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS p")
    prof = db.run("MATCH (p:ExpressionProfile) WITH p ORDER BY p.id LIMIT 3 "
                  "RETURN properties(p) AS p")
    src = db.run("MATCH (s:Source) RETURN s.id AS id, s.name AS name, s.release AS release, "
                 "s.files AS files, s.sha256 AS sha, s.counts AS counts, s.added AS added, "
                 "s.id_maps AS maps, s.status AS status ORDER BY id")
    return {"labels": labels, "types": types, "genes": genes, "rels": rels,
            "profiles": prof, "sources": src}


@pytest.mark.slow
def test_bulk_import_equals_transactional_and_refuses(
    clean_db: Database, server: ServerManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundles = _bundles()
    for b in bundles:
        ingest_bundle(clean_db, b)
    want = _snapshot(clean_db)
    assert len(want["sources"]) == 6 and want["types"]
    # refused on a database that holds anything; the server keeps running
    with pytest.raises(GenekgError, match="needs an empty one"):
        bulk_build(clean_db, server, bundles, tmp_path / "w0", lambda: clean_db)
    assert server.state().running
    # refused for a server genekg does not manage here
    r = runner.invoke(app, ["--uri", "bolt://192.0.2.1:7687", "ingest", "sample", "--bulk"])
    assert r.exit_code == 1 and "--bulk imports offline into the local server" in r.output

    monkeypatch.setenv("NEO4J_PASSWORD", "bulk-test-pw")
    for var, value in (("GENEKG_HOME", str(tmp_path / "neo4j")), ("GENEKG_BOLT_PORT", "7698"),
                       ("GENEKG_HTTP_PORT", "7485"), ("GENEKG_HEAP", "1g"),
                       ("GENEKG_PAGECACHE", "128m")):
        monkeypatch.setenv(var, value)
    second = ServerManager(ServerConfig.from_env())
    second.install()
    second.start(timeout=180)
    try:
        r = runner.invoke(app, ["ingest", "sample", "--bulk"])  # the user's command
        assert r.exit_code == 0, r.output
        assert "rels/s" in r.output and second.state().running
        assert "importer's own time" in r.output  # parsed from the real importer's log
        with connect(second.config.bolt_uri) as fresh:
            got = _snapshot(fresh)
            constraints = fresh.scalar("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")
            # a second bulk build is refused: the database is no longer empty
            again = runner.invoke(app, ["ingest", "sample", "--bulk"])
            assert again.exit_code == 1 and "needs an empty one" in again.output
            assert _snapshot(fresh) == got
        for a, b in zip(got["sources"], want["sources"], strict=True):
            assert {k: v for k, v in a.items() if v != b[k]} == {}, a["id"]
        assert got == want
        assert constraints == clean_db.scalar("SHOW CONSTRAINTS YIELD name "
                                              "RETURN count(*) AS n")
        # `genekg export dump`: the built graph as one file with its manifest; loaded
        # back (neo4j-admin database load) it is the same graph.
        import hashlib
        import json

        from genekg.ingest.bulk import run_admin

        dump = tmp_path / "shared" / "sample.dump"
        dump.parent.mkdir()
        r = runner.invoke(app, ["export", "dump", "--out", str(dump)], terminal_width=200)
        assert r.exit_code == 0, r.output
        assert second.state().running  # started again after the dump
        manifest = json.loads((dump.parent / "sample.dump.manifest.json").read_text())
        assert manifest["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
        assert [(x["id"], x["sha256"]) for x in manifest["sources"]] == \
            [(x["id"], x["sha"]) for x in want["sources"]]
        r = runner.invoke(app, ["export", "dump", "--out", str(dump)])
        assert r.exit_code == 1 and "never written over" in r.output
        with connect(second.config.bolt_uri) as fresh:
            fresh.run_autocommit("MATCH (n) CALL (n) { DETACH DELETE n } "
                                 "IN TRANSACTIONS OF 10000 ROWS")
        second.stop()
        (tmp_path / "load").mkdir()  # as the manifest says: the file as neo4j.dump
        (tmp_path / "load" / "neo4j.dump").write_bytes(dump.read_bytes())
        proc = run_admin(second, ["database", "load", "neo4j",
                                  f"--from-path={tmp_path / 'load'}",
                                  "--overwrite-destination=true"])
        assert proc.returncode == 0, proc.stderr[-2000:]
        second.start(timeout=180)
        with connect(second.config.bolt_uri) as fresh:
            assert _snapshot(fresh) == got
    finally:
        second.stop()
