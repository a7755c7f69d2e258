"""Graph features computed in NumPy/SciPy: `similarity` (neighbourhood similarities,
spectral and random-walk embeddings of a sparse adjacency) and `kg` (the knowledge-graph
feature sets of expression prediction: gene-drug and gene-cell-line similarities)."""
