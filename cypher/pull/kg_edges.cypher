// The human knowledge graph of the expression feature sets: KEGG relations between genes
// plus the super nodes (pathways, drugs, cell lines) with their genes, as
// [start id, start label, end id, end label] rows.
// Params: $t (taxon)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
CALL (live) {
  MATCH (a:Gene {organism: $t})-[x:KEGG_RELATION]-(b:Gene) WHERE (x.load IS NULL OR x.load IN live)
  RETURN a.id AS s, 'Gene' AS sl, b.id AS e, 'Gene' AS el
  UNION MATCH (a:Gene {organism: $t})-[x:IN_PATHWAY]->(p:Pathway) WHERE (x.load IS NULL OR x.load IN live)
  RETURN a.id AS s, 'Gene' AS sl, p.id AS e, 'Pathway' AS el
  UNION MATCH (d:Drug)-[x:TARGETS]->(a:Gene {organism: $t}) WHERE (x.load IS NULL OR x.load IN live)
  RETURN d.id AS s, 'Drug' AS sl, a.id AS e, 'Gene' AS el
  UNION MATCH (c:CellLine)-[x:HAS_MUTATION]->(a:Gene {organism: $t}) WHERE (x.load IS NULL OR x.load IN live)
  RETURN c.id AS s, 'CellLine' AS sl, a.id AS e, 'Gene' AS el
}
RETURN collect([s, sl, e, el]) AS r
