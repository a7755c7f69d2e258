// Project node pairs given by element id ([a, b] rows) into a named GDS graph, undirected.
// Params: $rows, $g
UNWIND $rows AS r
MATCH (a) WHERE elementId(a) = r[0]
MATCH (b) WHERE elementId(b) = r[1]
WITH gds.graph.project($g, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS n
