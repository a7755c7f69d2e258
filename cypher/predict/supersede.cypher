// Write-back of a `--genes` prediction, step 2 (repeated until it returns 0): mark the
// run's visible edges touching those genes as replaced by write $write. They stay visible
// until the flip makes $write live, then vanish in the same instant the new edges appear.
// Params: $run, $genes, $write, $batch
MATCH (run:PredictionRun {id: $run})
UNWIND $genes AS id
MATCH (:Gene {id: id})-[p:PREDICTED_INTERACTION {run_id: $run}]-()
WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live
  AND coalesce(p.superseded_by, '') <> $write
WITH DISTINCT p LIMIT $batch
SET p.superseded_by = $write
RETURN count(p) AS n
