"""The knowledge graph as training data: `genekg export triples` into PyKEEN and PyG.

    genekg export triples --out kg/
    .venv/bin/pip install pykeen torch_geometric     # optional; never genekg dependencies
    .venv/bin/python examples/graph_ml.py kg/

PyKEEN takes labelled (head, relation, tail) triples; PyG takes one `edge_index` per
(source type, relation, target type) over integer node indices, which the node tables
give. The output of a run on the bundled sample is in examples/graph_ml_output.txt.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

kg = Path(sys.argv[1] if len(sys.argv) > 1 else "kg")
triples = pd.read_parquet(kg / "triples.parquet")
print(f"{len(triples):,} triples:")
print(triples.groupby("relation").size().to_string())

# PyKEEN: labelled triples, split for training a KG-embedding model.
from pykeen.triples import TriplesFactory  # noqa: E402

tf = TriplesFactory.from_labeled_triples(triples[["head", "relation", "tail"]]
                                         .to_numpy(dtype=str))
train, test = tf.split([0.9, 0.1], random_state=42)
print(f"\nPyKEEN: {tf.num_entities:,} entities, {tf.num_relations} relations; "
      f"{train.num_triples:,} training and {test.num_triples:,} test triples")

# PyG: one node store per label (rows of nodes_<label>.parquet), one edge store per
# (label, relation, label), endpoints as row indices.
import torch  # noqa: E402
from torch_geometric.data import HeteroData  # noqa: E402

data = HeteroData()
index: dict[str, tuple[str, int]] = {}
for f in sorted(kg.glob("nodes_*.parquet")):
    label = f.stem.removeprefix("nodes_")
    nodes = pd.read_parquet(f)
    data[label].num_nodes = len(nodes)
    index.update({nid: (label, i) for i, nid in enumerate(nodes["id"])})
for rel, part in triples.groupby("relation"):
    heads = [index[h] for h in part["head"]]
    tails = [index[t] for t in part["tail"]]
    src, dst = heads[0][0], tails[0][0]
    data[src, str(rel), dst].edge_index = torch.tensor(
        [[i for _, i in heads], [i for _, i in tails]], dtype=torch.long)
data.validate()
print("\nPyG:", data)
