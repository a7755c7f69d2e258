"""The local Neo4j + GDS server genekg installs (Maven Central) and runs on 127.0.0.1."""
