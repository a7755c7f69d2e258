// `predictions delete`, step 1: hide the run at once (its edges stop being visible).
// Params: $run
MATCH (r:PredictionRun {id: $run})
WITH r, COUNT { ()-[p:PREDICTED_INTERACTION {run_id: $run}]->()
                WHERE p.write_id IN r.live AND NOT coalesce(p.superseded_by, '') IN r.live } AS n
DELETE r
RETURN n
