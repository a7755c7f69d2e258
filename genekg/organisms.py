"""Organisms genekg knows, keyed by NCBI taxon id, and their canonical gene namespace.

Gene node ids are `<taxon>:<canonical>`: HGNC symbol for human, systematic ORF name for
yeast (many ORFs have no standard name), gene symbol for E. coli K-12 (the namespace of
BioGRID/GNE and DREAM5 network 3). Other identifiers are kept as properties.
"""

from __future__ import annotations

from dataclasses import dataclass

from genekg.errors import GenekgError


@dataclass(frozen=True)
class Organism:
    """An organism genekg knows: taxon, names and its canonical gene namespace."""
    taxon: int
    name: str
    short: str
    canonical: str  # namespace of the canonical gene id
    aliases: tuple[str, ...] = ()

    def gene_id(self, canonical: str) -> str:
        """The graph id of a gene (`<taxon>:<canonical id>`)."""
        return f"{self.taxon}:{canonical}"


ORGANISMS: tuple[Organism, ...] = (
    Organism(9606, "Homo sapiens", "human", "symbol", ("hsa", "hs", "homo_sapiens")),
    Organism(559292, "Saccharomyces cerevisiae S288C", "yeast", "orf",
             ("sce", "4932", "s.cerevisiae", "saccharomyces_cerevisiae")),
    Organism(511145, "Escherichia coli K-12 MG1655", "ecoli", "symbol",
             ("eco", "e.coli", "83333", "escherichia_coli", "e_coli")),
)


def resolve_organism(value: str | int) -> Organism:
    """An organism by name, alias or taxon id; GenekgError listing the known ones otherwise."""
    key = str(value).strip().lower().replace(" ", "_")
    for org in ORGANISMS:
        if key in (str(org.taxon), org.short, org.name.lower().replace(" ", "_"), *org.aliases):
            return org
    known = ", ".join(f"{o.short} ({o.taxon})" for o in ORGANISMS)
    raise GenekgError(f"unknown organism {value!r}", hint=f"Known organisms: {known}")


def organism_by_taxon(taxon: int) -> Organism | None:
    """The organism with this taxon id, or None."""
    return next((o for o in ORGANISMS if o.taxon == taxon), None)
