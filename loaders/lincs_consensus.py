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
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from genekg.errors import InputError
from genekg.ingest.idmap import IdMapper
from genekg.loaders.base import (
    Bundle,
    Issues,
    LoadOptions,
    iter_lines,
    next_line,
    require_file,
)
from genekg.organisms import resolve_organism

LICENCE = "LINCS L1000: CC BY 4.0 (consensus signatures: dhimmel/lincs, CC0)"
DRUGBANK_ID = re.compile(r"^DB\d{5}$")


@dataclass(frozen=True)
class ConsensusOptions:
    """`ingest lincs-consensus`'s own options."""

    dataset: str = "consensi-drugbank"


class LincsConsensusLoader:
    """Consensus L1000 signatures per DrugBank compound -> Drug.consensus_signature."""
    name: ClassVar[str] = "lincs-consensus"
    Options: ClassVar[type] = ConsensusOptions
    summary: ClassVar[str] = "LINCS L1000 consensus signature per compound (dhimmel consensi)"
    formats: ClassVar[str] = ("consensi-drugbank.tsv(.gz): perturbagen + one column per "
                              "landmark gene (Entrez); --id-map geneinfo.tsv.gz")

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read the compounds' signatures; InputError naming line and column on bad values."""
        bundle = Bundle(source="lincs-consensus", release=options.release or "unversioned",
                        files=[path], licence=LICENCE)
        sig = read_consensus(path, options.id_maps, bundle.issues)
        dataset = options.of(ConsensusOptions).dataset
        ds_id = f"lincs:{dataset}"
        for drug, values in zip(sig.drugs, sig.values.tolist(), strict=True):
            bundle.node("Drug", drug, drugbank_id=drug, consensus_signature=values)
            bundle.edge("PROFILED_IN", ("Drug", drug), ("Dataset", ds_id), signatures=1)
        bundle.node("Dataset", ds_id, name=dataset, kind="consensus",
                    n_signatures=len(sig.drugs), n_genes=len(sig.symbols),
                    genes_entrez=sig.entrez, genes_symbol=sig.symbols, organism=9606)
        return bundle


@dataclass
class ConsensusSignatures:
    """The file's compounds (rows of `values`) and mapped landmark genes (its columns)."""
    drugs: list[str]
    entrez: list[str]
    symbols: list[str]
    values: np.ndarray  # (compounds, genes) moderated z-scores


def read_consensus(path: Path, id_maps: list[Path], issues: Issues | None = None
                   ) -> ConsensusSignatures:
    """Parse a consensi file: rows of DrugBank compounds, Entrez columns mapped to symbols
    with the `id_maps` (LINCS geneinfo). Unmapped genes and non-DrugBank rows are counted
    in `issues`; a short row, a non-number or a non-finite value is an InputError naming
    the line and column."""
    require_file(path)
    issues = issues if issues is not None else Issues()
    mapper = IdMapper.from_files(resolve_organism("human"), id_maps)
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
    unmapped: list[str] = []
    for i, e in enumerate(cols[1:], start=1):
        sym = mapper.map(e.strip(), "entrez")
        if sym is None:
            unmapped.append(f"column {i + 1} ({e.strip()!r})")
            continue
        keep.append(i)
        entrez.append(e.strip())
        symbols.append(sym)
    if unmapped:
        # A signature is stored as values in the dataset's gene order: dropping a column
        # would shift every value after it onto the wrong gene in a graph that already
        # holds this dataset, so the whole file is refused instead.
        raise InputError(f"{len(unmapped)} gene column(s) have no gene in the --id-map: "
                         + ", ".join(unmapped[:5]) + (" …" if len(unmapped) > 5 else ""),
                         path=str(path), line=1,
                         hint="Every gene column must map (signatures are stored by gene "
                         "order): pass --id-map lincs/dhimmel_lincs/geneinfo.tsv.gz, or "
                         "remove those columns from the file.")
    if len(set(symbols)) < len(symbols):
        dup = sorted({s for s in symbols if symbols.count(s) > 1})[:5]
        raise InputError(f"several gene columns map to one gene: {', '.join(dup)}",
                         path=str(path), line=1)
    drugs: list[str] = []
    rows: list[list[float]] = []
    for lineno, line in lines:
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != len(cols):
            raise InputError(f"expected {len(cols)} tab-separated columns, found "
                             f"{len(parts)}", path=str(path), line=lineno)
        drug = parts[0].strip()
        if not DRUGBANK_ID.match(drug):
            issues.skip("not a DrugBank id", f"{path.name}:{lineno}")
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
        drugs.append(drug)
        rows.append(values)
    if not drugs:
        raise InputError("no compound signature in the file", path=str(path))
    return ConsensusSignatures(drugs, entrez, symbols, np.array(rows, dtype=float))
