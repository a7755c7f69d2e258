// Open a staged load: its Source record, 'pending' until `ingest/flip`. The load's rows
// carry `load` = this Source's `token` (a short hash of its id) and every reader leaves
// them out until then (readers keep rows whose `load` is null or the token of a complete
// Source, or its id for Sources written before tokens). A Source already complete (a
// re-run of the same files) stays complete, and a re-run of one written before tokens
// keeps writing its id. Returns its status and the `load` value its rows carry.
// Params: $id, $source, $release, $token, $pid, $host, $now
MERGE (s:Source {id: $id})
ON CREATE SET s.status = 'pending', s.name = $source, s.release = $release, s.pid = $pid,
              s.host = $host, s.started_at = datetime($now), s.token = $token
RETURN s.status AS status, coalesce(s.token, s.id) AS load
