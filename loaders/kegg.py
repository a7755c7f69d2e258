"""KEGG: KGML pathway files, drug -> target link tables, and the KEGG REST API.

* KGML (`hsa04010.xml`, a directory of them, or `--online` pathway ids): one `Pathway`
  super node per file; gene entries (`hsa:<Entrez>` lists, groups expanded to their
  components) become `Gene` nodes linked by `IN_PATHWAY`; gene-gene relations become
  directed `KEGG_RELATION` edges with the relation type (PPrel, GErel, ...), the subtype
  names (activation, inhibition, phosphorylation, ...) and the pathways they appear in.
  Entrez ids map to symbols with `--id-map` tables; for single-gene entries the symbol
  KEGG prints in the entry's graphics label is used when no table has the id.
* Drug targets (PyDTI `kegg.txt`: `Dxxxxx hsaNNN hsaNNN ...`, or `*_admat_dgc.txt`
  gene x drug 0/1 matrices): `Drug -[:TARGETS]-> Gene`. KEGG drug ids become DrugBank
  ids where `kegg_drug_map.txt` (given as --id-map) maps them.
* Online: `genekg ingest kegg --online hsa04010,hsa04012` downloads KGML from
  `https://rest.kegg.jp/get/<id>/kgml` (or `--base-url`) into a cache folder first.
"""

from __future__ import annotations

import itertools
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from genekg.config import data_dir
from genekg.errors import InputError
from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import Bundle, LoadOptions, iter_lines, require_file
from genekg.loaders.genes import add_canonical_gene, map_gene
from genekg.organisms import organism_by_taxon, resolve_organism

KEGG_ORG = {"hsa": 9606, "sce": 559292, "eco": 511145}
LICENCE = "KEGG: academic use (kegg.jp/kegg/legal.html)"
REST = "https://rest.kegg.jp"


@dataclass(frozen=True)
class KeggOptions:
    """`ingest kegg`'s own options."""

    online: str | None = None  # comma-separated pathway ids to download
    base_url: str = REST
    cache: Path | None = None  # downloaded KGML (default: genekg's data folder)


