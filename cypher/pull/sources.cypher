// Every load recorded in the graph (id and file fingerprint), for run metadata.
MATCH (s:Source) WHERE s.status = 'complete'
RETURN s.id AS id, s.sha256 AS sha256
ORDER BY id
