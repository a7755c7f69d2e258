"""Cancer cell lines and their mutations: COSMIC Cell Lines Project and GDSC tables, plus
Cancer Gene Census flags on genes.

`CellLine` super nodes have id `COSMIC:<COSMIC sample id>` (MCF7 = COSMIC:905946) so that
COSMIC and GDSC rows of one line land on one node; `HAS_MUTATION` edges point to human
genes by HGNC symbol and accumulate the amino-acid changes / mutation types seen.

* COSMIC CLP export (`CosmicCLP_MutantExport.tsv(.gz)`, 38 columns): one row per mutation;
  gene names with a transcript suffix (`KRAS_ENST...`) are reduced to the symbol.
* GDSC `cancer_cell_lines.csv` (NAME, COSMIC, TISSUE, ...) and `cosmic_info.csv(.gz)`:
  cell-line nodes only.
* GDSC `genomic_features.tsv(.gz)`: a `<GENE>_mut` column per gene, 1 = mutated.
* GDSC/OmniBEM alterations (`COSMIC.ID, GENE, SAMPLE, TYPE`): `Point.mutation` rows become
  HAS_MUTATION; amplification/deletion/methylation are not mutations and are reported as
  skipped.
* Cancer Gene Census (`cancer_gene_census.csv`): `cgc`, `cgc_role`, `cgc_tier` on genes.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from genekg.errors import InputError
from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import Bundle, LoadOptions, require_file
from genekg.loaders.genes import add_canonical_gene, map_gene
from genekg.loaders.tables import read_table, table_columns
from genekg.organisms import resolve_organism

LICENCE_COSMIC = "COSMIC: academic/non-commercial terms (cancer.sanger.ac.uk)"
LICENCE_GDSC = "GDSC: academic terms (cancerrxgene.org)"


def cell_line_id(cosmic_id: str) -> str:
    """The CellLine id of a COSMIC id (`COSMIC:<id>`)."""
    return f"COSMIC:{cosmic_id.strip()}"


class CellLinesLoader:
    """GDSC/COSMIC cell lines and their mutations -> CellLine, HAS_MUTATION."""
    name: ClassVar[str] = "cell-lines"
    summary: ClassVar[str] = "Cell lines + mutations (COSMIC CLP export, GDSC tables, CGC)"
    formats: ClassVar[str] = (
        "CosmicCLP_MutantExport.tsv(.gz); GDSC cancer_cell_lines.csv, cosmic_info.csv, "
        "genomic_features.tsv, *genomic_alterations.csv; cancer_gene_census.csv"
    )

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read a cell-line table or a mutation table (recognised by its header)."""
        require_file(path)
        mapper = IdMapper.from_files(resolve_organism("human"), options.id_maps)
        cols = set(table_columns(path))
        release = options.release or "unversioned"
        if {"Gene name", "Sample name", "ID_sample", "Mutation AA"} <= cols:
            b = Bundle("cosmic-clp", release, [path], LICENCE_COSMIC)
            self._cosmic(b, path, mapper)
        elif {"NAME", "COSMIC", "TISSUE"} <= cols:
            b = Bundle("gdsc", release, [path], LICENCE_GDSC)
            for _, r in read_table(path, ["NAME", "COSMIC", "TISSUE"]):
                b.node("CellLine", cell_line_id(r["COSMIC"]), name=r["NAME"],
                       cosmic_id=r["COSMIC"], tissue=r["TISSUE"],
                       tissue_subtype=r.get("TISSUE_SUB_TYPE"))
        elif {"SAMPLE_NAME", "COSMIC_ID"} <= cols:
            b = Bundle("gdsc", release, [path], LICENCE_GDSC)
            for _, r in read_table(path, ["SAMPLE_NAME", "COSMIC_ID"]):
                b.node("CellLine", cell_line_id(r["COSMIC_ID"]), name=r["SAMPLE_NAME"],
                       cosmic_id=r["COSMIC_ID"], cancer_type=r.get("TCGA") or None,
                       tissue=r.get("GDSC1") or None, msi=r.get("MMR") or None)
        elif {"COSMIC_ID", "Sample Name"} <= cols:
            b = Bundle("gdsc", release, [path], LICENCE_GDSC)
            self._features(b, path, mapper, sorted(cols))
        elif {"COSMIC.ID", "GENE", "SAMPLE", "TYPE"} <= cols:
            b = Bundle("gdsc", release, [path], LICENCE_GDSC)
            self._alterations(b, path, mapper)
        elif {"Gene Symbol", "Role in Cancer"} <= cols:
            b = Bundle("cancer-gene-census", release, [path], LICENCE_COSMIC)
            for _, r in read_table(path, ["Gene Symbol", "Role in Cancer"]):
                canonical = map_gene(mapper, r["Gene Symbol"], "symbol", b.issues)
                if canonical:
                    add_canonical_gene(b, mapper, canonical, entrez=r.get("Entrez GeneId", ""),
                                       name=r.get("Name", ""))
                    gene = b.nodes["Gene"][mapper.organism.gene_id(canonical)]
                    gene.update({"cgc": True, "cgc_role": r["Role in Cancer"] or None,
                                 "cgc_tier": r.get("Tier") or None})
        else:
            raise InputError(f"not a known cell-line table (header: {sorted(cols)[:8]})",
                             path=str(path), line=1, hint=f"Expected: {self.formats}")
        return b

    def _mutation(self, b: Bundle, mapper: IdMapper, line_id: str, symbol: str, where: str,
                  **props: list[str]) -> None:
        canonical = map_gene(mapper, symbol, "symbol", b.issues)
        if canonical is None:
            b.issues.skip("unmapped gene", where)
            return
        gid = add_canonical_gene(b, mapper, canonical)
        b.edge("HAS_MUTATION", ("CellLine", line_id), ("Gene", gid),
               **{k: v for k, v in props.items() if v})

    def _cosmic(self, b: Bundle, path: Path, mapper: IdMapper) -> None:
        req = ["Gene name", "Sample name", "ID_sample", "Primary site", "Primary histology",
               "Mutation ID", "Mutation AA", "Mutation Description"]
        for lineno, r in read_table(path, req, sep="\t"):
            lid = cell_line_id(r["ID_sample"])
            b.node("CellLine", lid, name=r["Sample name"], cosmic_id=r["ID_sample"],
                   tissue=r["Primary site"], cancer_type=r["Primary histology"])
            symbol = r["Gene name"].split("_ENST")[0]
            self._mutation(b, mapper, lid, symbol, f"{path.name}:{lineno}",
                           aa_changes=[r["Mutation AA"]] if r["Mutation AA"] else [],
                           types=[r["Mutation Description"]] if r["Mutation Description"] else [],
                           cosmic_mutation_ids=[r["Mutation ID"]] if r["Mutation ID"] else [])

    def _features(self, b: Bundle, path: Path, mapper: IdMapper, cols: list[str]) -> None:
        genes = [c for c in cols if c.endswith("_mut")]
        for lineno, r in read_table(path, ["COSMIC_ID", "Sample Name"], sep="\t"):
            lid = cell_line_id(r["COSMIC_ID"])
            b.node("CellLine", lid, name=r["Sample Name"], cosmic_id=r["COSMIC_ID"],
                   tissue=r.get("TISSUE_FACTOR") or None)
            for c in genes:
                v = r.get(c, "")
                if v not in ("0", "1", ""):
                    raise InputError(f"column {c} must be 0/1, found {v!r}", path=str(path),
                                     line=lineno)
                if v == "1":
                    self._mutation(b, mapper, lid, c[: -len("_mut")], f"{path.name}:{lineno}",
                                   types=["GDSC genomic feature"])

    def _alterations(self, b: Bundle, path: Path, mapper: IdMapper) -> None:
        for lineno, r in read_table(path, ["COSMIC.ID", "GENE", "SAMPLE", "TYPE"]):
            if r["TYPE"] != "Point.mutation":
                b.issues.skip(f"not a mutation ({r['TYPE']})", f"{path.name}:{lineno}")
                continue
            lid = cell_line_id(r["COSMIC.ID"])
            b.node("CellLine", lid, name=r["SAMPLE"], cosmic_id=r["COSMIC.ID"],
                   cancer_type=r.get("TISSUE.TYPE") or None)
            self._mutation(b, mapper, lid, r["GENE"], f"{path.name}:{lineno}",
                           types=["point mutation"])
