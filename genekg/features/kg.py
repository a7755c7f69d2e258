"""The seven graph feature sets of Al taweraqi & King (2022) on the knowledge graph.

Subgraph (default): human genes linked by KEGG relations (as undirected edges), plus the
super nodes — Pathway (IN_PATHWAY), Drug (TARGETS) and CellLine (HAS_MUTATION) — so that
genes with no gene–gene edge still have a place in the graph.

Sets: `cn` common neighbours, `lpi` local path index (A² + βA³), `ent` relative entropy,
`le` Laplacian eigenmaps, `lle` locally linear embedding, `dw` DeepWalk (GDS node2vec
p=q=1), `n2v` node2vec (GDS, p=1 q=0.5). Pairwise sets give S(x, y) for requested pairs;
embedding sets give a vector per node, and the pair feature is their cosine.

Join rule (how a similarity becomes a feature of one experiment row, which the paper
leaves open): an L1000 experiment perturbs cell line c with drug d; for the model of
target gene g its graph features are [S(d, g), S(c, g)] — the drug's and the cell line's
super-node relation to g. A drug absent from the graph gets NaN, imputed with the column
median of the training rows.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from genekg.db import Database, GraphStore, load_query
from genekg.errors import GenekgError
from genekg.features import similarity as F

FEATURE_SETS = ("cn", "lpi", "ent", "le", "lle", "dw", "n2v")
EMBEDDING_SETS = ("le", "lle", "dw", "n2v")


@dataclass
class KG:
    """The human KEGG graph with super nodes (pathways, drugs, cell lines) as a sparse adjacency."""
    nodes: list[str]  # node ids: genes '9606:TP53', 'path:…', drug ids, 'COSMIC:…'
    labels: list[str]
    adj: sp.csr_matrix
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {n: i for i, n in enumerate(self.nodes)}


def pull_kg(db: Database, taxon: int = 9606) -> KG:
    """Genes of one organism with KEGG relations + pathway, drug and cell-line super nodes."""
    rows = db.scalar("pull/kg_edges", {"t": taxon}) or []
    if not rows:
        raise GenekgError("the knowledge graph has no KEGG/drug/cell-line edges for this "
                          "organism", hint="genekg ingest kegg …, drugs …, cell-lines …")
    label_of = {r[0]: r[1] for r in rows} | {r[2]: r[3] for r in rows}
    nodes = sorted(label_of)
    idx = {n: i for i, n in enumerate(nodes)}
    edges = np.array([[idx[r[0]], idx[r[2]]] for r in rows if r[0] != r[2]])
    return KG(nodes, [label_of[n] for n in nodes], F.adjacency(edges, len(nodes)))


@dataclass
class FeatureSet:
    """One computed feature set: an embedding or a pairwise score over the KG."""
    name: str
    seconds: float
    embedding: np.ndarray | None = None  # (N, dim) for embedding sets
    kg: KG | None = None

    def pair(self, pairs: np.ndarray, beta: float = 0.01) -> np.ndarray:
        """Feature value for index pairs (NaN where an endpoint is missing: index -1)."""
        out = np.full(len(pairs), np.nan)
        ok = (pairs >= 0).all(axis=1)
        p = pairs[ok]
        if not len(p):
            return out
        if self.embedding is not None:
            x, y = self.embedding[p[:, 0]], self.embedding[p[:, 1]]
            den = np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)
            out[ok] = np.where(den > 0, (x * y).sum(1) / np.where(den > 0, den, 1), 0.0)
            return out
        assert self.kg is not None
        a = self.kg.adj
        if self.name == "cn":
            out[ok] = F.common_neighbours(a, p)
        elif self.name == "lpi":
            out[ok] = F.local_path_index(a, p, beta)
        else:
            out[ok] = F.relative_entropy(a, p)
        return out


def compute(kg: KG, name: str, *, dim: int = 32, seed: int = 0, db: Database | None = None
            ) -> FeatureSet:
    """Compute feature set `name` (cn, lpi, ent, le, lle, dw, n2v) on the KG."""
    if name not in FEATURE_SETS:
        raise GenekgError(f"unknown feature set {name!r}", hint=", ".join(FEATURE_SETS))
    t0 = time.monotonic()
    emb = None
    if name == "le":
        emb = F.laplacian_eigenmaps(kg.adj, dim, seed)
    elif name == "lle":
        emb = F.locally_linear_embedding(kg.adj, min(dim, 16), seed=seed)
    elif name in ("dw", "n2v"):
        if db is None:
            raise GenekgError("DeepWalk/node2vec run in GDS and need a database")
        emb = _gds_walk(db, kg, name, dim, seed)
    return FeatureSet(name, time.monotonic() - t0, emb, kg)


def _gds_walk(db: Database, kg: KG, name: str, dim: int, seed: int) -> np.ndarray:
    from genekg.linkpred.gds import drop_graph, gds_embedding

    graph = f"genekg_kg_{uuid.uuid4().hex[:8]}"
    # Element ids per label first (indexed lookups), then project by element id.
    eid: dict[str, str] = {}
    for label in sorted(set(kg.labels)):
        ids = [n for n, lab in zip(kg.nodes, kg.labels, strict=True) if lab == label]
        query = load_query("pull/element_ids").for_labels(label=label)
        for nid, e in db.scalar(query, {"ids": ids}):
            eid[nid] = e
    coo = sp.triu(kg.adj).tocoo()
    rows = [[eid[kg.nodes[i]], eid[kg.nodes[j]]] for i, j in zip(coo.row, coo.col, strict=True)]
    db.run("gds/project_by_element_id", {"rows": rows, "g": graph})
    try:
        return gds_embedding(db, graph, kg.nodes, "deepwalk" if name == "dw" else "node2vec",
                             dim=dim, seed=seed)
    finally:
        drop_graph(db, graph)


def write_feature_embedding(db: GraphStore, kg: KG, name: str, emb: np.ndarray, dim: int,
                            seed: int) -> int:
    """Store one feature set's embedding as `kg_<name>` (and `kg_<name>_params`) on the KG's
    nodes; returns the number of rows sent."""
    if name not in FEATURE_SETS:  # the name becomes a property key: only known sets
        raise GenekgError(f"unknown feature set {name!r}", hint=", ".join(FEATURE_SETS))
    params = json.dumps({"dim": dim, "seed": seed})
    sent = 0
    for label in sorted(set(kg.labels)):
        rows = [[n, {f"kg_{name}": list(map(float, v)), f"kg_{name}_params": params}]
                for n, lab, v in zip(kg.nodes, kg.labels, emb, strict=True) if lab == label]
        query = load_query("expression/write_feature_embedding").for_labels(label=label)
        for i in range(0, len(rows), 5000):
            db.run(query, {"rows": rows[i:i + 5000]})
        sent += len(rows)
    return sent
