// Consensus signatures stored by `genekg ingest lincs-consensus`: the dataset's gene
// order and one [drug id, signature] row per profiled compound.
// Params: $ds (Dataset id, e.g. 'lincs:consensi-drugbank')
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (s:Dataset {id: $ds}) WHERE (s.load IS NULL OR s.load IN live)
OPTIONAL MATCH (d:Drug)-[x:PROFILED_IN]->(s)
WHERE d.consensus_signature IS NOT NULL AND (x.load IS NULL OR x.load IN live)
WITH s, d ORDER BY d.id
RETURN s.genes_symbol AS genes, collect([d.id, d.consensus_signature]) AS rows
