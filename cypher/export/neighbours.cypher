// One hop out from a gene set over known and (visible) predicted interactions.
// Params: $ids (gene ids), $run (run id or null: known interactions only),
//         $min_ep (minimum expected precision of a predicted edge, or null)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $ids AS id
MATCH (g:Gene {id: id}) WHERE (g.load IS NULL OR g.load IN live)
CALL (g, live) {
  MATCH (g)-[x:INTERACTS_WITH]-(n:Gene) WHERE (x.load IS NULL OR x.load IN live)
  RETURN n.id AS nid
  UNION
  MATCH (g)-[p:PREDICTED_INTERACTION]-(n:Gene)
  WHERE $run IS NOT NULL AND p.run_id = $run
    AND ($min_ep IS NULL OR coalesce(p.expected_precision, 0.0) >= $min_ep)
    AND EXISTS { MATCH (r:PredictionRun {id: p.run_id}) WHERE p.write_id IN r.live }
  RETURN n.id AS nid
}
RETURN collect(DISTINCT nid) AS ids
