// Prediction runs present in the graph: edges, score range, model, when written.
// Params: none
MATCH ()-[p:PREDICTED_INTERACTION]->()
WHERE EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
RETURN p.run_id AS run_id, p.model AS model, count(*) AS edges,
       round(min(p.score), 4) AS min_score, round(max(p.score), 4) AS max_score,
       toString(max(p.created_at)) AS written_at
ORDER BY written_at DESC
