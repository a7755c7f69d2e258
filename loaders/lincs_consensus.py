"""LINCS L1000 consensus signatures per compound (dhimmel/lincs `consensi-drugbank.tsv.gz`).

One row per DrugBank compound, one column per landmark gene (Entrez ids in the header):
the moderated z-scores of all its L1000 signatures, merged over cell lines, doses and
times. Each signature lands on its `Drug` node as `consensus_signature` (genes in the order
of the `Dataset` node's `genes_symbol`), with `(:Drug)-[:PROFILED_IN]->(:Dataset)`. Gene
ids are mapped Entrez -> symbol with `--id-map` (LINCS `geneinfo.tsv.gz`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import ClassVar

from genekg.errors import InputError
from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import Bundle, LoadOptions, iter_lines, next_line, require_file
from genekg.organisms import resolve_organism

LICENCE = "LINCS L1000: CC BY 4.0 (consensus signatures: dhimmel/lincs, CC0)"
DRUGBANK_ID = re.compile(r"^DB\d{5}$")


class LincsConsensusLoader:
    """Consensus L1000 signatures per DrugBank compound -> Drug.consensus_signature."""
    name: ClassVar[str] = "lincs-consensus"
    summary: ClassVar[str] = "LINCS L1000 consensus signature per compound (dhimmel consensi)"
    formats: ClassVar[str] = ("consensi-drugbank.tsv(.gz): perturbagen + one column per "
                              "landmark gene (Entrez); --id-map geneinfo.tsv.gz")

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read the compounds' signatures; InputError naming line and column on bad values."""
        require_file(path)
        mapper = IdMapper.from_files(resolve_organism("human"), options.id_maps)
        if not mapper.has("entrez"):
            raise InputError("the gene columns are Entrez ids and no Entrez -> symbol map "
                             "was given", path=str(path),
                             hint="Pass --id-map lincs/dhimmel_lincs/geneinfo.tsv.gz")
        lines = iter_lines(path)
        _, header = next_line(lines, path, "the header line")
        cols = header.split("\t")
        if cols[0] != "perturbagen" or len(cols) < 2:
            raise InputError(f"expected a 'perturbagen' column then genes, found {cols[:3]}",
                             path=str(path), line=1)
        keep: list[int] = []
        entrez: list[str] = []
        symbols: list[str] = []
        bundle = Bundle(source="lincs-consensus", release=options.release or "unversioned",
                        files=[path], licence=LICENCE)
        for i, e in enumerate(cols[1:], start=1):
            sym = mapper.map(e.strip(), "entrez")
            if sym is None:
                bundle.issues.unmapped_id("entrez", e)
                continue
            keep.append(i)
            entrez.append(e.strip())
            symbols.append(sym)
        dataset = str(options.extra.get("dataset") or "consensi-drugbank")
        ds_id = f"lincs:{dataset}"
        n = 0
        for lineno, line in lines:
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != len(cols):
                raise InputError(f"expected {len(cols)} tab-separated columns, found "
                                 f"{len(parts)}", path=str(path), line=lineno)
            drug = parts[0].strip()
            if not DRUGBANK_ID.match(drug):
                bundle.issues.skip("not a DrugBank id", f"{path.name}:{lineno}")
                continue
            values = []
            for i in keep:
                try:
                    v = float(parts[i])
                except ValueError:
                    raise InputError(f"column {cols[i]!r}: {parts[i][:20]!r} is not a number",
                                     path=str(path), line=lineno) from None
                if not math.isfinite(v):
                    raise InputError(f"column {cols[i]!r}: {parts[i][:20]!r} is not finite",
                                     path=str(path), line=lineno)
                values.append(v)
            bundle.node("Drug", drug, drugbank_id=drug, consensus_signature=values)
            bundle.edge("PROFILED_IN", ("Drug", drug), ("Dataset", ds_id), signatures=1)
            n += 1
        if n == 0:
            raise InputError("no compound signature in the file", path=str(path))
        bundle.node("Dataset", ds_id, name=dataset, kind="consensus", n_signatures=n,
                    n_genes=len(symbols), genes_entrez=entrez, genes_symbol=symbols,
                    organism=9606)
        return bundle
