// Write-back of a set too large for the one-transaction flip (repeated until it returns
// 0): one batch of write $write's pending edges becomes PREDICTED_INTERACTION. They carry
// $write, which the run's `live` list does not hold yet, so the library's queries, the
// Browser style and every genekg command still read the old set; `flip_live` then switches
// them over in one small transaction.
// Params: $run, $write, $batch
MATCH (a)-[p:PENDING_PREDICTION {run_id: $run}]->(b)
WHERE p.write_id = $write
WITH a, p, b LIMIT $batch
CREATE (a)-[e:PREDICTED_INTERACTION]->(b)
SET e = properties(p)
DELETE p
RETURN count(*) AS n
