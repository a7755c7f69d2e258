// Consensus signatures stored by `genekg ingest lincs-consensus`: the dataset's gene
// order and one [drug id, signature] row per profiled compound.
// Params: $ds (Dataset id, e.g. 'lincs:consensi-drugbank')
MATCH (s:Dataset {id: $ds})
OPTIONAL MATCH (d:Drug)-[:PROFILED_IN]->(s)
WHERE d.consensus_signature IS NOT NULL
WITH s, d ORDER BY d.id
RETURN s.genes_symbol AS genes, collect([d.id, d.consensus_signature]) AS rows
