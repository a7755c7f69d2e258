// A write that failed before its flip (repeated until it returns 0): remove its pending
// edges. Best effort; if the server is gone, `gc` of a later write collects them.
// Params: $run, $write, $batch
MATCH ()-[p:PREDICTED_INTERACTION {run_id: $run}]->()
WHERE p.write_id = $write
WITH p LIMIT $batch
DELETE p
RETURN count(*) AS n
