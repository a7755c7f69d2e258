// Every known interaction among the given genes (any source or release), for exclusion
// from the candidates.
// Params: $ids
UNWIND $ids AS id
MATCH (a:Gene {id: id})-[:INTERACTS_WITH]->(b:Gene)
RETURN collect([a.id, b.id]) AS r
