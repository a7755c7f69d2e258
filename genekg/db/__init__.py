from genekg.db.connection import Database, as_genekg_error, connect, is_constraint_conflict
from genekg.db.cypher import load_query, query_names

__all__ = ["Database", "as_genekg_error", "connect", "is_constraint_conflict", "load_query",
           "query_names"]
