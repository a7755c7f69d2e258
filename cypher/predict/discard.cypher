// A write that failed before its flip (repeated until it returns 0): remove its pending
// edges. Best effort; if the server is gone, `gc` of the run's next write collects them.
// Params: $run, $write, $batch
MATCH ()-[p:PENDING_PREDICTION {run_id: $run}]->()
WHERE p.write_id = $write
WITH p LIMIT $batch
DELETE p
RETURN count(*) AS n
