// Write-back, final step of a `--genes` prediction, one transaction: the run's edges
// touching those genes go and write $write's pending edges become PREDICTED_INTERACTION;
// the run's other edges stay.
// The pending edges are copied, not deleted: deleting them here doubled the transaction's
// memory (108,290 edges failed at the default 2g heap; copied only: 5.9 s). They are
// invisible; `predict/discard` removes them after the flip (the next write's gc if not).
// Params: $run, $write, $genes, $model, $now
MERGE (r:PredictionRun {id: $run})
WITH r
CALL (r) {
  UNWIND $genes AS id
  MATCH (:Gene {id: id})-[old:PREDICTED_INTERACTION {run_id: $run}]-()
  WITH DISTINCT old
  DELETE old
  RETURN count(*) AS removed
}
CALL (r) {
  MATCH (a)-[p:PENDING_PREDICTION {run_id: $run}]->(b)
  WHERE p.write_id = $write
  CREATE (a)-[e:PREDICTED_INTERACTION]->(b)
  SET e = properties(p)
  RETURN count(*) AS made
}
SET r.live = coalesce(r.live, []) + $write, r.retired = coalesce(r.retired, []),
    r.model = $model, r.updated_at = datetime($now)
RETURN made, removed
