// Knowledge-graph context of each gene in $ids: its pathways, the drugs that target it,
// the cell lines where it is mutated, and its KEGG-relation partners (either direction).
UNWIND $ids AS id
MATCH (g:Gene {id: id})
RETURN g.id AS gene,
       COLLECT { MATCH (g)-[:IN_PATHWAY]->(p:Pathway) RETURN p.id } AS pathway,
       COLLECT { MATCH (d:Drug)-[:TARGETS]->(g) RETURN d.id } AS drug,
       COLLECT { MATCH (c:CellLine)-[:HAS_MUTATION]->(g) RETURN c.id } AS cell_line,
       COLLECT { MATCH (g)-[:KEGG_RELATION]-(h:Gene) RETURN DISTINCT h.id } AS kegg
