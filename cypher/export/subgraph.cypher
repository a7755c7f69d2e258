// The genes of a set with the known and predicted interactions among them.
// Params: $ids (gene ids), $run (run id or null), $min_ep (or null)
CALL () {
  OPTIONAL MATCH (s:Source {status: 'complete'})
  RETURN collect(coalesce(s.token, s.id)) AS live, collect(DISTINCT s.name + '@' + s.release) AS tags
}
MATCH (g:Gene) WHERE g.id IN $ids AND (g.load IS NULL OR g.load IN live)
WITH live, tags, collect(g) AS genes
CALL (genes, live, tags) {
  UNWIND genes AS a
  MATCH (a)-[e:INTERACTS_WITH]->(b:Gene)
  WHERE b IN genes AND (e.load IS NULL OR e.load IN live)
  // source/release: of the load that created it, its first tag (older graphs also
  // stored them on the relationship)
  WITH a, b, e, [t IN e.seen_in WHERE t IN tags] AS seen
  RETURN collect({s: a.id, t: b.id, type: 'INTERACTS_WITH',
                  source: coalesce(e.source, split(e.seen_in[0], '@')[0]),
                  release: coalesce(e.release, substring(e.seen_in[0],
                                    size(split(e.seen_in[0], '@')[0]) + 1)),
                  seen_in: seen,
                  experimental_system: e.experimental_system}) AS known
}
CALL (genes) {
  UNWIND genes AS a
  MATCH (a)-[p:PREDICTED_INTERACTION]->(b:Gene)
  WHERE b IN genes AND $run IS NOT NULL AND p.run_id = $run
    AND ($min_ep IS NULL OR coalesce(p.expected_precision, 0.0) >= $min_ep)
    AND EXISTS { MATCH (r:PredictionRun {id: p.run_id}) WHERE p.write_id IN r.live }
  RETURN collect({s: a.id, t: b.id, type: 'PREDICTED_INTERACTION', score: p.score,
                  rank: p.rank, expected_precision: p.expected_precision,
                  percentile: p.percentile, model: p.model, run_id: p.run_id,
                  shared_partners: p.shared_partner_names, pathways: p.pathways,
                  drugs: p.drugs, path3: p.path3, kegg_relation: p.kegg_relation}) AS predicted
}
RETURN [g IN genes | {id: g.id, label: 'Gene', name: coalesce(g.symbol, g.id),
                      organism: g.organism, entrez: g.entrez, uniprot: g.uniprot}] AS nodes,
       known + predicted AS edges
