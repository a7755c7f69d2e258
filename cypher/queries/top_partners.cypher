// Top predicted interaction partners of one gene (by symbol or id), best first, with what
// tells the rows apart: expected precision (share of held-out edges among candidates the
// run scored as high), the partner's place in this gene's own list and this gene's place
// in the partner's, the run-wide rank, the score (P(edge) at a 1:1 prior, full precision)
// and the evidence: shared partners, the strongest 3-step path, shared KEGG pathways and
// a KEGG relation, drugs targeting both.
// Params: $gene (e.g. 'dnaK' or '511145:dnaK'), $limit (e.g. 20), $run (a run id, or null for all runs)
MATCH (g:Gene)
WHERE g.symbol = $gene OR g.id = $gene
MATCH (g)-[p:PREDICTED_INTERACTION]-(partner:Gene)
WHERE ($run IS NULL OR p.run_id = $run)
  AND EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
WITH g, p, partner, startNode(p) = g AS forward
RETURN partner.symbol AS partner, partner.id AS partner_id,
       p.expected_precision AS expected_precision,
       CASE WHEN forward THEN p.gene_ranks[0] ELSE p.gene_ranks[1] END AS in_gene_list,
       CASE WHEN forward THEN p.gene_ranks[1] ELSE p.gene_ranks[0] END AS in_partner_list,
       p.rank AS rank, p.score AS score, p.percentile AS percentile,
       p.shared_partners AS shared_partners, p.shared_partner_names AS partners_shared,
       p.path3 AS strongest_path, p.pathways AS shared_pathways,
       p.kegg_relation AS kegg_relation, p.drugs AS drugs_targeting_both,
       p.run_id AS run_id
ORDER BY p.score DESC, p.rank
LIMIT $limit
