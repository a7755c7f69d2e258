// Take the write lock of one run's predictions: two `genekg predict --run R` never write
// at once. The first SET takes the node's write lock, so a concurrent taker waits and
// then reads the holder this one recorded. $steal: the token of a holder known to be dead.
// Params: $run, $token, $pid, $host, $now, $steal
MERGE (r:PredictionRun {id: $run})
SET r.lock_probe = $token
WITH r, r.writer_token AS held, r.writer_pid AS pid, r.writer_host AS host,
     toString(r.writer_since) AS since
FOREACH (_ IN CASE WHEN held IS NULL OR held = $steal THEN [1] ELSE [] END |
  SET r.writer_token = $token, r.writer_pid = $pid, r.writer_host = $host,
      r.writer_since = datetime($now))
REMOVE r.lock_probe
RETURN r.writer_token = $token AS mine, held, pid, host, since
