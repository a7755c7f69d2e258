"""Loaders on tiny hand-written inputs (no server)."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import pytest

from genekg.errors import GenekgError, InputError
from genekg.ingest.idmap import IdMapper
from genekg.loaders import REGISTRY, get_loader
from genekg.loaders.base import Bundle, LoadOptions, iter_lines
from genekg.loaders.biogrid import BioGridLoader, BiogridOptions
from genekg.loaders.expression import ExpressionLoader, ExpressionOptions, guess_id_type
from genekg.organisms import resolve_organism

FIX = Path(__file__).resolve().parents[1] / "fixtures"


def test_registry_lists_every_source_and_unknown_name_helps() -> None:
    assert set(REGISTRY) == {"biogrid", "kegg", "kegg-drugs", "drugs", "cell-lines",
                             "expression", "lincs", "lincs-consensus"}
    with pytest.raises(Exception, match="unknown source") as info:
        get_loader("nope")
    assert "biogrid" in (info.value.hint or "")  # type: ignore[attr-defined]


def test_edge_list_dedup_selfloop_and_canonical_order(tmp_path: Path) -> None:
    f = tmp_path / "edges.csv"
    f.write_text("b,a\na,b\nc,c\na,c\n")
    b = BioGridLoader().load(f, LoadOptions(organism=resolve_organism("ecoli")))
    edges = b.edges[("INTERACTS_WITH", "Gene", "Gene")]
    assert sorted(edges) == [("511145:a", "511145:b"), ("511145:a", "511145:c")]
    assert b.issues.skipped == {"duplicate pair": 1, "self-interaction": 1}
    assert set(b.nodes["Gene"]) == {"511145:a", "511145:b", "511145:c"}


def test_edge_list_bad_row_names_line(tmp_path: Path) -> None:
    f = tmp_path / "edges.csv"
    f.write_text("a,b\nonlyone\n")
    with pytest.raises(InputError, match=r"edges.csv:2: expected 2 columns"):
        BioGridLoader().load(f, LoadOptions(organism=resolve_organism("ecoli")))


def test_uniprot_edge_list_without_map_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "ppi.tsv"
    f.write_text("P32657\tP43639\nQ12046\tP53333\n")
    with pytest.raises(InputError, match="uniprot"):
        BioGridLoader().load(f, LoadOptions(organism=resolve_organism("yeast")))


def test_biogrid_tab2_filters_organism_type_selfloops() -> None:
    f = FIX / "BIOGRID-ORGANISM-Saccharomyces_cerevisiae_S288c-4.4.999.tab2.txt"
    b = BioGridLoader().load(f, LoadOptions(organism=resolve_organism("yeast")))
    assert b.release == "4.4.999"
    edges = b.edges[("INTERACTS_WITH", "Gene", "Gene")]
    assert sorted(edges) == [("559292:YAL001C", "559292:YBR160W"),
                             ("559292:YGR001W", "559292:YHR001W")]
    assert edges[("559292:YAL001C", "559292:YBR160W")]["experimental_system"] == "Two-hybrid"
    assert b.issues.skipped == {"duplicate pair": 1, "not physical": 1,
                                "self-interaction": 1, "other organism": 1}
    allb = BioGridLoader().load(f, LoadOptions(organism=resolve_organism("yeast"),
                                               source=BiogridOptions(interaction_type="all")))
    assert len(allb.edges[("INTERACTS_WITH", "Gene", "Gene")]) == 3


def test_dream5_format_drops_decoys_and_maps_ids(tmp_path: Path) -> None:
    ids = tmp_path / "net3_gene_ids.tsv"
    ids.write_text("#ID\tName\nG1\tdnaA\nG2\tdnaN\nG3\tdecoy12\nG4\trecF\n")
    b = ExpressionLoader().load(
        FIX / "net3_expression_fixture.tsv",
        LoadOptions(organism=resolve_organism("ecoli"), id_maps=[ids],
                    source=ExpressionOptions(orientation="genes-columns", dataset="d5")))
    assert set(b.nodes["ExpressionProfile"]) == {"d5|511145:dnaA", "d5|511145:dnaN",
                                                 "d5|511145:recF"}
    assert b.issues.skipped == {"DREAM5 decoy": 1}
    recf = b.nodes["ExpressionProfile"]["d5|511145:recF"]["values"]
    assert recf[0] == 3.0 and math.isnan(recf[1]) and recf[2] == 4.0
    assert b.nodes["Dataset"]["expr:d5"]["n_samples"] == 3


def test_expression_bad_value_names_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "m.tsv"
    f.write_text("gene\ts1\ts2\ndnaA\t1.0\t2.0\ndnaN\t1.0\tabc\n")
    with pytest.raises(InputError, match=r"m.tsv:3: column 's2': 'abc' is not a number"):
        ExpressionLoader().load(f, LoadOptions(organism=resolve_organism("ecoli")))


def test_guess_id_type() -> None:
    assert guess_id_type(["b0001", "b0002"]) == "bnumber"
    assert guess_id_type(["944742", "945803"]) == "entrez"
    assert guess_id_type(["YAL001C", "YBR160W"]) == "orf"
    assert guess_id_type(["G1", "G22"]) == "dream5"
    assert guess_id_type(["P32657", "Q12046"]) == "uniprot"
    assert guess_id_type(["dnaA", "recF"]) == "symbol"


def test_iter_lines_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tsv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        list(iter_lines(empty))
    latin = tmp_path / "latin1.tsv"
    latin.write_bytes(b"a\tb\nbad \xe9 here\tx\n")
    with pytest.raises(InputError, match=r"latin1.tsv:2: not UTF-8"):
        list(iter_lines(latin))
    full = gzip.compress(("x\ty\n" * 5000).encode())
    trunc = tmp_path / "trunc.tsv.gz"
    trunc.write_bytes(full[: len(full) // 2])
    with pytest.raises(InputError, match="truncated or corrupt"):
        list(iter_lines(trunc))
    with pytest.raises(InputError, match="file not found"):
        list(iter_lines(tmp_path / "missing.tsv"))


def test_unknown_organism_lists_known() -> None:
    with pytest.raises(Exception, match="unknown organism") as info:
        resolve_organism("martian")
    assert "ecoli" in (info.value.hint or "")  # type: ignore[attr-defined]


def test_idmap_rejects_unknown_table(tmp_path: Path) -> None:
    f = tmp_path / "x.tsv"
    f.write_text("foo\tbar\n1\t2\n")
    with pytest.raises(InputError, match="not a known identifier-mapping table"):
        IdMapper.from_files(resolve_organism("human"), [f])


def test_bundle_list_props_accumulate() -> None:
    b = Bundle("s", "r", [])
    assert b.edge("KEGG_RELATION", ("Gene", "x"), ("Gene", "y"), pathways=["p1"])
    assert not b.edge("KEGG_RELATION", ("Gene", "x"), ("Gene", "y"), pathways=["p2"])
    assert b.edges[("KEGG_RELATION", "Gene", "Gene")][("x", "y")]["pathways"] == ["p1", "p2"]
    # directed types keep their direction
    assert b.edge("KEGG_RELATION", ("Gene", "y"), ("Gene", "x"))


def test_biogrid_tab3_layout() -> None:
    f = FIX / "BIOGRID-ORGANISM-Escherichia_coli_K12_MG1655-4.4.999.tab3.txt"
    b = BioGridLoader().load(f, LoadOptions(organism=resolve_organism("ecoli")))
    edges = b.edges[("INTERACTS_WITH", "Gene", "Gene")]
    assert list(edges) == [("511145:thrA", "511145:thrL")]
    assert edges[("511145:thrA", "511145:thrL")]["pubmed"] == "PUBMED:1"
    assert b.issues.skipped == {"not physical": 1}
    assert b.release == "4.4.999"


def test_unknown_table_is_refused_not_loaded_as_edges(tmp_path: Path) -> None:
    """A 4-column CSV used to load its header row as an interaction (foo–bar)."""
    f = tmp_path / "mystery.csv"
    f.write_text("foo,bar,baz,qux\n1,2,3,4\n")
    with pytest.raises(InputError, match=r"mystery.csv:1: expected 2 columns .* found 4") as e:
        BioGridLoader().load(f, LoadOptions(organism=resolve_organism("human")))
    assert "BioGRID TAB2/TAB3" in (e.value.hint or "")


def test_mostly_unmapped_load_is_refused_unless_allowed(tmp_path: Path) -> None:
    from genekg.errors import GenekgError
    from genekg.ingest.checks import check_partial

    b = Bundle("drugs", "1", [])
    b.edge("TARGETS", ("Drug", "DB1"), ("Gene", "9606:TP53"))
    for i in range(5):
        b.issues.unmapped_id("uniprot", f"P{i:05d}")
    with pytest.raises(GenekgError, match="5 identifier occurrences could not be mapped"):
        check_partial(b, Path("x.tsv"), allow_partial=False)
    check_partial(b, Path("x.tsv"), allow_partial=True)  # said on purpose: fine


def test_a_gene_property_table_is_judged_by_its_genes_not_its_missing_relationships(
        shared_data: Path) -> None:
    """The real Cancer Gene Census (593 genes, no relationships, one unusable row) was
    refused by the mapped-share rule with a hint no --id-map could satisfy."""
    from genekg.errors import GenekgError
    from genekg.ingest.checks import check_partial

    f = shared_data / "cosmic/cancer_gene_census.csv"
    b = get_loader("cell-lines").load(f, LoadOptions())
    assert not b.edges and len(b.nodes["Gene"]) == 593 and sum(b.issues.unmapped.values()) == 1
    check_partial(b, f, allow_partial=False)
    empty = Bundle("cell-lines", "1", [])
    empty.issues.unmapped_id("symbol", "???")
    with pytest.raises(GenekgError, match="only 0 nodes would be loaded"):
        check_partial(empty, f, allow_partial=False)


def test_issue_examples_are_clipped() -> None:
    b = Bundle("x", "1", [])
    b.issues.unmapped_id("symbol", "A" * 5_000_000)
    b.issues.skip("bad row", "B" * 1000)
    (ex,) = b.issues.unmapped_examples["symbol"]
    assert len(ex) < 200 and "5,000,000 chars" in ex
    assert len(b.issues.skipped_examples["bad row"][0]) < 200


def test_accessions_in_a_symbol_list_land_on_their_gene(tmp_path: Path,
                                                         shared_data: Path) -> None:
    # Mixed list: TP53's accession P04637 must map to TP53, not become gene 9606:P04637;
    # an accession the map lacks is dropped and counted; H2BC12 (looks like one) stays.
    umap = shared_data / "id_mapping" / "uniprot_human_reviewed_gene_names.tab.gz"
    f = tmp_path / "mixed.csv"
    f.write_text("TP53,MDM2\nP04637,CDKN1A\nH2BC12,TP53\nA0A000,TP53\n")
    org = resolve_organism("human")
    b = BioGridLoader().load(f, LoadOptions(organism=org, id_maps=[umap]))
    genes = set(b.nodes["Gene"])
    assert "9606:P04637" not in genes and {"9606:TP53", "9606:CDKN1A", "9606:H2BC12"} <= genes
    assert ("9606:CDKN1A", "9606:TP53") in b.edges[("INTERACTS_WITH", "Gene", "Gene")]
    assert b.issues.unmapped == {"uniprot (not in --id-map)": 1}
    # Without a map the accession is kept, but the summary says so; real symbols that
    # look like accessions (H2BC12, P2RY12) are not warned about.
    g = tmp_path / "mixed2.csv"
    g.write_text(f.read_text() + "P2RY12,TP53\n")
    nb = BioGridLoader().load(g, LoadOptions(organism=org))
    assert "9606:P04637" in nb.nodes["Gene"] and "9606:P2RY12" in nb.nodes["Gene"]
    assert nb.issues.warning_examples[next(iter(nb.issues.warnings))] == ["P04637", "A0A000"]
    assert sum(nb.issues.warnings.values()) == 2


@pytest.mark.parametrize("header", ["gene_a,gene_b", "source,target", "Interactor A,Interactor B",
                                    "protein1,protein2"])
def test_edge_list_header_row_is_never_an_interaction(tmp_path: Path, header: str) -> None:
    f = tmp_path / "edges.csv"
    f.write_text(f"{header}\nID1,TP53\nMDM2,TP53\n")  # ID1 is a gene, not a header
    b = BioGridLoader().load(f, LoadOptions(organism=resolve_organism("human")))
    assert sorted(b.edges[("INTERACTS_WITH", "Gene", "Gene")]) == [
        ("9606:ID1", "9606:TP53"), ("9606:MDM2", "9606:TP53")]
    assert b.issues.skipped == {"header row": 1}


# ---------------------------------------------------------------- junk refused (issue 24)
def test_wrong_organism_is_refused_by_file_name_and_by_id_map(tmp_path: Path,
                                                              shared_data: Path) -> None:
    human = shared_data / "biogrid" / "GreenCUBIC_BioGRID-PPI" / \
        "Homo_sapiens-4.2.191_ID_9606_c2_positive_interactions.tsv"
    umap = shared_data / "id_mapping" / "uniprot_human_reviewed_gene_names.tab.gz"
    yeast = resolve_organism("yeast")
    with pytest.raises(InputError, match=r"file name says Homo sapiens \(taxon 9606\) but "
                                         r"--organism is Saccharomyces"):
        BioGridLoader().load(human, LoadOptions(organism=yeast, id_maps=[umap]))
    # The same file under a name that says nothing: the human id map still contradicts it.
    anon = tmp_path / "ppi.tsv"
    anon.write_bytes(human.read_bytes()[:4000].rsplit(b"\n", 1)[0] + b"\n")
    with pytest.raises(InputError, match=r"mapping table is for Homo sapiens"):
        BioGridLoader().load(anon, LoadOptions(organism=yeast, id_maps=[umap]))
    # TAB files carry taxa: a yeast-only TAB2 read as human names what it holds.
    tab = FIX / "BIOGRID-ORGANISM-Saccharomyces_cerevisiae_S288c-4.4.999.tab2.txt"
    with pytest.raises(InputError, match=r"no interaction in this file is between Homo "
                                         r"sapiens genes.*taxon 559292"):
        BioGridLoader().load(tab, LoadOptions(organism=resolve_organism("human")))


def test_identifiers_that_are_not_genes_never_become_genes(tmp_path: Path,
                                                           shared_data: Path) -> None:
    umap = shared_data / "id_mapping" / "uniprot_human_reviewed_gene_names.tab.gz"
    f = tmp_path / "junk.tsv"
    rows = ["\ufeffTP53\tMDM2", "ENSG00000141510\tMDM2", "foo123\tMDM2", "tp53\tCDKN1A",
            "Tp53\tATM", "TP\u200b53\tBRCA1", "TP53\x00\tBRCA2", "7157\tMDM4",
            "MATCH (n) DETACH DELETE n\tMDM2", "C1orf112\tTP53"]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    org = resolve_organism("human")
    b = BioGridLoader().load(f, LoadOptions(organism=org, id_maps=[umap]))
    genes = set(b.nodes["Gene"])
    assert genes == {"9606:TP53", "9606:MDM2", "9606:CDKN1A", "9606:ATM", "9606:C1orf112"}
    assert sorted(b.edges[("INTERACTS_WITH", "Gene", "Gene")]) == [
        ("9606:ATM", "9606:TP53"), ("9606:C1orf112", "9606:TP53"), ("9606:CDKN1A", "9606:TP53"),
        ("9606:MDM2", "9606:TP53")]
    u = b.issues.unmapped
    assert u["ensembl (no --id-map for Ensembl ids)"] == 1
    assert u["entrez (no --id-map for Entrez ids)"] == 1
    assert u["human symbol in lower case, not in --id-map"] == 1  # foo123
    assert u["not an identifier: control or invisible characters"] == 2
    assert u["not a gene identifier"] == 1  # the Cypher text
    assert sum(b.issues.warnings.values()) == 2  # tp53, Tp53 took the map's spelling
    # Without a map a lower-case human symbol cannot be checked: refused, not guessed.
    nb = BioGridLoader().load(f, LoadOptions(organism=org))
    assert "9606:tp53" not in nb.nodes["Gene"] and "9606:foo123" not in nb.nodes["Gene"]


def test_a_file_cut_mid_row_is_refused_unless_allowed(tmp_path: Path) -> None:
    from genekg.loaders.base import accepting_unterminated_files

    f = tmp_path / "Escherichia_coli-4.2.192_ID_511145_edges.tsv"
    f.write_text("dnaK\tdnaJ\ngrpE\tdnaK\nclpB\tdn")  # cut mid-identifier
    with pytest.raises(InputError, match=r"edges.tsv:3: the last line has no line end") as e:
        BioGridLoader().load(f, LoadOptions())
    # a hint every command can follow (expression commands have no --allow-partial)
    assert f"echo >> {f}" in (e.value.hint or "")
    with accepting_unterminated_files():
        b = BioGridLoader().load(f, LoadOptions())
    assert len(b.edges[("INTERACTS_WITH", "Gene", "Gene")]) == 3
    # A byte-order mark at the start is not part of the first identifier.
    g = tmp_path / "bom.tsv"
    g.write_text("\ufeffdnaK\tdnaJ\n", encoding="utf-8")
    assert [line for _, line in iter_lines(g)] == ["dnaK\tdnaJ"]


def test_truncated_gct_is_an_input_error_not_a_traceback(tmp_path: Path) -> None:
    f = tmp_path / "cut.gct"
    f.write_text("#1.3\n978\t2\t1\t1\n")
    with pytest.raises(InputError, match=r"cut.gct: the file ends before the header line"):
        get_loader("lincs").load(f, LoadOptions(organism=resolve_organism("human")))
    f.write_text("#1.3\n1\t2\t1\t1\nid\tpr_gene_symbol\tS1\tS2\n")
    with pytest.raises(InputError, match="ends before 1 column-metadata lines"):
        get_loader("lincs").load(f, LoadOptions(organism=resolve_organism("human")))


def test_infinite_expression_values_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "expr.csv"
    f.write_text("gene,s1,s2\ndnaK,1.0,2.0\ndnaJ,1e400,3.0\n")
    with pytest.raises(InputError, match=r"expr.csv:3: column 's1': '1e400' is infinite"):
        ExpressionLoader().load(f, LoadOptions(organism=resolve_organism("ecoli")))


def test_kgml_relation_to_a_missing_entry_is_counted(tmp_path: Path) -> None:
    f = tmp_path / "hsa99999.xml"
    f.write_text(
        '<?xml version="1.0"?>\n<pathway name="path:hsa99999" org="hsa" number="99999" '
        'title="test">\n'
        '<entry id="1" name="hsa:7157" type="gene"><graphics name="TP53"/></entry>\n'
        '<entry id="2" name="hsa:4193" type="gene"><graphics name="MDM2"/></entry>\n'
        '<entry id="3" name="cpd:C00001" type="compound"/>\n'
        '<relation entry1="1" entry2="2" type="PPrel"><subtype name="binding"/></relation>\n'
        '<relation entry1="1" entry2="9" type="PPrel"/>\n'
        '<relation entry1="3" entry2="2" type="PCrel"/>\n</pathway>\n')
    b = get_loader("kegg").load(f, LoadOptions())
    assert len(b.edges[("KEGG_RELATION", "Gene", "Gene")]) == 1
    assert b.issues.skipped["relation to an entry missing from the file"] == 1
    assert b.issues.skipped["relation to a compound, map or unmapped entry"] == 1


def test_drugbank_skip_reasons_say_what_the_protein_is(tmp_path: Path) -> None:
    d = tmp_path / "dhimmel_drugbank"
    d.mkdir()
    (d / "drugbank.tsv").write_text("drugbank_id\tname\ttype\tgroups\tinchikey\n"
                                    "DB00619\tImatinib\tsmall molecule\tapproved\t"
                                    "InChIKey=KTUFNOKKBVMGRW-UHFFFAOYSA-N\n")
    (d / "proteins.tsv").write_text(
        "drugbank_id\tcategory\tuniprot_id\tentrez_gene_id\torganism\n"
        "DB00619\ttarget\tP00519\t25\tHuman\n"
        "DB00619\tenzyme\tP08684\t1576\tHuman\n"
        "DB00619\ttarget\tP00520\t11350\tMouse\n")
    m = tmp_path / "geneinfo.tsv"
    m.write_text("pr_gene_id\tpr_gene_symbol\n25\tABL1\n1576\tCYP3A4\n")
    b = get_loader("drugs").load(d, LoadOptions(id_maps=[m]))
    assert list(b.edges[("TARGETS", "Drug", "Gene")]) == [("DB00619", "9606:ABL1")]
    assert b.issues.skipped == {"not a target (enzyme)": 1, "target is not a human protein": 1}
    assert b.nodes["Drug"]["DB00619"]["inchikey"] == "KTUFNOKKBVMGRW-UHFFFAOYSA-N"


def test_lincs_consensus_signatures_land_on_their_drugbank_compounds(
        shared_data: Path, tmp_path: Path) -> None:
    f = shared_data / "lincs/dhimmel_lincs/consensi-drugbank.tsv.gz"
    gmap = shared_data / "lincs/dhimmel_lincs/geneinfo.tsv.gz"
    b = get_loader("lincs-consensus").load(f, LoadOptions(id_maps=[gmap]))
    drugs = b.nodes["Drug"]
    assert len(drugs) == 1170 and len(b.edges[("PROFILED_IN", "Drug", "Dataset")]) == 1170
    (ds,) = b.nodes["Dataset"].values()
    assert ds["n_genes"] == 978 == len(ds["genes_symbol"]) and "TP53" in ds["genes_symbol"]
    with gzip.open(f, "rt") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        first = fh.readline().rstrip("\n").split("\t")
    sig = drugs[first[0]]["consensus_signature"]
    assert first[0] == "DB00014" and len(sig) == 978
    col = header.index(ds["genes_entrez"][0])
    assert sig[0] == float(first[col])  # values stay with their gene
    # Without the Entrez map, and with bad rows: clear errors naming line and column.
    with pytest.raises(InputError, match="Entrez -> symbol map"):
        get_loader("lincs-consensus").load(f, LoadOptions())
    bad = tmp_path / "c.tsv"
    bad.write_text("perturbagen\t7157\t4193\nDB00001\t0.5\t1.2\nBRD-K1\t0.1\t0.2\n"
                   "DB00002\t0.5\tinf\n")
    with pytest.raises(InputError, match=r"c.tsv:4: column '4193': 'inf' is not finite"):
        get_loader("lincs-consensus").load(bad, LoadOptions(id_maps=[gmap]))
    bad.write_text("perturbagen\t7157\t4193\nDB00001\t0.5\t1.2\nBRD-K1\t0.1\t0.2\n")
    b = get_loader("lincs-consensus").load(bad, LoadOptions(id_maps=[gmap]))
    assert list(b.nodes["Drug"]) == ["DB00001"]
    assert b.issues.skipped == {"not a DrugBank id": 1}
    # one gene column without a gene: refused, never stored one value short (every value
    # after it would sit on the wrong gene of the dataset's order)
    bad.write_text("perturbagen\t7157\t999999999\t4193\nDB00001\t0.5\t0.7\t1.2\n")
    with pytest.raises(InputError, match=r"c.tsv:1: 1 gene column\(s\) have no gene in the "
                                         r"--id-map: column 3 \('999999999'\)"):
        get_loader("lincs-consensus").load(bad, LoadOptions(id_maps=[gmap]))


def test_renamed_nodes_take_their_relationships_with_them() -> None:
    b = Bundle(source="t", release="1", files=[])
    b.node("Drug", "BRD-K1", name="imatinib", broad_ids=["BRD-K1"])
    b.node("Drug", "DB00619", drugbank_id="DB00619")
    b.node("Gene", "9606:ABL1")
    b.node("Gene", "9606:KIT")
    b.edge("TARGETS", ("Drug", "BRD-K1"), ("Gene", "9606:ABL1"), sources=["hub"])
    b.edge("TARGETS", ("Drug", "DB00619"), ("Gene", "9606:KIT"))
    b.rename_nodes("Drug", {"BRD-K1": "DB00619"})
    assert list(b.nodes["Drug"]) == ["DB00619"]
    assert b.nodes["Drug"]["DB00619"] == {"drugbank_id": "DB00619", "name": "imatinib",
                                          "broad_ids": ["BRD-K1"]}
    assert b.edges[("TARGETS", "Drug", "Gene")] == {("DB00619", "9606:KIT"): {},
                                                    ("DB00619", "9606:ABL1"): {"sources": ["hub"]}}


def test_ncbi_gene_info_maps_entrez_ensembl_and_symbol_of_one_organism(tmp_path: Path) -> None:
    # A gene_info-shaped file (NCBI ships every organism in one): human rows and a yeast row.
    f = tmp_path / "gene_info.tsv"
    f.write_text(
        "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\n"
        "9606\t7157\tTP53\t-\tLFS1\tMIM:191170|HGNC:HGNC:11998|Ensembl:ENSG00000141510\n"
        "9606\t672\tBRCA1\t-\t-\tHGNC:HGNC:1100\n"
        "559292\t852254\tACT1\tYFL039C\t-\tSGD:S000001855\n")
    human = IdMapper.from_files(resolve_organism("human"), [f])
    assert human.map("7157", "entrez") == "TP53" and human.map("672", "entrez") == "BRCA1"
    assert human.map("ENSG00000141510", "ensembl") == "TP53"
    assert human.gene_props("TP53") == {"entrez": "7157", "symbol": "TP53",
                                        "ensembl": "ENSG00000141510"}
    assert human.map("852254", "entrez") is None  # the yeast row is not a human gene
    yeast = IdMapper.from_files(resolve_organism("yeast"), [f])
    assert yeast.map("852254", "entrez") == "YFL039C" and yeast.map("ACT1", "symbol") == "YFL039C"
    with pytest.raises(InputError, match=r"no gene of .*taxon 511145"):
        IdMapper.from_files(resolve_organism("ecoli"), [f])


def test_gencode_table_keeps_one_gene_per_entrez_id(tmp_path: Path) -> None:
    f = tmp_path / "gencode.tsv"
    # a symbol on two Ensembl genes, only one of them with an Entrez id (listed second)
    f.write_text("ensg\tentrez\tsymbol\tgene_type\n"
                 "ENSG00000280000\t\tDUP1\tpseudogene\n"
                 "ENSG00000100000\t9999\tDUP1\tprotein_coding\n"
                 "ENSG00000141510\t7157\tTP53\tprotein_coding\n")
    m = IdMapper.from_files(resolve_organism("human"), [f])
    assert m.map("9999", "entrez") == "DUP1" and m.map("ENSG00000280000", "ensembl") == "DUP1"
    assert m.gene_props("DUP1")["ensembl"] == "ENSG00000100000"  # the Entrez row's gene
    with pytest.raises(InputError, match=r"is for Homo sapiens|is for human"):
        IdMapper.from_files(resolve_organism("ecoli"), [f])


def test_a_source_gets_its_own_typed_options_and_an_option_it_lacks_is_named(
        tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from genekg.cli.main import app
    from genekg.loaders.base import LoadOptions, NoOptions, source_options
    from genekg.loaders.biogrid import BioGridLoader, BiogridOptions
    from genekg.loaders.drugs import DrugsLoader
    from genekg.loaders.expression import ExpressionOptions

    own = source_options(BioGridLoader, {"interaction_type": "all", "id_type": None,
                                         "cell": None})
    assert own == BiogridOptions(interaction_type="all")
    assert LoadOptions(source=own).of(BiogridOptions).id_type is None
    assert LoadOptions().of(BiogridOptions).interaction_type == "physical"  # its default
    assert source_options(DrugsLoader, {"cell": None}) == NoOptions()
    with pytest.raises(GenekgError, match="BiogridOptions given to a loader that takes "
                                          "ExpressionOptions"):
        LoadOptions(source=own).of(ExpressionOptions)
    f = tmp_path / "pairs.tsv"
    f.write_text("a\tb\n")
    r = CliRunner().invoke(app, ["ingest", "biogrid", str(f), "--cell", "A375",
                                 "--orientation", "genes-columns"], terminal_width=200)
    assert r.exit_code == 1
    assert "ingest biogrid does not take --cell, --orientation" in r.output
    assert "Its own options: --id-type, --interaction-type" in r.output
    r = CliRunner().invoke(app, ["ingest", "drugs", str(f), "--dataset", "x"],
                           terminal_width=200)
    assert r.exit_code == 1 and "It takes no options of its own" in r.output


def test_a_bulk_build_is_refused_for_any_server_but_the_local_one(tmp_path: Path) -> None:
    from genekg.ingest.checks import check_bulk_target
    from genekg.server.manager import ServerConfig, ServerManager

    manager = ServerManager(ServerConfig(home=tmp_path / "neo4j"))
    for uri in ("bolt://db.example.org:7687", f"bolt://127.0.0.1:{manager.config.bolt_port + 1}",
                f"bolt://127.0.0.1:{manager.config.bolt_port}"):  # the last: not running
        with pytest.raises(GenekgError, match="--bulk imports offline into the local server"):
            check_bulk_target(uri, manager)
