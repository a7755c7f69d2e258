// Score histogram of one run by probability bin (0.5-0.6, …, 0.9-1.0), with the fraction of
// predicted pairs that a newer release already lists as interactions (the GNE paper's Fig. 7)
// and the mean number of shared partners (Fig. 8).
// Params: $run, $tag (a newer release tag such as 'biogrid@4.2.192', or null)
CALL () {
  OPTIONAL MATCH (s:Source {status: 'complete'})
  RETURN collect(coalesce(s.token, s.id)) AS live, collect(DISTINCT s.name + '@' + s.release) AS tags
}
MATCH (a:Gene)-[p:PREDICTED_INTERACTION {run_id: $run}]->(b:Gene)
WHERE EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
WITH p, a, b, live, tags, toInteger(floor(p.score * 10)) AS bin
WITH bin, p, EXISTS { (a)-[i:INTERACTS_WITH]-(b)
  WHERE $tag IN i.seen_in AND $tag IN tags AND (i.load IS NULL OR i.load IN live) } AS confirmed
RETURN toString(bin / 10.0) + '-' + toString((bin + 1) / 10.0) AS bin,
       count(*) AS predictions,
       round(toFloat(sum(CASE WHEN confirmed THEN 1 ELSE 0 END)) / count(*), 4) AS fraction_confirmed,
       round(avg(p.shared_partners), 2) AS mean_shared_partners
ORDER BY bin
