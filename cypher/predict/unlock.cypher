// Release the run's write lock taken with $token; a run that never went live leaves no node.
// Params: $run, $token
MATCH (r:PredictionRun {id: $run})
WHERE r.writer_token = $token
REMOVE r.writer_token, r.writer_pid, r.writer_host, r.writer_since
WITH r
WHERE r.live IS NULL
DELETE r
