"""Ingest: source files -> typed records -> the graph.

The loaders (one module per source, `genekg.loaders`, on disk in the repository's top-level
`loaders/`) read files into a schema-checked `Bundle`; `idmap` maps foreign gene ids onto
genes; `writer` merges a bundle into a running server in one transaction; `bulk` writes
bundles as the CSV that `neo4j-admin database import full` reads, for an empty database.
"""
