// Drugs with their human targets, structure (InChI) and stored consensus signature, for
// the compound-split expression experiment and `expression predict --drug`; the DrugBank id
// a node kept when DrugBank merged onto it (a LINCS compound) finds it from a consensi file.
// Params: $t (taxon)
MATCH (d:Drug)
OPTIONAL MATCH (d)-[:TARGETS]->(g:Gene {organism: $t})
WITH d, collect(DISTINCT g.id) AS targets
RETURN collect([d.id, coalesce(d.name, d.id), d.inchi, targets, d.drugbank_id]) AS r
