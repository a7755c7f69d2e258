// Drugs with their human targets, structure (InChI) and stored consensus signature, for
// the compound-split expression experiment and `expression predict --drug`.
// Params: $t (taxon)
MATCH (d:Drug)
OPTIONAL MATCH (d)-[:TARGETS]->(g:Gene {organism: $t})
WITH d, collect(DISTINCT g.id) AS targets
RETURN collect([d.id, coalesce(d.name, d.id), d.inchi, targets]) AS r
