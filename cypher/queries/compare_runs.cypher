// Two runs compared: pairs predicted by both, by only one, and their score difference.
// Params: $run_a, $run_b, $limit
MATCH (a:Gene)-[p:PREDICTED_INTERACTION]->(b:Gene)
WHERE p.run_id IN [$run_a, $run_b]
  AND EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
WITH a, b, collect(p) AS ps
WITH a, b, [x IN ps WHERE x.run_id = $run_a][0] AS pa, [x IN ps WHERE x.run_id = $run_b][0] AS pb
RETURN a.symbol AS gene_a, b.symbol AS gene_b,
       CASE WHEN pa IS NULL THEN null ELSE round(pa.score, 4) END AS score_a,
       CASE WHEN pb IS NULL THEN null ELSE round(pb.score, 4) END AS score_b,
       CASE WHEN pa IS NOT NULL AND pb IS NOT NULL THEN 'both'
            WHEN pa IS NOT NULL THEN 'only a' ELSE 'only b' END AS found_in
ORDER BY coalesce(pa.score, 0) + coalesce(pb.score, 0) DESC
LIMIT $limit
