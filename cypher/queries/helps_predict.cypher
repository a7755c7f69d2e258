// Genes whose (stage-1) predicted expression helps most to predict one gene's expression
// (MTRS stage 2, permutation importance on test signatures; `genekg expression evaluate
// --to-graph`), with the KEGG pathways the two genes share.
// Params: $gene (symbol or id, e.g. 'TP53'), $limit
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (g:Gene)
WHERE g.symbol = $gene OR g.id = $gene
MATCH (h:Gene)-[r:HELPS_PREDICT]->(g)
RETURN h.symbol AS helper, r.rank AS rank, round(r.importance, 4) AS importance,
       r.cell_line AS cell_line,
       COLLECT { MATCH (h)-[x:IN_PATHWAY]->(p:Pathway)<-[y:IN_PATHWAY]-(g)
                 WHERE (x.load IS NULL OR x.load IN live) AND (y.load IS NULL OR y.load IN live)
                 RETURN DISTINCT coalesce(p.name, p.id) AS n ORDER BY n } AS shared_pathways,
       r.run_id AS run_id
ORDER BY cell_line, rank
LIMIT $limit
