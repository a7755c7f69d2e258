// `predictions delete`, step 2 (repeated until it returns 0): remove a batch of the
// forgotten run's edges, pending ones included.
// Params: $run, $batch
MATCH ()-[p:PREDICTED_INTERACTION|PENDING_PREDICTION {run_id: $run}]->()
WITH p LIMIT $batch
DELETE p
RETURN count(*) AS n
