// How many of the given gene ids are nodes of this graph.
// Params: $ids
UNWIND $ids AS id
MATCH (g:Gene {id: id})
RETURN count(g) AS n
