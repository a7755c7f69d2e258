// Every known interaction among the given genes (any source or release), for exclusion
// from the candidates.
// Params: $ids
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $ids AS id
MATCH (a:Gene {id: id})-[x:INTERACTS_WITH]->(b:Gene) WHERE (x.load IS NULL OR x.load IN live)
RETURN collect([a.id, b.id]) AS r
