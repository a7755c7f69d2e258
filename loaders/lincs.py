"""LINCS L1000 signatures from GCTX (HDF5) or GCT v1.3 (text) files.

Large perturbation matrices do not belong in node properties: the signatures × genes
matrix is streamed into a local Parquet file (`<data dir>/lincs/<dataset>.parquet`,
signature metadata in `<dataset>.signatures.parquet`), and the graph gets a `Dataset`
node that points at it plus `(:Drug)-[:PROFILED_IN {signatures, cells}]->(:Dataset)` for
every compound (Broad id, or its DrugBank id when the Drug node is already merged).

GCTX is read in chunks of signatures (`--chunk`, default 10,000) so the full GEO releases
(hundreds of thousands of signatures) stream with bounded memory; `--cell MCF7` keeps one
cell line and `--landmark` keeps the 978 measured genes. GCT text files are parsed row by
row (genes) and hold only the selected columns.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from genekg.config import data_dir
from genekg.errors import InputError
from genekg.loaders.base import Bundle, LoadOptions, iter_lines, next_line, require_file

LICENCE = "LINCS L1000: CC BY 4.0"


def _s(v: Any) -> str:
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return v.decode("latin-1")  # Broad's older GCTX files write 'µM' as one byte
    return str(v)


def brd(pert_id: str) -> str:
    """The Broad id stem of a perturbagen id (`BRD-K12345678`)."""
    m = re.match(r"(BRD-[A-Z]\d{8})", pert_id)
    return m.group(1) if m else pert_id


@dataclass(frozen=True)
class LincsOptions:
    """`ingest lincs`'s own options."""

    cell: str | None = None  # keep signatures of this cell line
    landmark: bool = False  # keep the landmark genes only
    chunk: int = 10_000  # GCTX signatures per read
    dataset: str | None = None  # default: the file's name
    store: Path | None = None  # where the Parquet signatures go (default: data folder)


