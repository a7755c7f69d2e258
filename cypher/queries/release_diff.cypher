// Interactions that changed between two releases of a source: 'new' (in $new, not in
// $old) and 'absent' (in $old, not in $new), for organisms loaded in both releases — the
// pairs a curator checks predictions against. A release without '@' means biogrid@<it>.
// Params: $old, $new (e.g. '4.2.191' or 'biogrid@4.2.191'), $limit
CALL () {
  OPTIONAL MATCH (s:Source {status: 'complete'})
  RETURN collect(coalesce(s.token, s.id)) AS live, collect(DISTINCT s.name + '@' + s.release) AS tags
}
WITH live, tags, CASE WHEN $old CONTAINS '@' THEN $old ELSE 'biogrid@' + $old END AS old,
     CASE WHEN $new CONTAINS '@' THEN $new ELSE 'biogrid@' + $new END AS new
WHERE old IN tags AND new IN tags
CALL (old, new, live) {
  MATCH (a:Gene)-[r:INTERACTS_WITH]->(:Gene)
  WHERE (old IN r.seen_in OR new IN r.seen_in) AND (r.load IS NULL OR r.load IN live)
  WITH a.organism AS t, collect(DISTINCT old IN r.seen_in) + [false] AS in_old,
       collect(DISTINCT new IN r.seen_in) + [false] AS in_new
  WHERE true IN in_old AND true IN in_new
  RETURN collect(t) AS organisms
}
MATCH (a:Gene)-[r:INTERACTS_WITH]->(b:Gene)
WHERE a.organism IN organisms AND (old IN r.seen_in) <> (new IN r.seen_in) AND (r.load IS NULL OR r.load IN live)
RETURN a.symbol AS gene_a, b.symbol AS gene_b,
       CASE WHEN new IN r.seen_in THEN 'new' ELSE 'absent' END AS change,
       a.organism AS organism, [t IN r.seen_in WHERE t IN tags] AS seen_in
ORDER BY change DESC, gene_a, gene_b
LIMIT $limit
