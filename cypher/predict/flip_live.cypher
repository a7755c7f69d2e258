// Write-back of a set too large for the one-transaction flip, the switch: the run's
// visible set becomes write $write's (already copied by `flip_copy`), in one small
// transaction; the old edges are no longer live and `gc` deletes them in batches.
// Params: $run, $write, $model, $now
MERGE (r:PredictionRun {id: $run})
SET r.live = [$write], r.retired = [], r.model = $model, r.updated_at = datetime($now)
RETURN count(r) AS n
