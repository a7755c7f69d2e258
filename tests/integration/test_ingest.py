"""Ingest real files from ../shared/data into the real server: exact counts per type,
idempotent re-loads, newer releases, and bad input that leaves the graph unchanged."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from genekg.cli.main import app
from genekg.db import Database
from genekg.ingest.writer import ingest_bundle
from genekg.loaders import LoadOptions, get_loader
from genekg.loaders.expression import ExpressionOptions
from genekg.loaders.lincs import LincsOptions
from genekg.organisms import resolve_organism

runner = CliRunner()


def counts(db: Database) -> dict[str, int]:
    rows = db.run("MATCH (n) RETURN labels(n)[0] AS k, count(*) AS c UNION ALL "
                  "MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS c")
    return {r["k"]: r["c"] for r in rows}


def load(db: Database, name: str, path: Path, **kw: object) -> dict[str, int]:
    org = kw.pop("organism", None)
    opts = LoadOptions(organism=resolve_organism(str(org)) if org else None, **kw)  # type: ignore[arg-type]
    report = ingest_bundle(db, get_loader(name).load(path, opts))
    return report.added


def test_biogrid_ecoli_exact_counts_and_idempotent(clean_db: Database, shared_data: Path) -> None:
    f = shared_data / "gne/ecoli/edgelist_biogrid_name.csv"
    added = load(clean_db, "biogrid", f, organism="ecoli", release="gne")
    assert added == {"(:Gene)": 3973, "(:Gene)-[:INTERACTS_WITH]->(:Gene)": 169595}
    before = counts(clean_db)
    assert before == {"Gene": 3973, "Source": 1, "INTERACTS_WITH": 169595}
    again = load(clean_db, "biogrid", f, organism="ecoli", release="gne")
    assert again == {"(:Gene)": 0, "(:Gene)-[:INTERACTS_WITH]->(:Gene)": 0}
    assert counts(clean_db) == before
    # canonical direction: one stored relationship per unordered pair
    assert clean_db.scalar("MATCH (a:Gene)-[:INTERACTS_WITH]->(b:Gene) WHERE a.id > b.id "
                           "RETURN count(*) AS n") == 0
    src = clean_db.run("MATCH (s:Source) RETURN s.status AS st, s.sha256 AS sha, "
                       "s.release AS rel")[0]
    assert src["st"] == "complete" and src["rel"] == "gne" and len(src["sha"]) == 64


def test_a_graph_loaded_before_load_tokens_is_read_and_extended(
        clean_db: Database, shared_data: Path, tmp_path: Path) -> None:
    """Rows of graphs loaded by an earlier genekg carry their Source's id as `load` (and a
    relationship `key`, under a uniqueness constraint); their Sources have no `token`.
    Readers still see them, a re-run of that load changes nothing and keeps writing its
    id, and a newer release carries its token on what it adds and is read whole."""
    lines = (shared_data / "gne/ecoli/edgelist_biogrid_name.csv").read_text().splitlines(
        keepends=True)
    half = tmp_path / "half.csv"
    half.write_text("".join(lines[: len(lines) // 2]))
    load(clean_db, "biogrid", half, organism="ecoli", release="old")
    # the graph as an earlier genekg left it
    src = clean_db.scalar("MATCH (s:Source) REMOVE s.token RETURN s.id AS id")
    clean_db.run("MATCH (n:Gene) SET n.load = $id", {"id": src})
    clean_db.run_autocommit("MATCH (a)-[r]->(b) CALL (a, r, b) { SET r.load = $id, "
                            "r.key = a.id + '|' + b.id } IN TRANSACTIONS OF 50000 ROWS",
                            {"id": src})
    clean_db.run("CREATE CONSTRAINT interacts_with_key IF NOT EXISTS "
                 "FOR ()-[r:INTERACTS_WITH]-() REQUIRE r.key IS UNIQUE")

    def network(release: str | None) -> int:
        return len(clean_db.scalar("pull/network", {
            "taxon": 511145, "source": "biogrid" if release else None, "release": release,
            "pathway": None, "genes": None}))

    old = network("old")
    assert old == network(None) > 80_000
    before = counts(clean_db)
    again = load(clean_db, "biogrid", half, organism="ecoli", release="old")
    assert again == {"(:Gene)": 0, "(:Gene)-[:INTERACTS_WITH]->(:Gene)": 0}
    assert counts(clean_db) == before
    assert clean_db.scalar("MATCH (s:Source) RETURN s.token AS t") is None
    new = load(clean_db, "biogrid", shared_data / "gne/ecoli/edgelist_biogrid_name.csv",
               organism="ecoli", release="new")
    added = new["(:Gene)-[:INTERACTS_WITH]->(:Gene)"]
    assert added == 169595 - old
    assert network("new") == network(None) == 169595 and network("old") == old
    token = clean_db.scalar("MATCH (s:Source {release: 'new'}) RETURN s.token AS t")
    assert clean_db.scalar("MATCH ()-[r {load: $t}]->() RETURN count(r) AS n",
                           {"t": token}) == added
    # the ingest schema dropped the old key constraint (its index slowed every load)
    assert not clean_db.run("SHOW CONSTRAINTS YIELD name WHERE name = 'interacts_with_key' "
                            "RETURN name")


def test_newer_release_adds_new_and_marks_seen(clean_db: Database, shared_data: Path) -> None:
    d = shared_data / "biogrid/GreenCUBIC_BioGRID-PPI"
    ymap = [shared_data / "id_mapping/yeast_uniprot_orf_gene_derived.tsv"]
    old = load(clean_db, "biogrid",
               d / "Saccharomyces_cerevisiae_S288c-3.5.187_ID_559292_positive_interactions.tsv",
               id_maps=ymap)
    assert old == {"(:Gene)": 5644, "(:Gene)-[:INTERACTS_WITH]->(:Gene)": 84416}
    new = load(clean_db, "biogrid",
               d / "Saccharomyces_cerevisiae_S288c-4.2.192_ID_559292_c2_positive_interactions.tsv",
               id_maps=ymap)
    both = clean_db.scalar(
        "MATCH ()-[r:INTERACTS_WITH]->() WHERE size(r.seen_in) = 2 RETURN count(*) AS n")
    only_new = clean_db.scalar(
        "MATCH ()-[r:INTERACTS_WITH]->() WHERE r.seen_in = ['biogrid@4.2.192'] "
        "RETURN count(*) AS n")
    assert only_new == new["(:Gene)-[:INTERACTS_WITH]->(:Gene)"] > 0
    assert both > 0
    total = clean_db.scalar("MATCH ()-[r:INTERACTS_WITH]->() RETURN count(*) AS n")
    assert total == 84416 + only_new


def test_kgml_all_359_pathways(clean_db: Database, shared_data: Path) -> None:
    added = load(clean_db, "kegg", shared_data / "kegg/kgml_hsa_BioContrast",
                 id_maps=[shared_data / "lincs/dhimmel_lincs/geneinfo.tsv.gz"])
    assert added == {"(:Gene)": 8487, "(:Pathway)": 359,
                     "(:Gene)-[:IN_PATHWAY]->(:Pathway)": 36381,
                     "(:Gene)-[:KEGG_RELATION]->(:Gene)": 61257}
    mapk = clean_db.run("MATCH (p:Pathway {id: 'path:hsa04010'}) RETURN p.name AS n")
    assert mapk == [{"n": "MAPK signaling pathway"}]
    rel = clean_db.run("MATCH (:Gene {id:'9606:MAP2K1'})-[r:KEGG_RELATION]->"
                       "(:Gene {id:'9606:MAPK1'}) RETURN r.subtypes AS s, r.pathways AS p")
    assert rel and "phosphorylation" in rel[0]["s"] and "path:hsa04010" in rel[0]["p"]


def test_kegg_drug_targets(clean_db: Database, shared_data: Path) -> None:
    d = shared_data / "kegg/drug_targets_PyDTI"
    added = load(clean_db, "kegg-drugs", d / "kegg.txt",
                 id_maps=[shared_data / "lincs/dhimmel_lincs/geneinfo.tsv.gz",
                          d / "kegg_drug_map.txt"])
    assert added == {"(:Drug)": 570, "(:Gene)": 317, "(:Drug)-[:TARGETS]->(:Gene)": 1746}


def test_drugs_merge_onto_one_node(clean_db: Database, shared_data: Path) -> None:
    gm = [shared_data / "lincs/dhimmel_lincs/geneinfo.tsv.gz",
          shared_data / "id_mapping/uniprot_human_reviewed_gene_names.tab.gz"]
    dm = [shared_data / "drug_targets/dhimmel_drugbank/drugbank.tsv",
          shared_data / "drug_targets/dhimmel_drugbank/pubchem-mapping.tsv"]
    db_added = load(clean_db, "drugs", shared_data / "drug_targets/dhimmel_drugbank",
                    id_maps=gm)
    assert db_added == {"(:Drug)": 7759, "(:Gene)": 2178, "(:Drug)-[:TARGETS]->(:Gene)": 10655}
    hub = load(clean_db, "drugs",
               shared_data / "drug_targets/repurposing_hub/Repurposing_Hub_export.txt",
               id_maps=gm + dm)
    # 1,234 hub compounds resolve to DrugBank ids already present: not new nodes
    assert hub["(:Drug)"] == 6789 - 1234
    imatinib = clean_db.run("MATCH (d:Drug {id: 'DB00619'}) RETURN d.name AS n, "
                            "d.broad_ids AS b, d.seen_in AS s")
    # DrugBank's name stays: a later source does not overwrite a stored value (it reports it)
    assert imatinib[0]["n"] == "Imatinib" and imatinib[0]["b"]
    assert set(imatinib[0]["s"]) == {"drugbank@unversioned", "repurposing-hub@unversioned"}


def test_cell_lines_and_mutations(clean_db: Database, shared_data: Path) -> None:
    added = load(clean_db, "cell-lines",
                 shared_data / "cosmic/subset_CosmicCLP_MutantExport.tsv.gz")
    assert added == {"(:CellLine)": 164, "(:Gene)": 3,
                     "(:CellLine)-[:HAS_MUTATION]->(:Gene)": 168}
    added = load(clean_db, "cell-lines",
                 shared_data / "cell_lines/gdsc/test_omnibem_genomic_alterations.csv.gz")
    # 27,660 point mutations; 129 (line, gene) pairs were already there from COSMIC; 76
    # rows name no gene symbol and are refused, not stored as genes: 67 Ensembl ids
    # (ENSG00000093100, …) and 9 symbols spreadsheet software turned into dates (Sep-14).
    assert added["(:CellLine)-[:HAS_MUTATION]->(:Gene)"] == 27660 - 129 - 76
    assert counts(clean_db)["HAS_MUTATION"] == 168 + 27660 - 129 - 76
    assert clean_db.scalar("MATCH (g:Gene) WHERE g.id STARTS WITH '9606:ENSG' "
                           "OR g.id = '9606:Sep-14' RETURN count(g) AS n") == 0
    mcf7 = clean_db.scalar("MATCH (c:CellLine {name: 'MCF7'})-[:HAS_MUTATION]->(g) "
                           "RETURN count(g) AS n")
    assert mcf7 == 19
    load(clean_db, "cell-lines", shared_data / "cosmic/cancer_gene_census.csv")
    assert clean_db.scalar("MATCH (g:Gene {id: '9606:TP53'}) RETURN g.cgc AS c") is True


def test_expression_precise_profiles(clean_db: Database, shared_data: Path) -> None:
    d = shared_data / "expression/ecoli_precise278"
    added = load(clean_db, "expression", d / "log_tpm.csv.gz", organism="ecoli",
                 id_maps=[d / "gene_table.csv"], source=ExpressionOptions(dataset="precise278"))
    assert added["(:ExpressionProfile)"] == 3899
    row = clean_db.run("MATCH (:Gene {id: '511145:thrA'})-[:HAS_PROFILE]->(p) "
                       "RETURN size(p.values) AS n, p.values[0] AS v")[0]
    assert row["n"] == 278 and row["v"] == pytest.approx(11.0066525158509)


def test_dream5_gene_ids_mapping_real(clean_db: Database, shared_data: Path) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "net3_expression_fixture.tsv"
    added = load(clean_db, "expression", fixture, organism="ecoli",
                 id_maps=[shared_data / "dream5/net3_ecoli/net3_gene_ids.tsv"],
                 source=ExpressionOptions(orientation="genes-columns", dataset="d5fixture"))
    # G1..G4 of the real DREAM5 net3 map are real genes
    assert added["(:ExpressionProfile)"] == 4


BAD_CASES = {
    "missing": None,
    "empty": b"",
    "wrong columns": b"just_one_column\nx\n",
    "not utf8": b"gene,x\nab\xff\xfe,1\n",
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_leaves_graph_unchanged(case: str, clean_db: Database, tmp_path: Path) -> None:
    clean_db.run("CREATE (:Gene {id: '511145:keep', seen_in: ['x']})")
    before = counts(clean_db)
    f = tmp_path / "input.csv"
    if BAD_CASES[case] is not None:
        f.write_bytes(BAD_CASES[case])  # type: ignore[arg-type]
    result = runner.invoke(app, ["ingest", "biogrid", str(f), "--organism", "ecoli"])
    assert result.exit_code == 2, result.output
    assert "input.csv" in result.output
    assert counts(clean_db) == before


def test_truncated_gzip_names_line(clean_db: Database, tmp_path: Path,
                                   shared_data: Path) -> None:
    data = gzip.compress((shared_data / "gne/ecoli/edgelist_biogrid_name.csv").read_bytes())
    f = tmp_path / "edges.csv.gz"
    f.write_bytes(data[: len(data) // 2])
    result = runner.invoke(app, ["ingest", "biogrid", str(f), "--organism", "ecoli"])
    assert result.exit_code == 2
    assert "truncated or corrupt" in result.output
    assert counts(clean_db) == {}


def test_unknown_organism_cli(clean_db: Database, shared_data: Path) -> None:
    result = runner.invoke(app, ["ingest", "biogrid",
                                 str(shared_data / "gne/ecoli/edgelist_biogrid_name.csv"),
                                 "--organism", "martian"])
    assert result.exit_code == 1
    assert "unknown organism" in result.output
    assert counts(clean_db) == {}


def test_failure_mid_write_rolls_back(clean_db: Database, shared_data: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash after some batches were sent leaves nothing behind (one transaction)."""
    from genekg.ingest import writer as ingest_mod

    bundle = get_loader("biogrid").load(shared_data / "gne/ecoli/edgelist_biogrid_name.csv",
                                        LoadOptions(organism=resolve_organism("ecoli")))
    calls = {"n": 0}
    real = ingest_mod._create_edges_query

    def boom(*a: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > 3:
            raise RuntimeError("simulated crash mid-load")
        return real(*a)

    monkeypatch.setattr(ingest_mod, "_create_edges_query", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        ingest_bundle(clean_db, bundle, batch_size=10_000)
    assert counts(clean_db) == {}


def test_ingest_sample_cli(clean_db: Database) -> None:
    result = runner.invoke(app, ["ingest", "sample"])
    assert result.exit_code == 0, result.output
    c = counts(clean_db)
    assert c["INTERACTS_WITH"] == 169595
    assert c["Pathway"] == 6
    assert c["CellLine"] == 6
    assert c["HAS_MUTATION"] == 335  # one row names ENSG00000093100: refused, not a gene
    assert c["TARGETS"] == 1906
    assert c["ExpressionProfile"] == 3899
    again = runner.invoke(app, ["ingest", "sample"])
    assert again.exit_code == 0
    assert counts(clean_db) == c


def test_ingest_list_cli() -> None:
    result = runner.invoke(app, ["ingest", "--list"])
    assert result.exit_code == 0
    for name in ("biogrid", "kegg", "drugs", "cell-lines", "expression", "sample"):
        assert name in result.output


def test_lincs_gctx_streamed_to_parquet(clean_db: Database, shared_data: Path,
                                        tmp_path: Path) -> None:
    f = shared_data / "lincs/l1ktools/modzs_n272x978.gctx"
    results = {}
    for chunk in (7, 10_000):  # chunked streaming gives the same matrix
        store = tmp_path / f"c{chunk}"
        bundle = get_loader("lincs").load(f, LoadOptions(source=LincsOptions(
            cell="MCF7", chunk=chunk, store=store, dataset="modzs_mcf7")))
        results[chunk] = pd.read_parquet(store / "modzs_mcf7.parquet")
    assert results[7].shape == (25, 978)
    assert results[7].equals(results[10_000])
    added = ingest_bundle(clean_db, bundle).added
    assert added["(:Dataset)"] == 1
    ds = clean_db.run("MATCH (d:Dataset {id: 'lincs:modzs_mcf7'}) RETURN d.n_signatures AS n, "
                      "d.cells AS c")[0]
    assert ds == {"n": 25, "c": ["MCF7"]}
    assert added["(:Drug)-[:PROFILED_IN]->(:Dataset)"] == clean_db.scalar(
        "MATCH (:Drug)-[r:PROFILED_IN]->() RETURN count(r) AS n") > 0


def test_lincs_gct_text_level3(shared_data: Path, tmp_path: Path) -> None:
    f = shared_data / "lincs/cmapPy_tests/test_l1000.gct"
    b = get_loader("lincs").load(f, LoadOptions(source=LincsOptions(store=tmp_path, dataset="ljp")))
    m = pd.read_parquet(tmp_path / "ljp.parquet")
    assert m.shape == (377, 978)
    assert b.nodes["Dataset"]["lincs:ljp"]["cells"] == ["A375"]
    gctx = get_loader("lincs").load(shared_data / "lincs/cmapPy_tests/"
                                    "test_l1000_highprecision.gctx",
                                    LoadOptions(source=LincsOptions(store=tmp_path, dataset="h")))
    h = pd.read_parquet(tmp_path / "h.parquet")
    assert h.shape == (377, 978) and gctx.nodes["Dataset"]["lincs:h"]["n_signatures"] == 377
    # same plate: same genes and signatures in the same order (values differ: the GCT is
    # level-3 log expression, the high-precision GCTX holds other values)
    assert list(m.columns) == list(h.columns)
    assert (pd.read_parquet(tmp_path / "ljp.signatures.parquet")["id"]
            == pd.read_parquet(tmp_path / "h.signatures.parquet")["id"]).all()
    assert 5 < float(np.nanmedian(m.to_numpy())) < 15


def test_lincs_unknown_cell_line(shared_data: Path, tmp_path: Path) -> None:
    from genekg.errors import InputError

    with pytest.raises(InputError, match="no signature for cell line 'NOPE'"):
        get_loader("lincs").load(shared_data / "lincs/l1ktools/modzs_n272x978.gctx",
                                 LoadOptions(source=LincsOptions(cell="NOPE", store=tmp_path)))


EXACT = [
    ("expression", "expression/ecoli_covert2004/covert2004_gds680_rma_expr.tsv.gz", "ecoli",
     ["id_mapping/ecoli_k12_uniprot_bnumber_gene_derived.tsv"], {"(:ExpressionProfile)": 4059}),
    ("expression", "expression/yeast_gasch2000/gasch2000_stress_expr.tsv.gz", "yeast", [],
     {"(:ExpressionProfile)": 6152}),
    ("expression", "expression/yeast_spellman1998/spellman1998_cellcycle_expr.tsv.gz", "yeast",
     [], {"(:ExpressionProfile)": 6143}),
    ("expression", "expression/yeast_brauer2008/Brauer2008_DataSet1.tds.gz", "yeast", [],
     {"(:ExpressionProfile)": 5536}),
    ("cell-lines", "cell_lines/gdsc/genomic_features.tsv.gz", None, [],
     {"(:CellLine)": 988, "(:Gene)": 47, "(:CellLine)-[:HAS_MUTATION]->(:Gene)": 1474}),
    ("cell-lines", "cell_lines/gdsc/cosmic_info.csv.gz", None, [], {"(:CellLine)": 1001}),
    ("cell-lines", "cell_lines/gdsc/cancer_cell_lines.csv", None, [], {"(:CellLine)": 707}),
    ("drugs", "lincs/dhimmel_lincs/pertinfo.tsv.gz", None, [], {"(:Drug)": 20413}),
    ("biogrid", "biogrid/GreenCUBIC_BioGRID-PPI/"
     "Homo_sapiens-4.2.192_ID_9606_c2_positive_interactions.tsv", None,
     ["id_mapping/uniprot_human_reviewed_gene_names.tab.gz"],
     {"(:Gene)": 6362, "(:Gene)-[:INTERACTS_WITH]->(:Gene)": 16723}),
    ("biogrid", "biogrid/GreenCUBIC_BioGRID-PPI/"
     "Escherichia_coli_K12_MG1655-3.5.187_ID_511145_positive_interactions.tsv", None,
     ["id_mapping/ecoli_k12_uniprot_bnumber_gene_derived.tsv"],
     {"(:Gene)": 1138, "(:Gene)-[:INTERACTS_WITH]->(:Gene)": 1705}),
    ("kegg", "kegg/kgml_KEGGgraph_2008", None, ["lincs/dhimmel_lincs/geneinfo.tsv.gz"],
     {"(:Gene)": 868, "(:Pathway)": 13, "(:Gene)-[:IN_PATHWAY]->(:Pathway)": 1296,
      "(:Gene)-[:KEGG_RELATION]->(:Gene)": 4041}),
    ("kegg-drugs", "kegg/drug_targets_PyDTI/e_admat_dgc.txt", None,
     ["lincs/dhimmel_lincs/geneinfo.tsv.gz"],
     {"(:Drug)": 445, "(:Gene)": 662, "(:Drug)-[:TARGETS]->(:Gene)": 2924}),
]


@pytest.mark.parametrize(("source", "rel", "organism", "maps", "expected"), EXACT,
                         ids=[e[1].split("/")[-1][:40] for e in EXACT])
def test_exact_counts_per_source(clean_db: Database, shared_data: Path, source: str, rel: str,
                                 organism: str | None, maps: list[str],
                                 expected: dict[str, int]) -> None:
    kw: dict[str, object] = {"id_maps": [shared_data / m for m in maps]}
    if organism:
        kw["organism"] = organism
    added = load(clean_db, source, shared_data / rel, **kw)
    assert {k: added[k] for k in expected} == expected
    again = load(clean_db, source, shared_data / rel, **kw)
    assert sum(again.values()) == 0


def test_concurrent_ingests_never_duplicate(clean_db: Database, shared_data: Path) -> None:
    """Two loads of the same file at the same time: the graph's ingest lock makes one wait
    until the other is live, and it then finds every row there. Exactly one copy of
    everything, both loads succeed.

    The overlap is forced, not hoped for: both start at a barrier, and each load, at its
    first progress report, waits (up to 5 s) for the other to report too: the holder's first
    batch, the other's "waiting for the load of …"."""
    import threading

    from genekg.ingest.writer import LoadReport

    f = shared_data / "gne/ecoli/edgelist_biogrid_name.csv"
    opts = LoadOptions(organism=resolve_organism("ecoli"), release="gne-2019")
    bundles = [get_loader("biogrid").load(f, opts) for _ in range(2)]
    errors: list[BaseException] = []
    reports: list[LoadReport] = []
    barrier = threading.Barrier(2)
    reached = [threading.Event(), threading.Event()]

    def go(k: int) -> None:
        def progress(_task: str, _done: int, _total: int) -> None:
            if not reached[k].is_set():
                reached[k].set()
                reached[1 - k].wait(timeout=5)

        try:
            barrier.wait()
            reports.append(ingest_bundle(clean_db, bundles[k], progress=progress))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # one load wrote everything; the other waited for it to be live and added nothing
    first, second = sorted(reports, key=lambda r: r.waited)
    assert first.waited < 1.0 < second.waited
    assert first.relationships == second.relationships == 169_595
    assert sum(first.added.values()) == 3_973 + 169_595 and sum(second.added.values()) == 0
    c = counts(clean_db)
    assert c["INTERACTS_WITH"] == 169_595 and c["Gene"] == 3_973
    assert clean_db.scalar("MATCH (a:Gene)-[r:INTERACTS_WITH]->(b:Gene) WITH a, b, count(r) "
                           "AS n WHERE n > 1 RETURN count(*) AS d") == 0


def test_cut_file_is_refused_and_never_downgrades_existing_values(
        clean_db: Database, shared_data: Path, tmp_path: Path) -> None:
    """A cell-line table cut inside BPH-1's row: refused; forced with --allow-partial, the
    graph keeps BPH-1's full value and the summary names the difference; --update-existing
    takes the file's value; a re-run of the whole file changes nothing."""
    full = shared_data / "cell_lines/gdsc/cancer_cell_lines.csv"
    text = full.read_text()
    cut = tmp_path / "cancer_cell_lines.csv"
    cut.write_text(text[: text.index("BPH-1,924105,urogenital_system,prost") + 36])
    assert runner.invoke(app, ["ingest", "cell-lines", str(full)]).exit_code == 0

    def bph1() -> str:
        return str(clean_db.scalar("MATCH (c:CellLine {name: 'BPH-1'}) "
                                   "RETURN c.tissue_subtype AS t"))

    before = counts(clean_db)
    r = runner.invoke(app, ["ingest", "cell-lines", str(cut)], terminal_width=200)
    assert r.exit_code == 2 and "the last line has no line end" in r.output
    assert counts(clean_db) == before and bph1() == "prostate"
    r = runner.invoke(app, ["ingest", "cell-lines", str(cut), "--allow-partial"],
                      terminal_width=200)
    assert r.exit_code == 0, r.output
    assert bph1() == "prostate"
    assert "CellLine.tissue_subtype" in r.output and "'prost'" in r.output
    r = runner.invoke(app, ["ingest", "cell-lines", str(full)], terminal_width=200)
    assert r.exit_code == 0 and "differs" not in r.output  # the whole file: nothing to say
    r = runner.invoke(app, ["ingest", "cell-lines", str(cut), "--allow-partial",
                            "--update-existing"], terminal_width=200)
    assert r.exit_code == 0 and bph1() == "prost"


def test_a_compound_from_two_sources_is_one_drug_without_a_map(
        clean_db: Database, shared_data: Path) -> None:
    """Repurposing Hub loaded without the DrugBank id map lands on the DrugBank nodes by
    InChIKey: imatinib is one node, and its partners are listed once."""
    gm = [shared_data / "lincs/dhimmel_lincs/geneinfo.tsv.gz",
          shared_data / "id_mapping/uniprot_human_reviewed_gene_names.tab.gz"]
    load(clean_db, "drugs", shared_data / "drug_targets/dhimmel_drugbank", id_maps=gm)
    opts = LoadOptions(id_maps=gm)
    report = ingest_bundle(clean_db, get_loader("drugs").load(
        shared_data / "drug_targets/repurposing_hub/Repurposing_Hub_export.txt", opts))
    merged = report.merged["Drug by inchikey"]
    assert len(merged) > 1000 and any(m.endswith("-> DB00619") for m in merged)
    rows = clean_db.run("MATCH (d:Drug) WHERE toLower(d.name) = 'imatinib' "
                        "RETURN d.id AS id, d.seen_in AS seen")
    assert [r["id"] for r in rows] == ["DB00619"]
    assert set(rows[0]["seen"]) == {"drugbank@unversioned", "repurposing-hub@unversioned"}
    # No compound is both a DrugBank node and a Broad-id node (DrugBank itself lists 106
    # InChIKeys under two of its own ids; those are its entries, not genekg's duplicates).
    dupes = clean_db.scalar("MATCH (a:Drug), (b:Drug) WHERE a.inchikey = b.inchikey "
                            "AND a.id STARTS WITH 'DB' AND b.id STARTS WITH 'BRD-' "
                            "RETURN count(*) AS dupes")
    assert dupes == 0


def test_a_server_lost_while_committing_says_the_outcome_is_unknown(
        clean_db: Database, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server commits the load and goes away before the answer arrives (as `genekg
    server stop` during a load can do): the message must not claim nothing was committed;
    the re-run it suggests changes nothing."""
    import neo4j
    from neo4j.exceptions import ServiceUnavailable

    real_commit = neo4j.Transaction.commit

    def commit_then_lose_the_answer(self: neo4j.Transaction) -> None:
        real_commit(self)
        raise ServiceUnavailable("connection closed by the server")

    f = shared_data / "gne/ecoli/edgelist_biogrid_name.csv"
    monkeypatch.setattr(neo4j.Transaction, "commit", commit_then_lose_the_answer)
    r = runner.invoke(app, ["ingest", "biogrid", str(f), "-o", "ecoli"], terminal_width=200)
    monkeypatch.undo()
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "may or may not have been committed" in r.output
    assert "nothing was committed" not in r.output and "as it was" not in r.output
    loaded = counts(clean_db)
    assert loaded["INTERACTS_WITH"] > 0  # it had been committed
    r = runner.invoke(app, ["ingest", "biogrid", str(f), "-o", "ecoli"])
    assert r.exit_code == 0 and counts(clean_db) == loaded


def test_lincs_consensus_onto_drugbank_drugs(clean_db: Database, shared_data: Path,
                                             tmp_path: Path) -> None:
    gm = shared_data / "lincs/dhimmel_lincs/geneinfo.tsv.gz"
    load(clean_db, "drugs", shared_data / "drug_targets/dhimmel_drugbank",
         id_maps=[gm, shared_data / "id_mapping/uniprot_human_reviewed_gene_names.tab.gz"])
    drugs_before = counts(clean_db)["Drug"]
    f = shared_data / "lincs/dhimmel_lincs/consensi-drugbank.tsv.gz"
    r = runner.invoke(app, ["ingest", "lincs-consensus", str(f), "--id-map", str(gm)],
                      terminal_width=200)
    assert r.exit_code == 0, r.output
    c = counts(clean_db)
    assert c["Drug"] == drugs_before and c["PROFILED_IN"] == 1170  # all onto DrugBank nodes
    row = clean_db.run("MATCH (d:Drug {id: 'DB00014'})-[:PROFILED_IN]->(s:Dataset) "
                       "RETURN d.name AS name, size(d.consensus_signature) AS n, "
                       "size(s.genes_symbol) AS genes")[0]
    assert row["n"] == row["genes"] == 978 and row["name"]  # DrugBank's name kept
    again = runner.invoke(app, ["ingest", "lincs-consensus", str(f), "--id-map", str(gm)])
    assert again.exit_code == 0 and counts(clean_db) == c
    # The same dataset from a file with one gene column fewer (every column maps): its
    # signatures would index into another gene order, so the load is refused whole.
    with gzip.open(f, "rt") as fh:
        lines = [fh.readline() for _ in range(3)]
    short = tmp_path / "consensi-short.tsv"
    short.write_text("".join("\t".join(ln.rstrip("\n").split("\t")[:-1]) + "\n"
                             for ln in lines))
    before = clean_db.run("MATCH (d:Drug) WHERE d.consensus_signature IS NOT NULL "
                          "RETURN size(d.consensus_signature) AS n, count(*) AS c")
    r = runner.invoke(app, ["ingest", "lincs-consensus", str(short), "--id-map", str(gm)],
                      terminal_width=200)
    assert r.exit_code == 1 and "differs from this file's (977)" in r.output, r.output
    assert f"{short.name}: Dataset" in r.output  # the file is named
    assert "Traceback" not in r.output
    assert clean_db.run("MATCH (d:Drug) WHERE d.consensus_signature IS NOT NULL "
                        "RETURN size(d.consensus_signature) AS n, count(*) AS c") == before
    assert before == [{"n": 978, "c": 1170}]
