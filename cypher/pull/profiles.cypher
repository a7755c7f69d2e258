// Expression profiles of one dataset for the given genes.
// Params: $ds (dataset name), $ids (gene ids)
MATCH (g:Gene)-[:HAS_PROFILE]->(p:ExpressionProfile {dataset: $ds})
WHERE g.id IN $ids
RETURN collect([g.id, p.values]) AS rows
