"""Helpers shared by loaders: turning a raw gene identifier into a Gene record."""

from __future__ import annotations

import re

from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import Bundle, Issues
from genekg.organisms import Organism

UNIPROT = re.compile(
    r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})(-\d+)?$"
)


# Human gene symbols (primary names and synonyms) that match the UniProt accession pattern,
# from UniProt's reviewed human entries (../shared/data/id_mapping/
# uniprot_human_reviewed_gene_names.tab.gz, 43,766 names): kept without a warning.
SYMBOLS_LIKE_ACCESSIONS = frozenset("""
B3GAT1 B3GAT2 B3GAT3 B3GNT1 B3GNT2 B3GNT3 B3GNT4 B3GNT5 B3GNT6 B3GNT7 B3GNT8 B3GNT9 B4GAT1
C1QDC1 C1QDC2 D4S234 E1BAP5 E2FBP1 H2AC11 H2AC12 H2AC13 H2AC14 H2AC15 H2AC16 H2AC17 H2AC18
H2AC19 H2AC20 H2AC21 H2AFB1 H2AFB2 H2AFB3 H2AFY2 H2BC10 H2BC11 H2BC12 H2BC13 H2BC14 H2BC15
H2BC17 H2BC18 H2BC21 K6IRS1 K6IRS2 K6IRS3 K6IRS4 N4WBP5 N6AMT1 N6AMT2 O3FAR1 P2RXL1 P2RY10
P2RY11 P2RY12 P2RY13 P2RY14 P2RY15 R3HCC1 R3HDM1 R3HDM2 R3HDM4 U2AF35 U2AF65
""".split())  # noqa: SIM905 - a table of names, read as one

# Characters no gene identifier holds: C0 controls, NUL, DEL, zero-width and direction
# marks, byte-order marks. An id carrying one is refused, never stored as a look-alike.
INVISIBLE = re.compile("[\x00-\x1f\x7f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# What a gene symbol or systematic name looks like (HGNC, SGD, EcoCyc): no spaces, quotes,
# braces or other query text.
NAME_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-:/@'+]{0,63}$")
ENSEMBL = re.compile(r"^ENS[A-Z]{0,6}[GTPE]\d{11}(\.\d+)?$")
ENTREZ = re.compile(r"^\d+$")
NAME_NAMESPACES = ("symbol", "orf")


def _human_symbol_case(value: str, mapper: IdMapper, issues: Issues) -> str | None:
    """A human symbol written in lower or mixed case (`tp53`, `Tp53`): the map's spelling,
    or None when the map does not know it (HGNC symbols are upper case but for `orf`)."""
    if not re.search("[a-z]", value.replace("orf", "")):
        return value
    known = mapper.known_canonical()
    for candidate in (value.upper(), value.upper().replace("ORF", "orf")):
        if candidate in known:
            issues.warn("written in another case; stored as the map's symbol", value)
            return candidate
    reason = ("human symbol in lower case, not in --id-map" if known else
              "human symbol in lower case (pass --id-map to check it)")
    issues.unmapped_id(reason, value)
    return None


def check_identifier(mapper: IdMapper, raw: str, namespace: str, issues: Issues
                     ) -> tuple[str, str] | None:
    """(value, namespace) to map, after detecting what `raw` really is; None (counted) when
    it is not a usable identifier.

    A byte-order mark is dropped; control and invisible characters, query text and other
    non-identifiers are refused; in a symbol/ORF column an Ensembl or Entrez id goes
    through its own table, or is counted as unmapped when no table for it was given; a
    human symbol in the wrong case takes the map's spelling.
    """
    value = raw.strip().removeprefix("\ufeff").strip()
    if INVISIBLE.search(value):
        issues.unmapped_id("not an identifier: control or invisible characters", repr(value))
        return None
    if namespace not in NAME_NAMESPACES:
        return value, namespace
    if ENSEMBL.match(value):
        if mapper.has("ensembl"):
            return value, "ensembl"
        issues.unmapped_id("ensembl (no --id-map for Ensembl ids)", value)
        return None
    if ENTREZ.match(value):
        if mapper.has("entrez"):
            return value, "entrez"
        issues.unmapped_id("entrez (no --id-map for Entrez ids)", value)
        return None
    if not NAME_LIKE.match(value):
        issues.unmapped_id("not a gene identifier", value)
        return None
    if namespace == "symbol" and mapper.organism.taxon == 9606:
        fixed = _human_symbol_case(value, mapper, issues)
        return None if fixed is None else (fixed, namespace)
    return value, namespace


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
    checked = check_identifier(mapper, raw, namespace, issues)
    if checked is None:
        return None
    raw, namespace = checked
    canonical = mapper.map(raw, namespace)
    if canonical is not None and namespace == "symbol" and UNIPROT.match(raw.strip()):
        via = mapper.map(raw, "uniprot")
        if via is not None:
            return via
        if mapper.has("uniprot") and canonical not in mapper.props:
            issues.unmapped_id("uniprot (not in --id-map)", raw)
            return None
        if not mapper.has("uniprot") and not (mapper.organism.taxon == 9606
                                              and raw in SYMBOLS_LIKE_ACCESSIONS):
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
