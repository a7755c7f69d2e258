"""Helpers shared by loaders: turning a raw gene identifier into a Gene record."""

from __future__ import annotations

import re

from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import Bundle, Issues
from genekg.organisms import Organism

UNIPROT = re.compile(
    r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})(-\d+)?$"
)


def guess_namespace(values: list[str], organism: Organism) -> str:
    """UniProt accessions if most of the sample looks like them, else the canonical one."""
    sample = [v for v in values[:500] if v]
    if sample and sum(bool(UNIPROT.match(v)) for v in sample) > 0.8 * len(sample):
        return "uniprot"
    return organism.canonical


def map_gene(mapper: IdMapper, raw: str, namespace: str, issues: Issues) -> str | None:
    """Canonical id of `raw`, or None (counted as unmapped).

    A UniProt accession inside a symbol column (mixed lists such as `TP53 P04637`) goes
    through the UniProt map when one is given, so it lands on its gene instead of becoming
    a gene named `P04637`; one the map lacks is dropped and counted, unless the map knows
    it as a symbol (a few symbols, e.g. H2BC12, look like accessions). Without a map it is
    kept and the summary warns.
    """
    canonical = mapper.map(raw, namespace)
    if canonical is not None and namespace == "symbol" and UNIPROT.match(raw.strip()):
        via = mapper.map(raw, "uniprot")
        if via is not None:
            return via
        if mapper.has("uniprot") and canonical not in mapper.props:
            issues.unmapped_id("uniprot (not in --id-map)", raw)
            return None
        if not mapper.has("uniprot"):
            issues.warn("kept as a symbol though it looks like a UniProt accession "
                        "(pass --id-map)", raw)
    if canonical is None:
        issues.unmapped_id(namespace, raw)
    return canonical


def add_gene(
    bundle: Bundle, mapper: IdMapper, raw: str, namespace: str, issues: Issues, **extra: str
) -> str | None:
    """Map `raw` to the canonical namespace and add the Gene node; None if unmapped."""
    canonical = map_gene(mapper, raw, namespace, issues)
    return None if canonical is None else add_canonical_gene(bundle, mapper, canonical, **extra)


def add_canonical_gene(bundle: Bundle, mapper: IdMapper, canonical: str, **extra: str) -> str:
    """Add the Gene node of a canonical id with the mapper's properties; its graph id."""
    org = mapper.organism
    gid = org.gene_id(canonical)
    props: dict[str, str | int] = {"organism": org.taxon}
    props.update(mapper.gene_props(canonical))
    if org.canonical == "symbol":
        props["symbol"] = canonical
    else:
        props["systematic_name"] = canonical
        props.setdefault("symbol", canonical)
    props.update({k: v for k, v in extra.items() if v})
    bundle.node("Gene", gid, **props)
    return gid
