// Project the training edges ([a, b] rows; [a, null] adds an isolated gene) into a named
// GDS graph, undirected.
// Params: $rows, $name
UNWIND $rows AS r
MATCH (a:Gene {id: r[0]})
OPTIONAL MATCH (b:Gene {id: r[1]})
WITH gds.graph.project($name, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS rels
