"""Gene expression compendia as one `ExpressionProfile` per gene and dataset.

Layout in the graph: `(:Gene)-[:HAS_PROFILE]->(:ExpressionProfile {dataset, values})
-[:IN_DATASET]->(:Dataset {samples, ...})`, so a trainer pulls "all genes of organism X
with their profile from dataset D" in one query. Missing values are stored as NaN.

Accepted: TSV/CSV (gzipped or not) or Parquet, genes as rows (default) or as columns
(`--orientation genes-columns`, as in the DREAM5 `netN_expression_data.tsv` files whose
header is G1..Gn). The first column holds gene ids unless `--id-column` names another;
other non-numeric annotation columns are dropped with `--drop-columns`. The namespace
of the ids is detected (b-number, Entrez, yeast ORF, DREAM5 G-id, UniProt, symbol) or
set with `--id-type`; ids map to the organism's canonical gene ids via `--id-map`.
DREAM5 decoys are dropped and counted; rows mapping to the same gene are averaged.
Brauer 2008 `.tds` files (ORF inside the NAME field) are recognised by their header.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from genekg.errors import InputError
from genekg.ingest.idmap import YEAST_ORF, IdMapper
from genekg.loaders.base import Bundle, LoadOptions, detect_separator, iter_lines, require_file
from genekg.loaders.genes import UNIPROT, add_canonical_gene, map_gene

MISSING = {"", "na", "nan", "null", "none", "n/a", "-"}
LICENCE = "see data/PROVENANCE.md of the compendium"


def guess_id_type(values: list[str]) -> str:
    """The namespace most of `values` look like (uniprot, bnumber, orf, dream5, symbol)."""
    sample = [v for v in values[:300] if v]
    if not sample:
        return "symbol"
    tests: list[tuple[str, Callable[[str], object]]] = [
        ("dream5", lambda v: re.fullmatch(r"G\d+", v)),
        ("bnumber", lambda v: re.fullmatch(r"b\d{4}", v)),
        ("entrez", lambda v: v.isdigit()),
        ("orf", lambda v: YEAST_ORF.match(v)),
        ("uniprot", lambda v: UNIPROT.match(v)),
    ]
    for name, test in tests:
        if sum(bool(test(v)) for v in sample) >= 0.9 * len(sample):
            return name
    return "symbol"


def _float(value: str, path: Path, line: int, column: str) -> float:
    v = value.strip()
    if v.lower() in MISSING:
        return math.nan
    try:
        x = float(v)
    except ValueError:
        raise InputError(f"column {column!r}: {v!r} is not a number", path=str(path),
                         line=line) from None
    if math.isinf(x):
        # `inf` or a value past float range (1e400): no measured expression is infinite.
        raise InputError(f"column {column!r}: {v!r} is infinite (not a measurement)",
                         path=str(path), line=line,
                         hint="Write missing values as NA; nothing was loaded.")
    return x


@dataclass(frozen=True)
class ExpressionOptions:
    """`ingest expression`'s own options."""

    dataset: str | None = None  # default: the file's name
    orientation: str = "genes-rows"  # or genes-columns
    id_type: str | None = None  # default: detected
    id_column: str | None = None  # column holding gene ids
    drop_columns: str | None = None  # comma-separated columns to ignore


