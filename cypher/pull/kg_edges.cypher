// The human knowledge graph of the expression feature sets: KEGG relations between genes
// plus the super nodes (pathways, drugs, cell lines) with their genes, as
// [start id, start label, end id, end label] rows.
// Params: $t (taxon)
CALL () {
  MATCH (a:Gene {organism: $t})-[:KEGG_RELATION]-(b:Gene)
  RETURN a.id AS s, 'Gene' AS sl, b.id AS e, 'Gene' AS el
  UNION MATCH (a:Gene {organism: $t})-[:IN_PATHWAY]->(p:Pathway)
  RETURN a.id AS s, 'Gene' AS sl, p.id AS e, 'Pathway' AS el
  UNION MATCH (d:Drug)-[:TARGETS]->(a:Gene {organism: $t})
  RETURN d.id AS s, 'Drug' AS sl, a.id AS e, 'Gene' AS el
  UNION MATCH (c:CellLine)-[:HAS_MUTATION]->(a:Gene {organism: $t})
  RETURN c.id AS s, 'CellLine' AS sl, a.id AS e, 'Gene' AS el
}
RETURN collect([s, sl, e, el]) AS r
