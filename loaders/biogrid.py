"""BioGRID interactions: official TAB2/TAB3 releases and two-column edge lists.

* TAB2/TAB3 (`BIOGRID-*.tab2.txt`, `*.tab3.txt`): recognised by the `#BioGRID Interaction
  ID` header. Rows are kept when both interactors belong to the chosen organism (taxon id)
  and the experimental-system type matches `--interaction-type` (physical, genetic, all).
  Gene ids: systematic name for yeast, official symbol otherwise.
* Edge lists (e.g. GNE `edgelist_biogrid_name.csv`, GreenCUBIC `*_positive_interactions.tsv`):
  two columns, comma or tab, no header; symbols/ORFs or UniProt accessions (auto-detected,
  or `--id-type`). Organism and release are read from GreenCUBIC file names when present.

Self-interactions and duplicate pairs are removed (and counted); undirected pairs are
stored once, in id order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from genekg.errors import InputError
from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import Bundle, LoadOptions, iter_lines, require_file, split_row
from genekg.loaders.genes import add_canonical_gene, guess_namespace, map_gene
from genekg.organisms import Organism, organism_by_taxon

# Column names of a 2-column edge list's header row (both fields must look like one).
EDGE_HEADER = re.compile(r"(?i)^(gene|protein|interactor|node|source|target|symbol|entrez|"
                         r"uniprot|official[ _]symbol)([ _-]?[a-z0-9]{1,12})?$")
TAB_HEADER = "#BioGRID Interaction ID"
LICENCE = "BioGRID: MIT licence"


def release_from_name(path: Path) -> str | None:
    """The BioGRID release in a file name (e.g. 4.4.999), or None."""
    m = re.search(r"-(\d+\.\d+\.\d+)", path.name)
    return m.group(1) if m else None


def organism_from_name(path: Path) -> Organism | None:
    """The organism named in a BioGRID file name, or None."""
    m = re.search(r"_ID_(\d+)_", path.name)
    return organism_by_taxon(int(m.group(1))) if m else None


@dataclass(frozen=True)
class BiogridOptions:
    """`ingest biogrid`'s own options."""

    id_type: str | None = None  # namespace of the ids (default: detected)
    interaction_type: str = "physical"  # BioGRID TAB: physical, genetic or all


