// Write-back, final step of a whole-run prediction: one small transaction makes write
// $write the run's only live set (readers switch from the old set to the new one at once).
// Params: $run, $write, $model, $now
MERGE (r:PredictionRun {id: $run})
SET r.retired = coalesce(r.live, []), r.live = [$write], r.model = $model,
    r.updated_at = datetime($now)
RETURN r.retired AS retired
