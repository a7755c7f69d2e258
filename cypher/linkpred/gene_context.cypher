// Knowledge-graph context of each gene in $ids: its pathways, the drugs that target it,
// the cell lines where it is mutated, and its KEGG-relation partners (either direction).
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $ids AS id
MATCH (g:Gene {id: id}) WHERE (g.load IS NULL OR g.load IN live)
RETURN g.id AS gene,
       COLLECT { MATCH (g)-[x:IN_PATHWAY]->(p:Pathway) WHERE (x.load IS NULL OR x.load IN live) RETURN p.id } AS pathway,
       COLLECT { MATCH (d:Drug)-[x:TARGETS]->(g) WHERE (x.load IS NULL OR x.load IN live) RETURN d.id } AS drug,
       COLLECT { MATCH (c:CellLine)-[x:HAS_MUTATION]->(g) WHERE (x.load IS NULL OR x.load IN live) RETURN c.id }
         AS cell_line,
       COLLECT { MATCH (g)-[x:KEGG_RELATION]-(h:Gene) WHERE (x.load IS NULL OR x.load IN live) RETURN DISTINCT h.id }
         AS kegg
