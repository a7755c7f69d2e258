"""The two whole human BioGRID releases (3.4.126 and 4.4.203, Entrez edge lists) with the
GENCODE v22 gene table as identifier map, through `genekg ingest` and the real server.

Slices keep the suite short: the first 3.4.126 rows plus every row naming an Entrez id that
GENCODE v22 lacks, then the 4.4.203 rows between genes of that slice. Expected graphs are
computed here from the files and the gene table read as plain TSV (not through genekg)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.db import Database

runner = CliRunner()
OLD, NEW = "3.4.126", "4.4.203"


def _rows(path: Path) -> list[tuple[str, str]]:
    with gzip.open(path, "rt") as fh:
        assert next(fh).split() == ["entrez_a", "entrez_b"]
        return [(a, b) for a, b, *_ in (ln.split() for ln in fh)]


def _expected(rows: list[tuple[str, str]], symbol: dict[str, str]
              ) -> tuple[set[tuple[str, str]], set[str], dict[str, int]]:
    """Unordered symbol pairs the rows should load as, the Entrez ids without a gene, and
    the rows skipped by reason."""
    pairs: set[tuple[str, str]] = set()
    unmapped: set[str] = set()
    skipped = {"header row": 1, "unmapped identifier": 0, "self-interaction": 0,
               "duplicate pair": 0}
    for a, b in rows:
        sa, sb = symbol.get(a), symbol.get(b)
        unmapped |= {x for x, s in ((a, sa), (b, sb)) if s is None}
        if sa is None or sb is None:
            skipped["unmapped identifier"] += 1
        elif sa == sb:
            skipped["self-interaction"] += 1
        elif (min(sa, sb), max(sa, sb)) in pairs:
            skipped["duplicate pair"] += 1
        else:
            pairs.add((min(sa, sb), max(sa, sb)))
    return pairs, unmapped, {k: v for k, v in skipped.items() if v}


def _stored(db: Database, tag: str) -> set[tuple[str, str]]:
    rows = db.run("MATCH (a:Gene)-[r:INTERACTS_WITH]->(b:Gene) WHERE $tag IN r.seen_in "
                  "RETURN a.symbol AS a, b.symbol AS b", {"tag": tag})
    return {(min(r["a"], r["b"]), max(r["a"], r["b"])) for r in rows}


@pytest.fixture(scope="module")
def releases(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    d = shared_data / "biogrid/human_physical_releases"
    gencode = d / "GENCODEv22_ensg_entrez_symbol.tsv.gz"
    if not gencode.exists():
        pytest.skip(f"{d} absent: the whole human releases are not in ../shared/data")
    with gzip.open(gencode, "rt") as fh:
        table = list(csv.DictReader(fh, delimiter="\t"))
    symbol = {r["entrez"]: r["symbol"] for r in table if r["entrez"]}
    old_rows = _rows(d / f"BioGRID-{OLD}_human_physical_entrez_pairs.tsv.gz")
    a = old_rows[:3000] + [r for r in old_rows[3000:]
                           if r[0] not in symbol or r[1] not in symbol]
    genes = {x for r in a for x in r}
    b = [r for r in _rows(d / f"BioGRID-{NEW}_human_physical_LCC_entrez_pairs.tsv.gz")
         if r[0] in genes and r[1] in genes][:20_000]
    out = tmp_path_factory.mktemp("human")
    files = {}
    for name, rows in ((OLD, a), (NEW, b)):
        files[name] = out / f"BioGRID-{name}_slice.tsv.gz"
        with gzip.open(files[name], "wt") as fh:
            fh.write("entrez_a\tentrez_b\n" + "".join(f"{x}\t{y}\n" for x, y in rows))
    return {"gencode": gencode, "files": files, "symbol": symbol, "table": table,
            "rows": {OLD: a, NEW: b}}


def _ingest(rel: dict[str, object], release: str) -> str:
    files: dict[str, Path] = rel["files"]  # type: ignore[assignment]
    r = runner.invoke(app, ["ingest", "biogrid", str(files[release]), "-o", "human",
                            "--release", release, "--id-map", str(rel["gencode"])])
    assert r.exit_code == 0, r.output
    return r.output


def test_two_whole_human_releases_load_with_the_gencode_map(
        clean_db: Database, releases: dict[str, object]) -> None:
    symbol: dict[str, str] = releases["symbol"]  # type: ignore[assignment]
    rows: dict[str, list[tuple[str, str]]] = releases["rows"]  # type: ignore[assignment]
    want_old, unmapped_old, skipped_old = _expected(rows[OLD], symbol)
    assert len(unmapped_old) > 100  # the slice carries 3.4.126's ids GENCODE v22 lacks

    _ingest(releases, OLD)
    assert _stored(clean_db, f"biogrid@{OLD}") == want_old
    # the unmapped ids were counted, with their reason, not silently dropped
    issues = clean_db.scalar("MATCH (s:Source {release: $r}) RETURN s.issues AS i", {"r": OLD})
    assert json.loads(issues)["skipped"] == skipped_old
    # Entrez and Ensembl ids are kept on the Gene node
    tp53 = clean_db.run("MATCH (g:Gene {symbol: 'TP53', organism: 9606}) "
                        "RETURN g.entrez AS e, g.ensembl AS ens")
    if tp53:
        assert tp53[0] == {"e": "7157", "ens": "ENSG00000141510"}
    some = clean_db.run("MATCH (g:Gene {organism: 9606}) RETURN g.symbol AS s, g.entrez AS e, "
                        "g.ensembl AS ens LIMIT 50")
    ensg = {r["entrez"]: r["ensg"] for r in releases["table"]}  # type: ignore[attr-defined]
    assert all(r["e"] and symbol[r["e"]] == r["s"] and r["ens"] == ensg[r["e"]] for r in some)

    before = clean_db.run("MATCH (n) RETURN count(n) AS n, "
                          "COUNT { MATCH ()-[r]->() } AS r")
    _ingest(releases, OLD)  # a re-run changes nothing
    assert clean_db.run("MATCH (n) RETURN count(n) AS n, "
                        "COUNT { MATCH ()-[r]->() } AS r") == before

    want_new, unmapped_new, _ = _expected(rows[NEW], symbol)
    assert not unmapped_new  # 4.4.203 maps whole through GENCODE v22
    out = _ingest(releases, NEW)  # the second release into the live graph: staged
    assert _stored(clean_db, f"biogrid@{NEW}") == want_new
    assert _stored(clean_db, f"biogrid@{OLD}") == want_old  # the old release is untouched
    diff = clean_db.run("release_diff", {"old": OLD, "new": NEW, "limit": 10**7})
    got = {c: {(min(r["gene_a"], r["gene_b"]), max(r["gene_a"], r["gene_b"]))
               for r in diff if r["change"] == c} for c in ("new", "absent")}
    assert got == {"new": want_new - want_old, "absent": want_old - want_new}
    assert f"{len(want_new - want_old):,}" in out
