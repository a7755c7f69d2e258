// Write-back, final step of a `--genes` prediction: one small transaction adds write $write
// to the run's live sets; the edges it superseded disappear in the same instant.
// Params: $run, $write, $model, $now
MERGE (r:PredictionRun {id: $run})
SET r.live = coalesce(r.live, []) + $write, r.retired = coalesce(r.retired, []), r.model = $model,
    r.updated_at = datetime($now)
RETURN r.live AS live
