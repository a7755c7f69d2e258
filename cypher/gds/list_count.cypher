// Number of GDS in-memory graphs.
CALL gds.graph.list() YIELD graphName
RETURN count(*) AS n
