// Predicted partners of the targets of one drug (by name or id): candidate off-pathway effects.
// Params: $drug (e.g. 'imatinib' or 'DB00619'), $limit
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (d:Drug)
WHERE (toLower(d.name) = toLower($drug) OR d.id = $drug) AND (d.load IS NULL OR d.load IN live)
MATCH (d)-[x:TARGETS]->(t:Gene)-[p:PREDICTED_INTERACTION]-(partner:Gene)
WHERE (x.load IS NULL OR x.load IN live)
  AND EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
RETURN d.name AS drug, t.symbol AS target, partner.symbol AS partner,
       round(p.score, 4) AS score, p.run_id AS run_id
ORDER BY score DESC
LIMIT $limit
