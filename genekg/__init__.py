"""genekg: public biology databases as a Neo4j knowledge graph, with gene-interaction
prediction (GNE) and expression prediction on top of it."""

__version__ = "0.1.0"

NEO4J_VERSION = "5.26.24"
GDS_VERSION = "2.13.9"
BROWSER_VERSION = "5.24.0"
