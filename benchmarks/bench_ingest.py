"""Ingest throughput: E. coli BioGRID edge list and all 359 human KGML files.

Reports parse and write time separately, relationships/second through the driver, and
peak memory of the Python process and the server. Run: .venv/bin/python benchmarks/bench_ingest.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_of, peak_rss_mib, require_shared, save, server_db, server_rss_mib, wipe

from genekg.ingest.writer import ingest_bundle
from genekg.loaders import LoadOptions, get_loader
from genekg.organisms import resolve_organism


def main() -> None:
    data = require_shared()
    db = server_db()
    cases = {
        "ecoli_biogrid_edgelist": ("biogrid", data / "gne/ecoli/edgelist_biogrid_name.csv",
                                   LoadOptions(organism=resolve_organism("ecoli"))),
        "kgml_359": ("kegg", data / "kegg/kgml_hsa_BioContrast",
                     LoadOptions(id_maps=[data / "lincs/dhimmel_lincs/geneinfo.tsv.gz"])),
        "yeast_greencubic_3.5.187": (
            "biogrid", data / "biogrid/GreenCUBIC_BioGRID-PPI/"
            "Saccharomyces_cerevisiae_S288c-3.5.187_ID_559292_positive_interactions.tsv",
            LoadOptions(id_maps=[data / "id_mapping/yeast_uniprot_orf_gene_derived.tsv"])),
    }
    out = {}
    for name, (source, path, opts) in cases.items():
        loader = get_loader(source)
        parse_s, bundle = best_of(3, lambda loader=loader, path=path, opts=opts:
                                  loader.load(path, opts))
        rels = sum(len(t) for t in bundle.edges.values())
        nodes = sum(len(t) for t in bundle.nodes.values())
        first, rerun = [], []
        for _ in range(3):
            wipe(db)
            r = ingest_bundle(db, bundle)
            first.append(r.seconds)
            r2 = ingest_bundle(db, bundle)
            rerun.append(r2.seconds)
            assert sum(r2.added.values()) == 0
        w = min(first)
        out[name] = {
            "nodes": nodes, "relationships": rels, "parse_seconds": round(parse_s, 3),
            "write_seconds_best_of_3": round(w, 3),
            "write_seconds_all": [round(x, 3) for x in first],
            "relationships_per_second_write": round(rels / w),
            "relationships_per_second_parse_plus_write": round(rels / (w + parse_s)),
            "idempotent_rerun_seconds": round(min(rerun), 3),
        }
    out["peak_rss_python_mib"] = round(peak_rss_mib(), 1)
    out["peak_rss_server_mib"] = server_rss_mib()
    save("ingest", out)


if __name__ == "__main__":
    main()
