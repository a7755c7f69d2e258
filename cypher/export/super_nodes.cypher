// Pathways, drugs and cell lines attached to a gene set (the super nodes), on request.
// Params: $ids (gene ids), $kinds (any of 'pathways', 'drugs', 'cell-lines')
UNWIND $ids AS id
MATCH (g:Gene {id: id})
CALL (g) {
  MATCH (g)-[:IN_PATHWAY]->(x:Pathway) WHERE 'pathways' IN $kinds
  RETURN x, 'IN_PATHWAY' AS type, false AS inbound
  UNION
  MATCH (x:Drug)-[:TARGETS]->(g) WHERE 'drugs' IN $kinds
  RETURN x, 'TARGETS' AS type, true AS inbound
  UNION
  MATCH (x:CellLine)-[:HAS_MUTATION]->(g) WHERE 'cell-lines' IN $kinds
  RETURN x, 'HAS_MUTATION' AS type, true AS inbound
}
RETURN collect(DISTINCT {id: x.id, label: labels(x)[0], name: coalesce(x.name, x.id)})
         AS nodes,
       collect({s: CASE WHEN inbound THEN x.id ELSE g.id END,
                t: CASE WHEN inbound THEN g.id ELSE x.id END, type: type}) AS edges
