// How many of the given gene ids are nodes of this graph.
// Params: $ids
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $ids AS id
MATCH (g:Gene {id: id}) WHERE (g.load IS NULL OR g.load IN live)
RETURN count(g) AS n
