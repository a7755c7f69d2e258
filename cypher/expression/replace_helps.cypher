// Replace one cell line's HELPS_PREDICT edges with a new run's, in one statement (one
// transaction: readers see the old set or the new one).
// Params: $cell, $rows (list of {src, dst, rank, importance}), $run, $seed
CALL {
  MATCH ()-[h:HELPS_PREDICT {cell_line: $cell}]->()
  DELETE h
}
UNWIND $rows AS r
MATCH (a:Gene {id: r.src})
MATCH (b:Gene {id: r.dst})
CREATE (a)-[h:HELPS_PREDICT {rank: r.rank, importance: r.importance, cell_line: $cell,
  model: 'mtrs-stage2', seed: $seed, run_id: $run}]->(b)
RETURN count(h) AS n
