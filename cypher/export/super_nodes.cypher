// Pathways, drugs and cell lines attached to a gene set (the super nodes), on request.
// Params: $ids (gene ids), $kinds (any of 'pathways', 'drugs', 'cell-lines')
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $ids AS id
MATCH (g:Gene {id: id}) WHERE (g.load IS NULL OR g.load IN live)
CALL (g, live) {
  MATCH (g)-[e:IN_PATHWAY]->(x:Pathway) WHERE 'pathways' IN $kinds AND (e.load IS NULL OR e.load IN live)
  RETURN x, 'IN_PATHWAY' AS type, false AS inbound
  UNION
  MATCH (x:Drug)-[e:TARGETS]->(g) WHERE 'drugs' IN $kinds AND (e.load IS NULL OR e.load IN live)
  RETURN x, 'TARGETS' AS type, true AS inbound
  UNION
  MATCH (x:CellLine)-[e:HAS_MUTATION]->(g) WHERE 'cell-lines' IN $kinds AND (e.load IS NULL OR e.load IN live)
  RETURN x, 'HAS_MUTATION' AS type, true AS inbound
}
RETURN collect(DISTINCT {id: x.id, label: labels(x)[0], name: coalesce(x.name, x.id)})
         AS nodes,
       collect({s: CASE WHEN inbound THEN x.id ELSE g.id END,
                t: CASE WHEN inbound THEN g.id ELSE x.id END, type: type}) AS edges