class ExpressionLoader:
    """Expression compendia (DREAM5, PRECISE, Gasch, Spellman, …) -> ExpressionProfile, Dataset."""
    name: ClassVar[str] = "expression"
    Options: ClassVar[type] = ExpressionOptions
    summary: ClassVar[str] = "Gene x sample expression matrices (PRECISE, Gasch, DREAM5, ...)"
    formats: ClassVar[str] = (
        "TSV/CSV(.gz) or Parquet; genes as rows or columns (--orientation); DREAM5 "
        "G-id matrices with netN_gene_ids.tsv; Brauer .tds"
    )

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read a genes x samples (or samples x genes) table into profiles of one dataset."""
        require_file(path)
        if options.organism is None:
            raise InputError("which organism? pass --organism (ecoli, yeast, human)",
                             path=str(path))
        org = options.organism
        mapper = IdMapper.from_files(org, options.id_maps)
        dataset = options.of(ExpressionOptions).dataset or _stem(path)
        orientation = options.of(ExpressionOptions).orientation
        if orientation not in ("genes-rows", "genes-columns"):
            raise InputError(f"--orientation must be genes-rows or genes-columns, "
                             f"not {orientation!r}")
        ids, samples, matrix, lines = self._read(path, options, orientation)
        id_type = options.of(ExpressionOptions).id_type or guess_id_type(ids)
        if id_type != org.canonical and not mapper.has(id_type):
            raise InputError(
                f"gene ids look like {id_type!r} but no {id_type} -> {org.canonical} mapping "
                "was given", path=str(path), hint="Pass --id-map with a mapping table.")
        bundle = Bundle(source="expression", release=options.release or dataset,
                        files=[path], licence=LICENCE)
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = {}
        decoys = mapper.tables.get("dream5_decoy", {})
        for raw, row, line in zip(ids, matrix, lines, strict=True):
            where = f"{path.name}:{line}"
            if raw in decoys:
                bundle.issues.skip("DREAM5 decoy", where)
                continue
            canonical = map_gene(mapper, raw, id_type, bundle.issues)
            if canonical is None:
                bundle.issues.skip("unmapped gene id", where)
                continue
            if canonical in sums:
                bundle.issues.skip("duplicate gene (averaged)", where)
                both = np.vstack([sums[canonical], row])
                sums[canonical] = np.where(np.isnan(both), 0, both).sum(axis=0)
                counts[canonical] += 1
            else:
                sums[canonical], counts[canonical] = np.where(np.isnan(row), 0, row), 1
                sums[canonical][np.isnan(row)] = np.nan
        if not sums:
            raise InputError("no gene of the matrix could be mapped "
                             f"(unmapped {id_type}: {bundle.issues.unmapped_examples})",
                             path=str(path))
        ds_id = f"expr:{dataset}"
        bundle.node("Dataset", ds_id, name=dataset, organism=org.taxon, samples=samples,
                    n_samples=len(samples), n_genes=len(sums), kind="expression",
                    file=path.name)
        for canonical, total in sums.items():
            gid = add_canonical_gene(bundle, mapper, canonical)
            values = (total / counts[canonical]).astype(float).tolist()
            pid = f"{dataset}|{gid}"
            bundle.node("ExpressionProfile", pid, dataset=dataset, gene=gid, values=values)
            bundle.edge("HAS_PROFILE", ("Gene", gid), ("ExpressionProfile", pid))
            bundle.edge("IN_DATASET", ("ExpressionProfile", pid), ("Dataset", ds_id))
        return bundle

    def _read(self, path: Path, options: LoadOptions, orientation: str
              ) -> tuple[list[str], list[str], list[np.ndarray], list[int]]:
        if path.suffix == ".parquet":
            return self._read_parquet(path, options, orientation)
        lines = iter_lines(path)
        _, header = next(lines)
        sep = detect_separator(header, path)
        cols = [c.strip().strip('"') for c in header.split(sep)]
        brauer = cols[:4] == ["GID", "YORF", "NAME", "GWEIGHT"]
        drop = {c.strip() for c in options.of(ExpressionOptions).drop_columns or [""]
                if c.strip()}
        if brauer:
            drop |= {"GID", "YORF", "GWEIGHT"}
        # Genes as columns (DREAM5): every column is a gene unless --id-column names the
        # column of sample labels; rows are then numbered samples.
        no_labels = orientation == "genes-columns" and not options.of(ExpressionOptions).id_column
        id_col = options.of(ExpressionOptions).id_column or ("NAME" if brauer else cols[0])
        if not no_labels and id_col not in cols:
            raise InputError(f"--id-column {id_col!r} not in header {cols[:8]}",
                             path=str(path), line=1)
        id_idx = -1 if no_labels else cols.index(id_col)
        data_idx = [i for i, c in enumerate(cols) if i != id_idx and c not in drop]
        names = [cols[i] for i in data_idx]
        ids: list[str] = []
        rows: list[np.ndarray] = []
        lnos: list[int] = []
        for lineno, line in lines:
            if not line.strip():
                continue
            parts = line.split(sep)
            if len(parts) != len(cols):
                raise InputError(f"expected {len(cols)} columns, found {len(parts)}",
                                 path=str(path), line=lineno)
            raw = str(len(ids) + 1) if no_labels else parts[id_idx].strip().strip('"')
            if brauer:
                raw = next((t.strip() for t in raw.split("||") if YEAST_ORF.match(t.strip())),
                           "")
            ids.append(raw)
            rows.append(np.array([_float(parts[i], path, lineno, cols[i]) for i in data_idx]))
            lnos.append(lineno)
        if not rows:
            raise InputError("no data rows after the header", path=str(path), line=2)
        if orientation == "genes-columns":
            m = np.vstack(rows)
            return names, ids, list(m.T), [1] * len(names)
        return ids, names, rows, lnos

    def _read_parquet(self, path: Path, options: LoadOptions, orientation: str
                      ) -> tuple[list[str], list[str], list[np.ndarray], list[int]]:
        import pandas as pd

        try:
            frame = pd.read_parquet(path)
        except Exception as exc:
            raise InputError(f"not a readable Parquet file ({exc})", path=str(path)) from None
        id_col = options.of(ExpressionOptions).id_column
        if id_col:
            frame = frame.set_index(str(id_col))
        numeric = frame.select_dtypes("number")
        if orientation == "genes-columns":
            numeric = numeric.T
        ids = [str(i) for i in numeric.index]
        return (ids, [str(c) for c in numeric.columns],
                list(numeric.to_numpy(dtype=float)), list(range(2, len(ids) + 2)))


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".tsv", ".csv", ".txt", ".tds", ".parquet"):
        name = name.removesuffix(suffix)
    return name
