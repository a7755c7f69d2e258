// Temporal validation: predictions of one run that a given (newer) release confirms,
// i.e. the pair is an INTERACTS_WITH edge seen in that release.
// Params: $run (run id), $tag (e.g. 'biogrid@4.2.192'), $limit
CALL () {
  OPTIONAL MATCH (s:Source {status: 'complete'})
  RETURN collect(coalesce(s.token, s.id)) AS live, collect(DISTINCT s.name + '@' + s.release) AS tags
}
MATCH (a:Gene)-[p:PREDICTED_INTERACTION {run_id: $run}]->(b:Gene)
MATCH (a)-[i:INTERACTS_WITH]-(b)
WHERE $tag IN i.seen_in AND $tag IN tags AND (i.load IS NULL OR i.load IN live)
  AND EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
RETURN a.symbol AS gene_a, b.symbol AS gene_b, round(p.score, 4) AS score, p.rank AS rank,
       [t IN i.seen_in WHERE t IN tags] AS seen_in
ORDER BY rank
LIMIT $limit
