// The record of a pending load whose rows are gone.
// Params: $load
MATCH (s:Source {id: $load}) WHERE s.status = 'pending'
DELETE s
