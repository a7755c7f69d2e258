// What one load changed against the earlier releases of its source, for gene-gene pairs of
// one relationship type and organism (run inside the load's transaction, after its writes):
// pairs and genes new in this release, and those of earlier releases it no longer holds.
// Label/type: {rel}. Params: $tag ('biogrid@4.2.192'), $prefix ('biogrid@'), $t (taxon)
CALL () {
  MATCH (:Gene {organism: $t})-[r:{rel}]->(:Gene)
  UNWIND r.seen_in AS x
  WITH DISTINCT x WHERE x STARTS WITH $prefix AND x <> $tag
  RETURN collect(x) AS earlier
}
CALL () {
  MATCH (a:Gene {organism: $t})-[r:{rel}]->(b:Gene)
  WHERE any(x IN r.seen_in WHERE x STARTS WITH $prefix)
  WITH a, b, $tag IN r.seen_in AS now,
       any(x IN r.seen_in WHERE x STARTS WITH $prefix AND x <> $tag) AS before
  RETURN sum(CASE WHEN now AND NOT before THEN 1 ELSE 0 END) AS new_pairs,
         sum(CASE WHEN before AND NOT now THEN 1 ELSE 0 END) AS absent_pairs,
         sum(CASE WHEN before AND now THEN 1 ELSE 0 END) AS kept_pairs,
         collect(CASE WHEN now AND NOT before THEN a.symbol + '–' + b.symbol END)[..5]
           AS new_examples,
         collect(CASE WHEN before AND NOT now THEN a.symbol + '–' + b.symbol END)[..5]
           AS absent_examples
}
CALL () {
  MATCH (g:Gene {organism: $t})-[r:{rel}]-(:Gene)
  WHERE any(x IN r.seen_in WHERE x STARTS WITH $prefix)
  WITH g, max(CASE WHEN $tag IN r.seen_in THEN 1 ELSE 0 END) AS now,
       max(CASE WHEN any(x IN r.seen_in WHERE x STARTS WITH $prefix AND x <> $tag)
           THEN 1 ELSE 0 END) AS before
  RETURN sum(CASE WHEN now = 1 AND before = 0 THEN 1 ELSE 0 END) AS new_genes,
         sum(CASE WHEN now = 0 AND before = 1 THEN 1 ELSE 0 END) AS absent_genes,
         collect(CASE WHEN now = 1 AND before = 0 THEN g.symbol END)[..5] AS new_gene_examples
}
RETURN earlier, new_pairs, absent_pairs, kept_pairs, new_examples, absent_examples,
       new_genes, absent_genes, new_gene_examples