class KgmlLoader:
    """KEGG KGML pathway files -> Pathway, IN_PATHWAY, KEGG_RELATION (XXE-safe parser)."""
    name: ClassVar[str] = "kegg"
    Options: ClassVar[type] = KeggOptions
    summary: ClassVar[str] = "KEGG pathways (KGML files or directory; --online via KEGG REST)"
    formats: ClassVar[str] = "KGML .xml (one file, a directory of them, or --online ids)"

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read one KGML file or a folder of them."""
        own = options.of(KeggOptions)
        if own.online:
            files = download_kgml(own.online.split(","), own.base_url,
                                  own.cache or data_dir() / "kegg")
        elif path.is_dir():
            files = sorted(path.glob("*.xml"))
            if not files:
                raise InputError("directory has no KGML .xml files", path=str(path))
        else:
            files = [require_file(path)]
        release = options.release or "unversioned"
        bundle = Bundle(source="kegg", release=release, files=files, licence=LICENCE)
        mappers: dict[int, IdMapper] = {}
        for f in files:
            self._one(bundle, f, options, mappers)
        return bundle

    def _one(self, bundle: Bundle, path: Path, options: LoadOptions,
             mappers: dict[int, IdMapper]) -> None:
        require_file(path)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            raise InputError(f"not well-formed KGML XML ({exc})", path=str(path),
                             line=line) from None
        if root.tag != "pathway":
            raise InputError(f"not KGML: root element is <{root.tag}>, expected <pathway>",
                             path=str(path), line=1)
        org_code = root.get("org", "")
        taxon = KEGG_ORG.get(org_code)
        org = organism_by_taxon(taxon) if taxon else None
        if org is None:
            raise InputError(f"KEGG organism {org_code!r} is not supported",
                             path=str(path), line=1,
                             hint=f"Supported KEGG codes: {', '.join(KEGG_ORG)}")
        if options.organism is not None and options.organism.taxon != org.taxon:
            raise InputError(f"pathway is {org_code} but --organism is {options.organism.short}",
                             path=str(path))
        if org.taxon not in mappers:
            mappers[org.taxon] = IdMapper.from_files(org, options.id_maps)
        mapper = mappers[org.taxon]
        pid = root.get("name", "")  # path:hsa04010
        bundle.node("Pathway", pid, name=root.get("title"), organism=org.taxon,
                    kegg_number=root.get("number"), link=root.get("link"))
        entries: dict[str, list[str]] = {}
        groups: dict[str, list[str]] = {}
        for entry in root.iter("entry"):
            eid, etype = entry.get("id", ""), entry.get("type")
            if etype == "gene":
                ids = [x.split(":", 1)[1] for x in entry.get("name", "").split()
                       if x.startswith(f"{org_code}:")]
                label = entry.find("graphics")
                label_symbol = (label.get("name", "") if label is not None else "").split(",")[0]
                genes = []
                for entrez in ids:
                    canonical = mapper.map(entrez, "entrez")
                    if canonical is None and len(ids) == 1 and label_symbol.strip():
                        canonical = label_symbol.strip().rstrip(".")
                    if canonical is None:
                        map_gene(mapper, entrez, "entrez", bundle.issues)  # counts it
                        continue
                    gid = add_canonical_gene(bundle, mapper, canonical, entrez=entrez)
                    bundle.edge("IN_PATHWAY", ("Gene", gid), ("Pathway", pid),
                                pathway_name=root.get("title"))
                    genes.append(gid)
                entries[eid] = genes
            elif etype == "group":
                groups[eid] = [c.get("id", "") for c in entry.iter("component")]
        for gid_, comps in groups.items():
            entries[gid_] = [g for c in comps for g in entries.get(c, [])]
        declared = {e.get("id", "") for e in root.iter("entry")}
        for rel in root.iter("relation"):
            e1, e2 = rel.get("entry1", ""), rel.get("entry2", "")
            where = f"{path.name}: relation {e1}->{e2}"
            if e1 not in declared or e2 not in declared:
                bundle.issues.skip("relation to an entry missing from the file", where)
                continue
            a, b = entries.get(e1), entries.get(e2)
            if not a or not b:
                bundle.issues.skip("relation to a compound, map or unmapped entry", where)
                continue
            subtypes = sorted({s.get("name", "") for s in rel.iter("subtype")} - {""})
            for ga, gb in itertools.product(a, b):
                if ga != gb:
                    bundle.edge("KEGG_RELATION", ("Gene", ga), ("Gene", gb),
                                type=rel.get("type"), subtypes=subtypes, pathways=[pid])


def download_kgml(ids: list[str], base_url: str, cache: Path) -> list[Path]:
    """Fetch KGML files (cached); errors name the pathway and the URL."""
    cache.mkdir(parents=True, exist_ok=True)
    files = []
    for raw in ids:
        pid = raw.strip().removeprefix("path:")
        if not re.fullmatch(r"[a-z]{3,4}\d{5}", pid):
            raise InputError(f"{raw!r} is not a KEGG pathway id like hsa04010")
        dest = cache / f"{pid}.xml"
        if not dest.exists():
            url = f"{base_url.rstrip('/')}/get/{pid}/kgml"
            try:
                with urllib.request.urlopen(url, timeout=60) as resp:
                    data = resp.read()
            except (urllib.error.URLError, TimeoutError) as exc:
                raise InputError(f"could not download {url}: {exc}",
                                 hint="KEGG REST needs network access; use local KGML "
                                 "files otherwise.") from None
            if not data.lstrip().startswith(b"<?xml"):
                raise InputError(f"{url} did not return KGML")
            tmp = dest.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.rename(dest)
        files.append(dest)
    return files


class KeggDrugTargetLoader:
    """KEGG drug-target lists -> Drug, TARGETS."""
    name: ClassVar[str] = "kegg-drugs"
    summary: ClassVar[str] = "KEGG drug -> target links (PyDTI kegg.txt or *_admat_dgc.txt)"
    formats: ClassVar[str] = "'Dxxxxx hsaNNN ...' lines, or a gene x drug 0/1 TSV matrix"

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read a KEGG drug-target table."""
        org = options.organism or resolve_organism("human")
        mapper = IdMapper.from_files(org, [p for p in options.id_maps
                                           if "kegg_drug_map" not in p.name])
        kegg_to_db = _kegg_drugbank_map([p for p in options.id_maps if "kegg_drug_map" in p.name])
        bundle = Bundle(source="kegg-drugs", release=options.release or "unversioned",
                        files=[path], licence=LICENCE)
        lines = iter_lines(path)
        _, first = next(lines)
        pairs: list[tuple[int, str, str]] = []
        if first.startswith("\t"):  # admat: header of drug ids, rows gene + 0/1
            drugs = first.split("\t")[1:]
            for lineno, line in lines:
                parts = line.split("\t")
                if len(parts) != len(drugs) + 1:
                    raise InputError(f"expected {len(drugs) + 1} columns, found {len(parts)}",
                                     path=str(path), line=lineno)
                for d, v in zip(drugs, parts[1:], strict=True):
                    if v.strip() == "1":
                        pairs.append((lineno, d.strip(), parts[0].strip()))
        else:
            for lineno, line in [(1, first), *lines]:
                parts = line.split()
                if not parts:
                    continue
                if not re.fullmatch(r"D\d{5}", parts[0]):
                    raise InputError(f"expected a KEGG drug id (Dnnnnn), found {parts[0]!r}",
                                     path=str(path), line=lineno)
                pairs.extend((lineno, parts[0], g) for g in parts[1:])
        code = next(k for k, v in KEGG_ORG.items() if v == org.taxon)
        for lineno, drug, gene in pairs:
            entrez = gene.removeprefix(f"{code}:").removeprefix(code)
            canonical = map_gene(mapper, entrez, "entrez", bundle.issues)
            if canonical is None:
                bundle.issues.skip("unmapped target", f"{path.name}:{lineno}")
                continue
            gid = add_canonical_gene(bundle, mapper, canonical, entrez=entrez)
            db_id = kegg_to_db.get(drug)
            did = db_id or drug
            bundle.node("Drug", did, kegg_id=drug, drugbank_id=db_id)
            bundle.edge("TARGETS", ("Drug", did), ("Gene", gid), sources=["kegg"])
        return bundle


def _kegg_drugbank_map(paths: list[Path]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in paths:
        for _, line in iter_lines(p):
            parts = line.split("$")
            if len(parts) > 1 and re.fullmatch(r"DB\d{5}", parts[1].strip()):
                out[parts[0].strip()] = parts[1].strip()
    return out
