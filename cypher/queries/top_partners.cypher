// Top predicted interaction partners of one gene (by symbol or id), best first.
// Params: $gene (e.g. 'dnaK' or '511145:dnaK'), $limit (e.g. 20), $run (a run id, or null for all runs)
MATCH (g:Gene)
WHERE g.symbol = $gene OR g.id = $gene
MATCH (g)-[p:PREDICTED_INTERACTION]-(partner:Gene)
WHERE ($run IS NULL OR p.run_id = $run)
  AND EXISTS { MATCH (run:PredictionRun {id: p.run_id})
               WHERE p.write_id IN run.live AND NOT coalesce(p.superseded_by, '') IN run.live }
RETURN partner.symbol AS partner, partner.id AS partner_id, round(p.score, 4) AS score,
       p.percentile AS percentile,
       p.rank AS rank, p.shared_partners AS shared_partners,
       p.shared_partner_names AS partners_shared, p.pathways AS shared_pathways,
       p.drugs AS drugs_targeting_both, p.run_id AS run_id
ORDER BY p.score DESC
LIMIT $limit
