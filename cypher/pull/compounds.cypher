// Drugs with their human targets, structure (InChI) and stored consensus signature, for
// the compound-split expression experiment and `expression predict --drug`; the DrugBank id
// a node kept when DrugBank merged onto it (a LINCS compound) finds it from a consensi file.
// Params: $t (taxon)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (d:Drug) WHERE (d.load IS NULL OR d.load IN live)
OPTIONAL MATCH (d)-[x:TARGETS]->(g:Gene {organism: $t}) WHERE (x.load IS NULL OR x.load IN live)
WITH d, collect(DISTINCT g.id) AS targets
RETURN collect([d.id, coalesce(d.name, d.id), d.inchi, targets, d.drugbank_id]) AS r
