// Write-back, final step of a whole-run prediction, one transaction: the run's previous
// edges go and write $write's pending edges become PREDICTED_INTERACTION, so any query
// sees either the old set or the new one, never both or half.
// The pending edges are copied, not deleted: deleting them here doubled the transaction's
// memory (108,290 edges failed at the default 2g heap; copied only: 5.9 s). They are
// invisible; `predict/discard` removes them after the flip (the next write's gc if not).
// Params: $run, $write, $model, $now
MERGE (r:PredictionRun {id: $run})
WITH r
CALL (r) {
  MATCH ()-[old:PREDICTED_INTERACTION {run_id: $run}]->()
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
SET r.live = [$write], r.retired = [], r.model = $model, r.updated_at = datetime($now)
RETURN made, removed
