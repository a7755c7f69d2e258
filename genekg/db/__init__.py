"""The database seam: the only package that imports the `neo4j` driver."""

from genekg.db.connection import Database, as_genekg_error, connect, is_constraint_conflict
from genekg.db.cypher import load_query, query_names
from genekg.db.store import GraphStore

__all__ = ["Database", "GraphStore", "as_genekg_error", "connect", "is_constraint_conflict",
           "load_query", "query_names"]
