// Delete the relationships one pending load created, in batches of their own (one scan).
// Params: $load, $batch
MATCH ()-[x]->() WHERE x.load = $load
CALL (x) { DELETE x } IN TRANSACTIONS OF $batch ROWS
