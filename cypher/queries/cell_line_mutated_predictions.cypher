// Predictions touching genes that are mutated in one cell line (by name, e.g. 'MCF7').
// Params: $cell_line, $limit
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (c:CellLine)
WHERE (c.name = $cell_line OR c.id = $cell_line) AND (c.load IS NULL OR c.load IN live)
MATCH (c)-[m:HAS_MUTATION]->(g:Gene)-[p:PREDICTED_INTERACTION]-(partner:Gene)
WHERE (m.load IS NULL OR m.load IN live)
  AND EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
RETURN c.name AS cell_line, g.symbol AS mutated_gene, partner.symbol AS partner,
       round(p.score, 4) AS score, m.types AS mutation_types, p.run_id AS run_id
ORDER BY score DESC
LIMIT $limit
