#!/usr/bin/env python3
"""Rebuild genekg/sample/data from ../shared/data (row/column excerpts, values untouched).

Run once by a maintainer; the result is committed with genekg/sample/PROVENANCE.md.
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO.parent / "shared" / "data"
OUT = REPO / "genekg" / "sample" / "data"
PATHWAYS = ["hsa04010", "hsa04012", "hsa04110", "hsa04115", "hsa04151", "hsa05224"]
CELL_LINES = {"MCF7", "A375", "A549", "PC-3", "HT-29", "HCT-116", "VCAP", "HEPG2", "HA1E"}
N_SAMPLES = 32


def gz_write(path: Path, text: str) -> None:
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime=0: byte-reproducible
        fh.write(text.encode())


def main() -> None:
    if not SRC.is_dir():
        sys.exit(f"{SRC} not found")
    OUT.mkdir(parents=True, exist_ok=True)
    # 1. E. coli BioGRID edge list used by the GNE paper (whole file).
    gz_write(OUT / "ecoli_biogrid_edgelist.csv.gz",
             (SRC / "gne/ecoli/edgelist_biogrid_name.csv").read_text())
    # 2. PRECISE log-TPM: every gene, the first N_SAMPLES samples; gene table for mapping.
    with gzip.open(SRC / "expression/ecoli_precise278/log_tpm.csv.gz", "rt") as fh:
        rows = [",".join(line.rstrip("\n").split(",")[: N_SAMPLES + 1]) for line in fh]
    gz_write(OUT / "ecoli_precise278_log_tpm_32samples.csv.gz", "\n".join(rows) + "\n")
    gz_write(OUT / "ecoli_precise278_gene_table.csv.gz",
             (SRC / "expression/ecoli_precise278/gene_table.csv").read_text())
    # 3. Human signalling pathways (KGML) and the Entrez -> symbol rows they need.
    kdir = OUT / "kgml"
    kdir.mkdir(exist_ok=True)
    entrez: set[str] = set()
    for pid in PATHWAYS:
        src = SRC / f"kegg/kgml_hsa_BioContrast/{pid}.xml"
        shutil.copyfile(src, kdir / f"{pid}.xml")
        entrez |= set(re.findall(r"hsa:(\d+)", src.read_text()))
    info = (SRC / "lincs/GSE92742/GSE92742_Broad_LINCS_gene_info.txt").read_text().splitlines()
    keep = [info[0]] + [ln for ln in info[1:] if ln.split("\t")[0] in entrez]
    (OUT / "lincs_gene_info_pathway_genes.txt").write_text("\n".join(keep) + "\n")
    symbols = {ln.split("\t")[1] for ln in keep[1:]}
    # 4. Repurposing Hub compounds (launched) that target a gene of those pathways.
    hub = (SRC / "drug_targets/repurposing_hub/Repurposing_Hub_export.txt").read_text()
    lines = hub.splitlines()
    header = lines[0].split("\t")
    t_idx, p_idx = header.index("Target"), header.index("Phase")
    sel = [lines[0]] + [
        ln for ln in lines[1:]
        if ln.split("\t")[p_idx] == "Launched"
        and {t.strip() for t in ln.split("\t")[t_idx].split(",")} & symbols
    ]
    (OUT / "repurposing_hub_pathway_targets.txt").write_text("\n".join(sel) + "\n")
    # 5. GDSC cell lines (LINCS core lines) and their point mutations.
    with open(SRC / "cell_lines/gdsc/cancer_cell_lines.csv") as fh:
        cl = list(csv.reader(fh))
    cl_sel = [cl[0]] + [r for r in cl[1:] if r[0] in CELL_LINES]
    ids = {r[1] for r in cl_sel[1:]}
    with open(OUT / "gdsc_cancer_cell_lines.csv", "w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(cl_sel)
    with gzip.open(SRC / "cell_lines/gdsc/test_omnibem_genomic_alterations.csv.gz", "rt") as fh:
        alt = fh.read().splitlines()
    alt_sel = [alt[0]] + [ln for ln in alt[1:] if ln.split(",")[0].strip('"') in ids
                          and '"Point.mutation"' in ln]
    (OUT / "gdsc_point_mutations.csv").write_text("\n".join(alt_sel) + "\n")
    print(f"sample written to {OUT}: {len(keep) - 1} pathway genes mapped, "
          f"{len(sel) - 1} drugs, {len(cl_sel) - 1} cell lines, {len(alt_sel) - 1} mutations")


if __name__ == "__main__":
    main()
