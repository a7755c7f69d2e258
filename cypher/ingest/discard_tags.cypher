// Take a pending load's release tag off the rows it re-tagged (only when no live Source
// holds the tag), in batches: nodes, then relationships.
// Params: $tag, $batch
CALL () {
  MATCH (x) WHERE $tag IN x.seen_in
  RETURN x AS n, null AS r
  UNION ALL
  MATCH ()-[y]->() WHERE $tag IN y.seen_in
  RETURN null AS n, y AS r
}
CALL (n, r) {
  FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END |
    SET n.seen_in = [t IN n.seen_in WHERE t <> $tag])
  FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
    SET r.seen_in = [t IN r.seen_in WHERE t <> $tag])
} IN TRANSACTIONS OF $batch ROWS
