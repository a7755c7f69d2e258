from genekg.db.connection import Database, connect
from genekg.db.cypher import load_query, query_names

__all__ = ["Database", "connect", "load_query", "query_names"]
