// After a flip (repeated until it returns 0): delete the run's edges no reader can see any
// more: retired writes, superseded edges, and pending edges of writes that crashed over an
// hour ago. A concurrent, still-running write of the same run is left alone.
// Params: $run, $batch
MATCH (r:PredictionRun {id: $run})
MATCH ()-[p:PREDICTED_INTERACTION {run_id: $run}]->()
WHERE p.write_id IN r.retired OR p.superseded_by IN r.live
   OR (NOT p.write_id IN r.live AND p.created_at < datetime() - duration('PT1H'))
WITH p LIMIT $batch
DELETE p
RETURN count(*) AS n
