"""Drugs and their targets: DrugBank-derived tables, the Drug Repurposing Hub export, and
LINCS perturbagen info, merged onto one `Drug` node per compound.

Drug ids: the DrugBank id where one is known (directly, or through the compound's
InChIKey / PubChem CID matched against DrugBank tables given with --id-map), else the
Broad id (`BRD-Kxxxxxxxx`, salt/batch suffix dropped). Targets are human genes by symbol.

* DrugBank (dhimmel/drugbank): a directory with `drugbank.tsv` (drugs) and
  `proteins.tsv` (targets by UniProt + Entrez); only `category == target` of human
  proteins become `TARGETS` edges.
* Repurposing Hub export (`Name, MOA, Target, ..., Id, InChIKey`): targets are HGNC symbols.
* LINCS `pertinfo*.tsv(.gz)`: compounds (`trt_cp`) as Drug nodes with their Broad ids
  (no targets in that file).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from genekg.errors import InputError
from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import Bundle, LoadOptions, require_file
from genekg.loaders.genes import add_canonical_gene, map_gene
from genekg.loaders.tables import read_table, table_columns
from genekg.organisms import resolve_organism

LICENCES = {
    "drugbank": "DrugBank: CC BY-NC 4.0 (academic)",
    "repurposing-hub": "Broad Drug Repurposing Hub: CC BY 4.0",
    "lincs": "LINCS L1000: CC BY 4.0",
}


def brd_base(value: str) -> str:
    """`BRD-K76022557-003-28-9` -> `BRD-K76022557`."""
    m = re.match(r"(BRD-[A-Z]\d{8})", value.strip())
    return m.group(1) if m else value.strip()


class DrugResolver:
    """Cross-references to DrugBank ids from InChIKey and PubChem CID."""

    def __init__(self, paths: list[Path]) -> None:
        self.by_inchikey: dict[str, str] = {}
        self.by_pubchem: dict[str, str] = {}
        for p in paths:
            cols = table_columns(p)
            if {"drugbank_id", "inchikey"} <= set(cols):
                for _, r in read_table(p, ["drugbank_id", "inchikey"]):
                    if r["inchikey"]:
                        self.by_inchikey.setdefault(r["inchikey"].removeprefix("InChIKey="),
                                                    r["drugbank_id"])
            elif {"drugbank_id", "pubchem_cid"} <= set(cols):
                for _, r in read_table(p, ["drugbank_id", "pubchem_cid"]):
                    self.by_pubchem.setdefault(r["pubchem_cid"], r["drugbank_id"])

    def drugbank_id(self, inchikey: str = "", pubchem: str = "") -> str | None:
        """The DrugBank id of a compound by InChIKey or PubChem CID, or None."""
        key = inchikey.removeprefix("InChIKey=").strip()
        return self.by_inchikey.get(key) or self.by_pubchem.get(pubchem.strip())


class DrugsLoader:
    """DrugBank (dhimmel), Repurposing Hub and LINCS perturbagens -> Drug, TARGETS."""
    name: ClassVar[str] = "drugs"
    summary: ClassVar[str] = "Drugs + targets: DrugBank tables, Repurposing Hub, LINCS pertinfo"
    formats: ClassVar[str] = (
        "dhimmel_drugbank/ directory (drugbank.tsv + proteins.tsv); "
        "Repurposing_Hub_export.txt; LINCS pertinfo.tsv(.gz)"
    )

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read a DrugBank folder, a Repurposing Hub export or a LINCS pert_info table."""
        org = resolve_organism("human")
        gene_maps = [p for p in options.id_maps if not _is_drug_map(p)]
        mapper = IdMapper.from_files(org, gene_maps)
        resolver = DrugResolver([p for p in options.id_maps if _is_drug_map(p)])
        if path.is_dir():
            return self._drugbank(path, options, mapper)
        require_file(path)
        cols = table_columns(path)
        if {"Name", "Target", "Id", "InChIKey"} <= set(cols):
            return self._rephub(path, options, mapper, resolver)
        if {"pert_id", "pert_iname", "pert_type"} <= set(cols):
            return self._pertinfo(path, options, resolver)
        raise InputError(f"not a known drug table (header: {cols[:8]})", path=str(path), line=1,
                         hint=f"Expected: {self.formats}")

    def _drugbank(self, folder: Path, options: LoadOptions, mapper: IdMapper) -> Bundle:
        drugs_f, prot_f = folder / "drugbank.tsv", folder / "proteins.tsv"
        for f in (drugs_f, prot_f):
            require_file(f)
        bundle = Bundle(source="drugbank", release=options.release or "unversioned",
                        files=[drugs_f, prot_f], licence=LICENCES["drugbank"])
        for _, r in read_table(drugs_f, ["drugbank_id", "name", "type", "groups", "inchikey"]):
            bundle.node("Drug", r["drugbank_id"], name=r["name"], drugbank_id=r["drugbank_id"],
                        type=r["type"], groups=r["groups"].split("|") if r["groups"] else None,
                        inchikey=r["inchikey"].removeprefix("InChIKey=") or None,
                        # the structure itself: chemistry features of `expression` need it
                        inchi=r.get("inchi") or None,
                        atc_codes=r.get("atc_codes") or None)
        req = ["drugbank_id", "category", "uniprot_id", "entrez_gene_id", "organism"]
        for lineno, r in read_table(prot_f, req):
            if r["category"] != "target":
                # enzymes, carriers, transporters: proteins a drug meets, not its targets
                bundle.issues.skip(f"not a target ({r['category'] or 'no category'})",
                                   f"{prot_f.name}:{lineno}")
                continue
            if r["organism"] != "Human":
                bundle.issues.skip("target is not a human protein", f"{prot_f.name}:{lineno}")
                continue
            canonical = None
            if r["entrez_gene_id"] and mapper.has("entrez"):
                canonical = mapper.map(r["entrez_gene_id"], "entrez")
            if canonical is None and r["uniprot_id"]:
                canonical = map_gene(mapper, r["uniprot_id"], "uniprot", bundle.issues)
            if canonical is None:
                bundle.issues.skip("unmapped target", f"{prot_f.name}:{lineno}")
                continue
            if r["drugbank_id"] not in bundle.nodes.get("Drug", {}):
                bundle.issues.skip("target of unknown drug", f"{prot_f.name}:{lineno}")
                continue
            gid = add_canonical_gene(bundle, mapper, canonical, entrez=r["entrez_gene_id"],
                                     uniprot=r["uniprot_id"])
            bundle.edge("TARGETS", ("Drug", r["drugbank_id"]), ("Gene", gid),
                        sources=["drugbank"], actions=r.get("actions", "").split("|")
                        if r.get("actions") else None, known_action=r.get("known_action"))
        return bundle

    def _rephub(self, path: Path, options: LoadOptions, mapper: IdMapper,
                resolver: DrugResolver) -> Bundle:
        bundle = Bundle(source="repurposing-hub", release=options.release or "unversioned",
                        files=[path], licence=LICENCES["repurposing-hub"])
        for lineno, r in read_table(path, ["Name", "MOA", "Target", "Id", "InChIKey", "Phase"]):
            brds = sorted({brd_base(x) for x in r["Id"].split(",") if x.strip()})
            keys = [k.strip() for k in r["InChIKey"].split(",") if k.strip()]
            db_id = next((d for d in (resolver.drugbank_id(k) for k in keys) if d), None)
            if not db_id and not brds:
                bundle.issues.skip("no compound id", f"{path.name}:{lineno}")
                continue
            did = db_id or brds[0]
            bundle.node("Drug", did, name=r["Name"], broad_ids=brds or None, moa=r["MOA"],
                        phase=r["Phase"], inchikey=keys[0] if keys else None,
                        drugbank_id=db_id, disease_area=r.get("Disease Area"))
            for sym in (t.strip() for t in r["Target"].split(",")):
                if not sym:
                    continue
                canonical = map_gene(mapper, sym, "symbol", bundle.issues)
                if canonical is None:
                    continue
                gid = add_canonical_gene(bundle, mapper, canonical)
                bundle.edge("TARGETS", ("Drug", did), ("Gene", gid), sources=["repurposing-hub"])
        return bundle

    def _pertinfo(self, path: Path, options: LoadOptions, resolver: DrugResolver) -> Bundle:
        bundle = Bundle(source="lincs-pertinfo", release=options.release or "unversioned",
                        files=[path], licence=LICENCES["lincs"])
        for lineno, r in read_table(path, ["pert_id", "pert_iname", "pert_type"]):
            if r["pert_type"] != "trt_cp":
                bundle.issues.skip(f"not a compound ({r['pert_type']})", f"{path.name}:{lineno}")
                continue
            db_id = resolver.drugbank_id(r.get("inchi_key", ""), r.get("pubchem_cid", ""))
            brd = brd_base(r["pert_id"])
            did = db_id or brd
            bundle.node("Drug", did, name=r["pert_iname"], broad_ids=[brd], drugbank_id=db_id,
                        lincs_pert_id=r["pert_id"], pubchem_cid=r.get("pubchem_cid") or None,
                        inchikey=r.get("inchi_key", "").removeprefix("InChIKey=") or None)
        return bundle


def _is_drug_map(p: Path) -> bool:
    try:
        cols = set(table_columns(p))
    except InputError:
        return False
    return "drugbank_id" in cols
