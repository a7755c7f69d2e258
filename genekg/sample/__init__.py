"""The small real sample bundled with genekg (see PROVENANCE.md beside this file)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from genekg.loaders.base import LoadOptions
from genekg.loaders.expression import ExpressionOptions
from genekg.organisms import resolve_organism

SAMPLE_DATASET = "precise278_sample"


def sample_dir() -> Path:
    """Folder of the bundled sample files."""
    return Path(str(resources.files("genekg.sample") / "data"))


def sample_plan() -> list[tuple[str, Path, LoadOptions]]:
    """(source, path, options) for every part of the sample, in load order."""
    d = sample_dir()
    ecoli, human = resolve_organism("ecoli"), resolve_organism("human")
    gene_info = d / "lincs_gene_info_pathway_genes.txt"
    return [
        ("biogrid", d / "ecoli_biogrid_edgelist.csv.gz",
         LoadOptions(organism=ecoli, release="gne-2019")),
        ("expression", d / "ecoli_precise278_log_tpm_32samples.csv.gz",
         LoadOptions(organism=ecoli, release="precise278",
                     id_maps=[d / "ecoli_precise278_gene_table.csv.gz"],
                     source=ExpressionOptions(dataset=SAMPLE_DATASET))),
        ("kegg", d / "kgml", LoadOptions(organism=human, release="kgml-2024",
                                         id_maps=[gene_info])),
        ("drugs", d / "repurposing_hub_pathway_targets.txt",
         LoadOptions(organism=human, release="2020-03")),
        ("cell-lines", d / "gdsc_cancer_cell_lines.csv", LoadOptions(release="gdsc")),
        ("cell-lines", d / "gdsc_point_mutations.csv", LoadOptions(release="gdsc")),
    ]


def load_sample(run: Callable[[str, Path, LoadOptions], Any]) -> Iterator[Any]:
    """Run `run(source, path, options)` for every part of the sample, in load order."""
    for source, path, options in sample_plan():
        yield run(source, path, options)
