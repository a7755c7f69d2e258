"""Identifier mapping between gene namespaces, from real mapping tables.

A mapping table is recognised by its header (see `_READERS`): UniProt -> symbol (human
UniProt export), UniProt/b-number/Entrez -> symbol (E. coli derived table), UniProt ->
ORF (yeast derived table), Entrez -> symbol (LINCS gene info, Cancer Gene Census),
b-number -> symbol (PRECISE gene_table.csv), ORF <-> standard name (Gasch gene list),
DREAM5 G-id -> name (`netN_gene_ids.tsv`), GENCODE gene tables (`ensg`, `entrez`, `symbol`:
Ensembl and Entrez onto one human gene) and NCBI `gene_info` files (Entrez, symbol and the
Ensembl cross-reference, rows of the mapper's organism only). Anything that does not map is
returned as None so that the caller counts and reports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genekg.errors import InputError
from genekg.organisms import Organism

YEAST_ORF = re.compile(r"^(Y[A-P][LR]\d{3}[WC](-[A-Z])?|Q\d{4}|R\d{4}[WC]?)$")
NAMESPACES = ("symbol", "uniprot", "entrez", "ensembl", "bnumber", "orf", "dream5")


@dataclass
class IdMapper:
    """Maps identifiers of one organism to its canonical namespace."""

    organism: Organism
    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    props: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    _known: frozenset[str] | None = field(default=None, init=False, repr=False)

    def add(self, namespace: str, key: str, canonical: str, **props: str) -> None:
        """Record `key` (in `namespace`) -> canonical id, with optional gene properties."""
        key, canonical = key.strip(), canonical.strip()
        if not key or not canonical:
            return
        self._known = None  # known_canonical() is computed again when next asked
        self.tables.setdefault(namespace, {}).setdefault(key, canonical)
        if props:
            p = self.props.setdefault(canonical, {})
            for k, v in props.items():
                if v and v.strip():
                    p.setdefault(k, v.strip())

    def map(self, value: str, namespace: str) -> str | None:
        """The canonical id of `value` read as `namespace`, or None."""
        value = value.strip()
        if not value:
            return None
        if namespace == self.organism.canonical:
            if namespace == "orf":
                return value if YEAST_ORF.match(value) or value in self.props else None
            return value
        table = self.tables.get(namespace)
        if table is None:
            return None
        hit = table.get(value)
        if hit is None and namespace == "uniprot" and "-" in value:
            hit = table.get(value.split("-")[0])  # isoform accession -> canonical entry
        return hit

    def known_canonical(self) -> frozenset[str]:
        """Every canonical id the loaded tables name (empty without tables)."""
        if self._known is None:
            self._known = frozenset({v for t in self.tables.values() for v in t.values()}
                                    | set(self.props))
        return self._known

    def gene_props(self, canonical: str) -> dict[str, str]:
        """Properties collected for a canonical gene (symbol, UniProt, Entrez, …)."""
        return self.props.get(canonical, {})

    def has(self, namespace: str) -> bool:
        """Whether `namespace` can be mapped (canonical, or a table was loaded for it)."""
        return namespace == self.organism.canonical or bool(self.tables.get(namespace))

    @classmethod
    def from_files(cls, organism: Organism, paths: list[Path]) -> IdMapper:
        """A mapper for `organism` from mapping tables recognised by their headers."""
        mapper = cls(organism)
        for path in paths:
            mapper.load(path)
        return mapper

    def load(self, path: Path) -> None:
        """Read one mapping table; InputError naming the file when its header is unknown."""
        # Imported here: the loaders package imports this module (its registry's loaders
        # map ids), so a module-level import would be circular.
        from genekg.loaders.base import detect_separator, iter_lines

        lines = iter_lines(path)
        _, header = next(lines)
        sep = detect_separator(header, path)
        cols = [c.strip().strip('"') for c in header.split(sep)]
        for matcher, reader, taxon in _READERS:
            if matcher(cols):
                if taxon is not None and taxon != self.organism.taxon:
                    from genekg.organisms import organism_by_taxon

                    theirs = organism_by_taxon(taxon)
                    raise InputError(
                        f"this mapping table is for {theirs.name if theirs else taxon} "
                        f"(taxon {taxon}), not {self.organism.name} "
                        f"(taxon {self.organism.taxon}); nothing was loaded",
                        path=str(path), line=1,
                        hint="Check --organism and --id-map: genes of one organism must not "
                             "be stored under another's taxon.")
                reader(self, cols, sep, lines, path)
                self.sources.append(str(path))
                return
        raise InputError(
            f"not a known identifier-mapping table (header: {cols[:6]})", path=str(path), line=1,
            hint="Supported: UniProt human export, *_uniprot_*_derived.tsv, LINCS gene info, "
            "PRECISE gene_table.csv, Gasch genes, Cancer Gene Census, DREAM5 netN_gene_ids.tsv, "
            "GENCODE gene table (ensg, entrez, symbol), NCBI gene_info",
        )


Reader = Callable[[IdMapper, list[str], str, object, Path], None]


def _rows(cols: list[str], sep: str, lines: object, path: Path) -> object:
    for lineno, line in lines:  # type: ignore[attr-defined]
        if not line.strip():
            continue
        parts = [p.strip().strip('"') for p in line.split(sep)]
        if len(parts) < len(cols):
            parts += [""] * (len(cols) - len(parts))
        yield lineno, dict(zip(cols, parts, strict=False))


def _ecoli_derived(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    for _, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        sym = r["gene"]
        props = {"bnumber": r["b_number"], "entrez": r.get("entrez_gene_id", ""),
                 "uniprot": r["uniprot_acc"]}
        m.add("uniprot", r["uniprot_acc"], sym, **props)
        m.add("bnumber", r["b_number"], sym, **props)
        if r.get("entrez_gene_id"):
            m.add("entrez", r["entrez_gene_id"], sym, **props)


def _yeast_derived(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    for _, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        orf = r["orf"]
        props = {"symbol": r.get("gene_name", ""), "uniprot": r["uniprot_acc"],
                 "sgd_id": r.get("sgdid", "")}
        m.add("uniprot", r["uniprot_acc"], orf, **props)
        if r.get("gene_name"):
            m.add("symbol", r["gene_name"], orf, **props)


def _human_uniprot(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    primary = next(c for c in cols if c.startswith("Gene names") and "primary" in c)
    for _, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        sym = r[primary].split(";")[0].strip()
        if sym:
            m.add("uniprot", r["Entry"], sym, uniprot=r["Entry"])


def _entrez_symbol(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    eid = next(c for c in ("pr_gene_id", "entrez_gene_id", "Entrez GeneId") if c in cols)
    sym = next(c for c in ("pr_gene_symbol", "symbol", "Gene Symbol") if c in cols)
    for _, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        if "///" in r[eid] or not r[sym]:
            continue  # probes mapping to several genes
        m.add("entrez", r[eid], r[sym], entrez=r[eid])


def _gencode(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    # One gene per Entrez id: a symbol GENCODE gives to several Ensembl genes without an
    # Entrez id (399 in v22, mostly pseudogene copies) maps from its Ensembl id only.
    rows = [r for _, r in _rows(cols, sep, lines, path)]  # type: ignore[attr-defined]
    for r in rows:
        if r["entrez"] in ("NA", "-"):
            r["entrez"] = ""
    # Rows with an Entrez id first: a gene's Ensembl id is the one its Entrez row names.
    rows.sort(key=lambda r: not r["entrez"])
    for r in rows:
        ensg, entrez, sym = r["ensg"].split(".")[0], r["entrez"], r["symbol"]
        if not sym:
            continue
        props = {"entrez": entrez, "ensembl": ensg, "symbol": sym}  # "" is not stored
        if entrez:
            m.add("entrez", entrez, sym, **props)
        if ensg:
            m.add("ensembl", ensg, sym, **props)


_NCBI_ENSEMBL = re.compile(r"Ensembl:(ENS[A-Z]*G\d+)")


def _ncbi_gene_info(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    taxon, kept = str(m.organism.taxon), 0
    for lineno, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        if r["#tax_id"] != taxon:
            continue  # NCBI ships all organisms in one file
        kept += 1
        gid, sym = r["GeneID"], r["Symbol"]
        locus = r.get("LocusTag", "")
        if locus in ("", "-"):
            locus = ""
        canonical = locus if m.organism.canonical == "orf" and locus else sym
        if not gid.isdigit() or canonical in ("", "-"):
            raise InputError(f"gene_info row without GeneID or Symbol: {gid!r}, {sym!r}",
                             path=str(path), line=lineno)
        ens = _NCBI_ENSEMBL.search(r.get("dbXrefs", ""))
        props = {"entrez": gid, "symbol": sym, "ensembl": ens.group(1) if ens else ""}
        m.add("entrez", gid, canonical, **props)
        if ens:
            m.add("ensembl", ens.group(1), canonical, **props)
        if canonical != sym:
            m.add("symbol", sym, canonical, **props)
    if not kept:
        raise InputError(f"no gene of {m.organism.name} (taxon {taxon}) in this gene_info file",
                         path=str(path), line=1,
                         hint="gene_info files hold many organisms: check --organism.")


def _precise_gene_table(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    for _, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        b = r[cols[0]]
        if r["gene_name"]:
            m.add("bnumber", b, r["gene_name"], bnumber=b)


def _gasch_genes(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    for _, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        if r["ORF"] and r["GENE"]:
            m.add("symbol", r["GENE"], r["ORF"], symbol=r["GENE"])


def _dream5_ids(m: IdMapper, cols: list[str], sep: str, lines: object, path: Path) -> None:
    for _, r in _rows(cols, sep, lines, path):  # type: ignore[attr-defined]
        gid, name = r[cols[0]], r[cols[1]]
        if name.lower().startswith("decoy"):
            m.add("dream5_decoy", gid, name)  # decoys are not genes; callers drop them
            continue
        m.add("dream5", gid, name)


# (header test, reader, taxon of the table's genes or None when it fits any organism)
_READERS: list[tuple[Callable[[list[str]], bool], Reader, int | None]] = [
    (lambda c: {"uniprot_acc", "b_number", "gene"} <= set(c), _ecoli_derived, 511145),
    (lambda c: {"uniprot_acc", "orf"} <= set(c), _yeast_derived, 559292),
    (lambda c: "Entry" in c and any(x.startswith("Gene names") for x in c), _human_uniprot,
     9606),
    (lambda c: {"pr_gene_id", "pr_gene_symbol"} <= set(c), _entrez_symbol, 9606),
    (lambda c: {"entrez_gene_id", "symbol"} <= set(c), _entrez_symbol, None),
    (lambda c: {"Gene Symbol", "Entrez GeneId"} <= set(c), _entrez_symbol, 9606),
    (lambda c: "gene_name" in c and c[0] == "", _precise_gene_table, 511145),
    (lambda c: {"ORF", "GENE"} <= set(c), _gasch_genes, 559292),
    (lambda c: {"ensg", "entrez", "symbol"} <= set(c), _gencode, 9606),
    (lambda c: {"#tax_id", "GeneID", "Symbol"} <= set(c), _ncbi_gene_info, None),
    (lambda c: len(c) == 2 and c[0].lstrip("I") == "#ID" and c[1] == "Name", _dream5_ids, None),
]
