// Visible edges of one run (all runs when $run is null).
// Params: $run
MATCH ()-[p:PREDICTED_INTERACTION]->()
WHERE ($run IS NULL OR p.run_id = $run)
  AND EXISTS { MATCH (r:PredictionRun {id: p.run_id})
               WHERE p.write_id IN r.live AND NOT coalesce(p.superseded_by, '') IN r.live }
RETURN count(p) AS n