class BioGridLoader:
    """BioGRID TAB 2.0/3.0 files and two-column edge lists -> INTERACTS_WITH."""
    name: ClassVar[str] = "biogrid"
    Options: ClassVar[type] = BiogridOptions
    summary: ClassVar[str] = "BioGRID interactions (TAB2/TAB3 releases, two-column edge lists)"
    formats: ClassVar[str] = (
        "BIOGRID-*.tab2.txt / *.tab3.txt (gz ok); 2-column CSV/TSV edge lists of symbols, "
        "ORFs or UniProt accessions"
    )

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read a BioGRID TAB file or an edge list (header and id namespace detected)."""
        require_file(path)
        named = organism_from_name(path)
        if options.organism and named and named.taxon != options.organism.taxon:
            raise InputError(
                f"the file name says {named.name} (taxon {named.taxon}) but --organism is "
                f"{options.organism.name} (taxon {options.organism.taxon}); nothing was loaded",
                path=str(path), hint=f"Pass --organism {named.short} (or leave it out).")
        organism = options.organism or named
        if organism is None:
            raise InputError("which organism? pass --organism (e.g. ecoli, yeast, human)",
                             path=str(path))
        release = options.release or release_from_name(path) or "unversioned"
        bundle = Bundle(source="biogrid", release=release, files=[path], licence=LICENCE)
        mapper = IdMapper.from_files(organism, options.id_maps)
        lines = iter_lines(path)
        first_no, first = next(lines)
        if first.startswith(TAB_HEADER):
            self._tab(bundle, mapper, path, first, lines, options)
        else:
            self._edgelist(bundle, mapper, path, [(first_no, first), *lines], options)
        if not bundle.edges:
            raise InputError("no interactions left after filtering "
                             f"(skipped: {dict(bundle.issues.skipped)}, "
                             f"unmapped: {dict(bundle.issues.unmapped)})", path=str(path))
        return bundle

    def _edgelist(self, bundle: Bundle, mapper: IdMapper, path: Path,
                  lines: list[tuple[int, str]], options: LoadOptions) -> None:
        org = mapper.organism
        sep = "\t" if "\t" in lines[0][1] else ","
        rows: list[tuple[int, str, str]] = []
        for lineno, line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            parts = split_row(line, sep)
            if len(parts) != 2 or not parts[0] or not parts[1]:
                # Not an edge list: an unknown table must not load its header (or any
                # other column pair) as interactions.
                raise InputError(
                    f"expected 2 columns separated by {sep!r}, found {len(parts)}: "
                    f"{line[:120]!r}", path=str(path), line=lineno,
                    hint="Accepted: a BioGRID TAB2/TAB3 file (header starting "
                         f"{TAB_HEADER!r}) or a 2-column edge list (gene A, gene B).")
            if not rows and all(EDGE_HEADER.match(x) for x in parts):
                bundle.issues.skip("header row", f"{path.name}:{lineno}")
                continue  # a header (`gene_a,gene_b`), never an interaction
            rows.append((lineno, parts[0], parts[1]))
        id_type = options.of(BiogridOptions).id_type or guess_namespace(
            [r[1] for r in rows], org)
        if id_type != org.canonical and not mapper.has(id_type):
            raise InputError(
                f"identifiers look like {id_type} but no {id_type} -> {org.canonical} mapping "
                f"was given", path=str(path),
                hint="Pass --id-map with a mapping table (see `genekg ingest --list`).")
        for lineno, a, b in rows:
            self._pair(bundle, mapper, id_type, a, b, f"{path.name}:{lineno}", {})

    def _tab(self, bundle: Bundle, mapper: IdMapper, path: Path, header: str,
             lines: object, options: LoadOptions) -> None:
        cols = [c.strip() for c in header.split("\t")]
        org = mapper.organism
        need = ["Experimental System Type", "Official Symbol Interactor A",
                "Official Symbol Interactor B", "Systematic Name Interactor A",
                "Systematic Name Interactor B"]
        tax_a = "Organism Interactor A" if "Organism Interactor A" in cols else (
            "Organism ID Interactor A")
        tax_b = tax_a.replace(" A", " B")
        missing = [c for c in [*need, tax_a, tax_b] if c not in cols]
        if missing:
            raise InputError(f"BioGRID TAB header lacks columns {missing}", path=str(path), line=1)
        idx = {c: i for i, c in enumerate(cols)}
        kind = options.of(BiogridOptions).interaction_type.lower()
        if kind not in ("physical", "genetic", "all"):
            raise InputError(f"--interaction-type must be physical, genetic or all, not {kind!r}")
        key = "Systematic Name" if org.canonical == "orf" else "Official Symbol"
        taxa: Counter[str] = Counter()
        for lineno, line in lines:  # type: ignore[attr-defined]
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < len(cols):
                raise InputError(f"expected {len(cols)} tab-separated columns, found "
                                 f"{len(parts)}", path=str(path), line=lineno)
            where = f"{path.name}:{lineno}"
            if parts[idx[tax_a]] != str(org.taxon) or parts[idx[tax_b]] != str(org.taxon):
                taxa[parts[idx[tax_a]]] += 1
                bundle.issues.skip("other organism", where)
                continue
            taxa[str(org.taxon)] += 1
            if kind != "all" and parts[idx["Experimental System Type"]].lower() != kind:
                bundle.issues.skip(f"not {kind}", where)
                continue
            a = parts[idx[f"{key} Interactor A"]]
            b = parts[idx[f"{key} Interactor B"]]
            props = {
                "experimental_system": parts[idx["Experimental System"]]
                if "Experimental System" in idx else None,
                "throughput": parts[idx["Throughput"]] if "Throughput" in idx else None,
                "pubmed": parts[idx["Pubmed ID"]] if "Pubmed ID" in idx else (
                    parts[idx["Publication Source"]] if "Publication Source" in idx else None),
                "biogrid_id": parts[0],
            }
            self._pair(bundle, mapper, org.canonical, a, b, where, props)
        if taxa and taxa[str(org.taxon)] == 0:
            other, n = taxa.most_common(1)[0]
            raise InputError(
                f"no interaction in this file is between {org.name} genes (taxon "
                f"{org.taxon}); its interactors are taxon {other} ({n:,} rows); nothing was "
                "loaded", path=str(path), hint="Check --organism.")

    @staticmethod
    def _pair(bundle: Bundle, mapper: IdMapper, namespace: str, a: str, b: str, where: str,
              props: dict[str, str | None]) -> None:
        issues = bundle.issues
        ca = map_gene(mapper, a, namespace, issues)
        cb = map_gene(mapper, b, namespace, issues)
        if ca is None or cb is None:
            issues.skip("unmapped identifier", where)
            return
        if ca == cb:
            issues.skip("self-interaction", where)
            return
        org = mapper.organism
        if not bundle.edge("INTERACTS_WITH", ("Gene", org.gene_id(ca)),
                           ("Gene", org.gene_id(cb)), **props):
            issues.skip("duplicate pair", where)
            return
        add_canonical_gene(bundle, mapper, ca)
        add_canonical_gene(bundle, mapper, cb)
