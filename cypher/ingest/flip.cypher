// First statement of a staged load's flip transaction: is its Source record still there
// (pending, or complete for a re-run)? Null when another process collected it as dead.
// The flip then writes the property updates of existing nodes and the Source record
// (`ingest/source`, status 'complete'): from that commit on, readers see the whole load.
// Params: $load
OPTIONAL MATCH (s:Source {id: $load})
RETURN s.status AS status
