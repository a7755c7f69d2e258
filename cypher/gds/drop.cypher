// Drop a GDS in-memory graph if it exists.
// Params: $name
CALL gds.graph.drop($name, false) YIELD graphName
RETURN graphName
