// Delete the nodes one pending load created (their relationships went first), in batches.
// Params: $load, $batch
MATCH (x) WHERE x.load = $load
CALL (x) { DETACH DELETE x } IN TRANSACTIONS OF $batch ROWS
