// Open a staged load: its Source record, 'pending' until `ingest/flip`. The load's rows
// carry `load` = this Source id and every reader leaves them out until then (readers keep
// rows whose `load` is null or the id of a complete Source). A Source already complete (a
// re-run of the same files) stays complete. Returns its status.
// Params: $id, $source, $release, $pid, $host, $now
MERGE (s:Source {id: $id})
ON CREATE SET s.status = 'pending', s.name = $source, s.release = $release, s.pid = $pid,
              s.host = $host, s.started_at = datetime($now)
RETURN s.status AS status
