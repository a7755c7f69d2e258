// Release the ingest lock taken with $token (the lock node goes with it).
// Params: $token
MATCH (l:IngestLock {id: 'ingest'})
WHERE l.writer_token = $token
DELETE l
