// Expression profiles of one dataset for the given genes.
// Params: $ds (dataset name), $ids (gene ids)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (g:Gene)-[x:HAS_PROFILE]->(p:ExpressionProfile {dataset: $ds})
WHERE g.id IN $ids AND (x.load IS NULL OR x.load IN live)
RETURN collect([g.id, p.values]) AS rows
