"""The data every method reads: an interaction network and expression profiles pulled from
Neo4j into arrays (a layer below `genekg.linkpred` and `genekg.gne`).

Genes without a profile (documented choice): they keep a zero attribute vector and a
`has_profile = False` flag; the GNE attribute branch is masked for them, so they are
embedded from topology alone rather than from a fake all-zero expression profile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from genekg.db.store import GraphStore
from genekg.errors import GenekgError
from genekg.organisms import Organism


@dataclass
class Network:
    """A gene network pulled from the graph: gene ids, symbols and undirected edge index pairs."""
    organism: int
    genes: list[str]  # index -> Gene.id
    edges: np.ndarray  # (E, 2) int64 gene indices, i < j
    selection: dict[str, object] = field(default_factory=dict)

    @property
    def index(self) -> dict[str, int]:
        """Gene id -> row index."""
        return {g: i for i, g in enumerate(self.genes)}

    def fingerprint(self) -> str:
        """sha256 of the edges, and of the genes without one (recorded with each run)."""
        h = hashlib.sha256()
        degree = np.bincount(self.edges.ravel(), minlength=len(self.genes))
        for i in np.flatnonzero(degree == 0):  # genes a run ranks without an interaction
            h.update(f"{self.genes[i]}\n".encode())
        for a, b in self.edges:
            h.update(f"{self.genes[a]}\t{self.genes[b]}\n".encode())
        return h.hexdigest()


@dataclass
class Profiles:
    """Expression profiles aligned to a network's genes; `has` marks genes with a profile."""
    dataset: str
    matrix: np.ndarray  # (M, S) float32, standardised per gene, zeros where missing
    has_profile: np.ndarray  # (M,) bool
    samples: int

    def fingerprint(self) -> str:
        """sha256 of the dataset name and values (recorded with each run)."""
        return hashlib.sha256(self.matrix.tobytes() + self.has_profile.tobytes()).hexdigest()


def pull_network(
    db: GraphStore,
    organism: Organism,
    *,
    source: str | None = None,
    release: str | None = None,
    pathway: str | None = None,
    genes: list[str] | None = None,
    kg_genes: bool = False,
) -> Network:
    """The INTERACTS_WITH network of one organism (optionally one source/release) from the graph.

    `kg_genes`: the genes also include every gene of the selection that the knowledge graph
    places (a KEGG pathway or relation, a drug target, a cell-line mutation) but that has no
    interaction in it; they join as genes without edges, so a run ranks their partners
    through what the graph knows (`selection["kg_genes"]` counts them).
    """
    ids = [g if ":" in g else organism.gene_id(g) for g in genes] if genes else None
    pairs = db.scalar("pull/network", {"taxon": organism.taxon, "source": source,
                                       "release": release, "pathway": pathway,
                                       "genes": ids}) or []
    if not pairs:
        raise GenekgError(
            f"no INTERACTS_WITH edges for {organism.short} with source={source!r} "
            f"release={release!r}", hint="Load a network first (genekg ingest biogrid …) "
            "or check the selection (MATCH (s:Source) RETURN s.name, s.release).")
    in_net = {g for p in pairs for g in p}
    extra: set[str] = set()
    if kg_genes:
        extra = set(db.scalar("pull/kg_genes", {"taxon": organism.taxon, "pathway": pathway,
                                                "genes": ids}) or []) - in_net
    genes_sorted = sorted(in_net | extra)
    idx = {g: i for i, g in enumerate(genes_sorted)}
    edges = np.array([[idx[a], idx[b]] for a, b in pairs], dtype=np.int64)
    edges = np.sort(edges, axis=1)
    edges = np.unique(edges, axis=0)
    return Network(organism.taxon, genes_sorted, edges,
                   {"organism": organism.short, "source": source, "release": release,
                    "pathway": pathway, "genes": len(genes) if genes else None,
                    "kg_genes": len(extra) if kg_genes else None})


def pull_profiles(db: GraphStore, dataset: str, genes: list[str]) -> Profiles:
    """The expression profiles of one dataset for `genes` (missing genes get zeros, has=False)."""
    rows = db.scalar("pull/profiles", {"ds": dataset, "ids": genes}) or []
    if not rows:
        known = db.scalar("pull/datasets") or []
        raise GenekgError(f"no profile of dataset {dataset!r} for these genes",
                          hint=f"Datasets in the graph: {', '.join(known) or 'none'}")
    idx = {g: i for i, g in enumerate(genes)}
    n_samples = len(rows[0][1])
    mat = np.zeros((len(genes), n_samples), dtype=np.float64)
    has = np.zeros(len(genes), dtype=bool)
    for gid, values in rows:
        mat[idx[gid]] = np.asarray(values, dtype=np.float64)
        has[idx[gid]] = True
    return Profiles(dataset, standardise(mat, has), has, n_samples)


def standardise(mat: np.ndarray, has: np.ndarray) -> np.ndarray:
    """z-score each gene over experiments; missing values -> 0 (the gene's mean)."""
    out = np.zeros_like(mat, dtype=np.float32)
    sub = mat[has]
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(sub, axis=1, keepdims=True)
        std = np.nanstd(sub, axis=1, keepdims=True)
    std[~np.isfinite(std) | (std == 0)] = 1.0
    z = (sub - mean) / std
    out[has] = np.nan_to_num(z, nan=0.0).astype(np.float32)
    return out
