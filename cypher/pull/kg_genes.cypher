// Genes of one organism that the knowledge graph places (a KEGG pathway or relation, a drug
// that targets it, a cell line where it is mutated), for runs that also rank genes without
// a known interaction (`genekg train --kg-genes`). Only links of live loads count.
// Params: $taxon, $pathway (null: any), $genes (null: any)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (g:Gene {organism: $taxon})
WHERE ($genes IS NULL OR g.id IN $genes)
  AND EXISTS { MATCH (g)-[x:IN_PATHWAY|KEGG_RELATION|TARGETS|HAS_MUTATION]-()
               WHERE (x.load IS NULL OR x.load IN live) }
  AND ($pathway IS NULL OR EXISTS {
    MATCH (g)-[y:IN_PATHWAY]->(:Pathway {id: $pathway}) WHERE (y.load IS NULL OR y.load IN live) })
RETURN collect(g.id) AS genes
