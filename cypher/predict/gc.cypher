// Before a write (repeated until it returns 0, under the run's write lock): delete what
// earlier writes of the run left behind: pending edges of writes that were killed or lost
// their server, and edges of older genekg versions that no reader sees.
// Params: $run, $write, $batch
CALL {
  MATCH ()-[p:PENDING_PREDICTION {run_id: $run}]->()
  WHERE p.write_id <> $write
  RETURN p
  UNION
  MATCH (r:PredictionRun {id: $run})
  MATCH ()-[p:PREDICTED_INTERACTION {run_id: $run}]->()
  WHERE NOT p.write_id IN coalesce(r.live, []) OR p.superseded_by IN r.live
  RETURN p
}
WITH p LIMIT $batch
DELETE p
RETURN count(*) AS n
