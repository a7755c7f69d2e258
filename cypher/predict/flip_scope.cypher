// Write-back, final step of a `--genes` prediction, one transaction: the run's edges
// touching those genes go and write $write's pending edges become PREDICTED_INTERACTION;
// the run's other edges stay.
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
  DELETE p
  RETURN count(*) AS made
}
SET r.live = coalesce(r.live, []) + $write, r.retired = coalesce(r.retired, []),
    r.model = $model, r.updated_at = datetime($now)
RETURN made, removed
