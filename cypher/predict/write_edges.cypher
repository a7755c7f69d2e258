// Write-back, step 1 (repeated per batch): create one batch of a pending write's edges.
// They are PENDING_PREDICTION, a type no query about predictions matches, until `flip_*`
// turns the write into PREDICTED_INTERACTION edges in one transaction.
// Params: $rows (list of maps), $model, $run, $write, $now; returns the edges created
UNWIND $rows AS r
MATCH (a:Gene {id: r.a})
MATCH (b:Gene {id: r.b})
CREATE (a)-[:PENDING_PREDICTION {score: r.score, rank: r.rank, model: $model, run_id: $run,
  write_id: $write, created_at: datetime($now), shared_partners: r.shared,
  shares_pathway: r.sp, shares_drug_target: r.sd, percentile: r.pct,
  expected_precision: r.ep, pathways: r.pw,
  drugs: r.dr, shared_partner_names: r.pn, path3: r.p3, kegg_relation: r.kr,
  gene_ranks: r.gr,
  caption: r.cap}]->(b)
RETURN count(*) AS n
