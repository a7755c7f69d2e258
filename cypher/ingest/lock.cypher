// Take the graph's ingest lock: staged loads run one at a time (two loads of the same rows
// never both create them; a load's pending rows are never another load's). The first SET
// takes the node's write lock, so a concurrent taker waits and then reads the holder this
// one recorded. $steal: the token of a holder known to be dead.
// Params: $token, $pid, $host, $now, $tag, $steal
MERGE (l:IngestLock {id: 'ingest'})
SET l.lock_probe = $token
WITH l, l.writer_token AS held, l.writer_pid AS pid, l.writer_host AS host,
     toString(l.writer_since) AS since, l.writer_tag AS tag
FOREACH (_ IN CASE WHEN held IS NULL OR held = $steal THEN [1] ELSE [] END |
  SET l.writer_token = $token, l.writer_pid = $pid, l.writer_host = $host,
      l.writer_since = datetime($now), l.writer_tag = $tag)
REMOVE l.lock_probe
RETURN l.writer_token = $token AS mine, held, pid, host, since, tag