class LincsLoader:
    """LINCS L1000 GCT/GCTX -> Parquet signatures plus Drug/Dataset nodes (PROFILED_IN)."""
    name: ClassVar[str] = "lincs"
    Options: ClassVar[type] = LincsOptions
    summary: ClassVar[str] = "LINCS L1000 signatures (GCTX/GCT), streamed to Parquet"
    formats: ClassVar[str] = "GCTX (HDF5, level 3-5) or GCT v1.3 text; --cell, --landmark"

    def load(self, path: Path, options: LoadOptions) -> Bundle:
        """Read signatures of a GCT/GCTX file (optionally one cell line), streaming GCTX in
        chunks."""
        require_file(path)
        own = options.of(LincsOptions)
        cell, landmark, chunk = own.cell, own.landmark, own.chunk
        dataset = own.dataset or path.name.split(".")[0]
        store = own.store or data_dir() / "lincs"
        if path.suffix == ".gctx":
            genes, sig_meta, blocks = self._gctx(path, cell, landmark, chunk)
        else:
            genes, sig_meta, blocks = self._gct(path, cell, landmark)
        if not sig_meta["id"]:
            raise InputError(f"no signature for cell line {cell!r}", path=str(path),
                             hint="Check --cell against the file's cell_id values.")
        parquet = self._write(store, dataset, genes, sig_meta, blocks)
        bundle = Bundle(source="lincs", release=options.release or dataset, files=[path],
                        licence=LICENCE)
        ds_id = f"lincs:{dataset}"
        cells = sorted(set(sig_meta.get("cell_id", [])))
        bundle.node("Dataset", ds_id, name=dataset, kind="perturbation", file=str(parquet),
                    n_signatures=len(sig_meta["id"]), n_genes=len(genes), cells=cells,
                    genes_entrez=[g[0] for g in genes], genes_symbol=[g[1] for g in genes])
        per_drug: dict[str, dict[str, Any]] = defaultdict(lambda: {"n": 0, "cells": set()})
        for i, pid in enumerate(sig_meta.get("pert_id", [])):
            if sig_meta.get("pert_type", ["trt_cp"] * (i + 1))[i] != "trt_cp":
                continue
            d = per_drug[brd(pid)]
            d["n"] += 1
            d["name"] = sig_meta.get("pert_iname", [""] * (i + 1))[i]
            if "cell_id" in sig_meta:
                d["cells"].add(sig_meta["cell_id"][i])
        for drug, d in per_drug.items():
            bundle.node("Drug", drug, name=d.get("name") or None, broad_ids=[drug])
            bundle.edge("PROFILED_IN", ("Drug", drug), ("Dataset", ds_id),
                        signatures=int(d["n"]), cells=sorted(d["cells"]))
        return bundle

    def _gctx(self, path: Path, cell: object, landmark: bool, chunk: int
              ) -> tuple[list[tuple[str, str]], dict[str, list[str]], Any]:
        import h5py

        try:
            h = h5py.File(path, "r")
        except OSError as exc:
            raise InputError(f"not a readable GCTX/HDF5 file ({exc})", path=str(path)) from None
        try:
            mat = h["0/DATA/0/matrix"]
            rows, cols = h["0/META/ROW"], h["0/META/COL"]
        except KeyError as exc:
            h.close()
            raise InputError(f"not a GCTX file: missing {exc}", path=str(path)) from None
        n_sig, n_gene = mat.shape
        gmask = np.ones(n_gene, dtype=bool)
        if landmark:
            key = "pr_is_lmark" if "pr_is_lmark" in rows else "is_lm"
            if key in rows:
                gmask = np.asarray(rows[key][:]).astype(float) == 1
        entrez = [_s(x) for x in rows["pr_gene_id"][:]] if "pr_gene_id" in rows else \
            [_s(x) for x in rows["id"][:]]
        symbol = [_s(x) for x in rows["pr_gene_symbol"][:]] if "pr_gene_symbol" in rows \
            else entrez
        genes = [(e, s) for e, s, k in zip(entrez, symbol, gmask, strict=True) if k]
        meta_keys = [k for k in ("id", "cell_id", "pert_id", "pert_iname", "pert_type",
                                 "pert_idose", "pert_dose", "pert_itime", "pert_time",
                                 "distil_ss") if k in cols]
        cell_ids = [_s(x) for x in cols["cell_id"][:]] if "cell_id" in cols else None
        keep = np.array([cell is None or c == cell for c in (cell_ids or [])] or
                        [True] * n_sig)
        sig_meta = {k: [_s(x) for x, kk in zip(cols[k][:], keep, strict=True) if kk]
                    for k in meta_keys}

        def blocks() -> Any:
            try:
                for start in range(0, n_sig, chunk):
                    sel = np.nonzero(keep[start : start + chunk])[0]
                    if len(sel):
                        block = np.asarray(mat[start : start + chunk])[sel][:, gmask]
                        yield block.astype(np.float32)
            finally:
                h.close()

        return genes, sig_meta, blocks()

    def _gct(self, path: Path, cell: object, landmark: bool
             ) -> tuple[list[tuple[str, str]], dict[str, list[str]], Any]:
        lines = iter_lines(path)
        _, version = next(lines)
        if not version.startswith("#1.3"):
            raise InputError(f"expected a GCT #1.3 header, found {version[:20]!r}",
                             path=str(path), line=1)
        _, dims = next_line(lines, path, "the dimensions line")
        try:
            n_row, n_col, n_rmeta, n_cmeta = (int(x) for x in dims.split("\t")[:4])
        except ValueError:
            raise InputError("line 2 must hold 4 tab-separated integers", path=str(path),
                             line=2) from None
        _, header = next_line(lines, path, "the header line")
        hcols = header.split("\t")
        rmeta_names = hcols[1 : 1 + n_rmeta]
        sig_ids = hcols[1 + n_rmeta :]
        if len(sig_ids) != n_col:
            raise InputError(f"header has {len(sig_ids)} signatures, line 2 says {n_col}",
                             path=str(path), line=3)
        cmeta: dict[str, list[str]] = {"id": sig_ids}
        for _ in range(n_cmeta):
            lineno, line = next_line(lines, path, f"{n_cmeta} column-metadata lines")
            parts = line.split("\t")
            cmeta[parts[0]] = parts[1 + n_rmeta :]
        keep = np.array([cell is None or c == cell for c in cmeta.get("cell_id",
                                                                     [""] * n_col)])
        if "cell_id" not in cmeta and cell is not None:
            keep[:] = False
        genes: list[tuple[str, str]] = []
        data: list[np.ndarray] = []
        gi = rmeta_names.index("pr_gene_id") if "pr_gene_id" in rmeta_names else None
        si = rmeta_names.index("pr_gene_symbol") if "pr_gene_symbol" in rmeta_names else None
        li = rmeta_names.index("pr_is_lmark") if "pr_is_lmark" in rmeta_names else None
        for lineno, line in lines:
            parts = line.split("\t")
            if len(parts) != 1 + n_rmeta + n_col:
                raise InputError(f"expected {1 + n_rmeta + n_col} columns, found {len(parts)}",
                                 path=str(path), line=lineno)
            meta = parts[1 : 1 + n_rmeta]
            if landmark and li is not None and meta[li] not in ("1", "1.0"):
                continue
            try:
                vals = np.array(parts[1 + n_rmeta :], dtype=np.float32)[keep]
            except ValueError:
                raise InputError("non-numeric value in the data block", path=str(path),
                                 line=lineno) from None
            if np.isinf(vals).any():
                raise InputError("infinite value in the data block (inf, or beyond float32 "
                                 "range)", path=str(path), line=lineno)
            genes.append((meta[gi] if gi is not None else parts[0],
                          meta[si] if si is not None else parts[0]))
            data.append(vals)
        if len(genes) == 0 or (not landmark and len(genes) != n_row):
            raise InputError(f"expected {n_row} gene rows, found {len(genes)} "
                             "(truncated file?)", path=str(path))
        sig_meta = {k: [x for x, kk in zip(v, keep, strict=True) if kk] for k, v in cmeta.items()
                    if k in ("id", "cell_id", "pert_id", "pert_iname", "pert_type",
                             "pert_dose", "pert_idose", "pert_time", "pert_itime")}
        matrix = np.vstack(data).T if data else np.zeros((0, 0), np.float32)
        return genes, sig_meta, iter([matrix] if matrix.size else [])

    @staticmethod
    def _write(store: Path, dataset: str, genes: list[tuple[str, str]],
               sig_meta: dict[str, list[str]], blocks: Any) -> Path:
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        store.mkdir(parents=True, exist_ok=True)
        final = store / f"{dataset}.parquet"
        tmp = store / f".{dataset}.parquet.partial"
        names = [f"{e}|{s}" for e, s in genes]  # Entrez|symbol per column
        schema = pa.schema([(n, pa.float32()) for n in names])
        n = 0
        with pq.ParquetWriter(tmp, schema) as writer:
            for block in blocks:
                writer.write_table(pa.Table.from_arrays(
                    [pa.array(block[:, j]) for j in range(block.shape[1])], schema=schema))
                n += block.shape[0]
        if n != len(sig_meta["id"]):
            tmp.unlink(missing_ok=True)
            raise InputError(f"streamed {n} signatures, metadata lists {len(sig_meta['id'])}")
        pd.DataFrame(sig_meta).to_parquet(store / f"{dataset}.signatures.parquet", index=False)
        tmp.replace(final)
        return final


def read_signatures(path: Path, cell: str | None, landmark: bool = True, chunk: int = 10_000
                    ) -> tuple[list[tuple[str, str]], dict[str, list[str]], np.ndarray]:
    """(genes as (Entrez, symbol), signature metadata, signatures × genes matrix)."""
    loader = LincsLoader()
    require_file(path)
    if path.suffix == ".gctx":
        genes, meta, blocks = loader._gctx(path, cell, landmark, chunk)
    else:
        genes, meta, blocks = loader._gct(path, cell, landmark)
    parts = list(blocks)
    if not meta.get("id") or not parts:
        raise InputError(f"no signature for cell line {cell!r}", path=str(path),
                         hint="Check --cell against the file's cell_id values.")
    return genes, meta, np.vstack(parts)
