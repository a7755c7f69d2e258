// The INTERACTS_WITH network of one organism, optionally of one source and/or release
// (by the `seen_in` tags "<source>@<release>"), one KEGG pathway's genes, or a gene list.
// Params: $taxon, $source, $release, $pathway, $genes (each optional one may be null)
MATCH (a:Gene {organism: $taxon})-[r:INTERACTS_WITH]->(b:Gene {organism: $taxon})
WHERE ($source IS NULL OR any(t IN r.seen_in WHERE t STARTS WITH $source + '@'))
  AND ($release IS NULL OR any(t IN r.seen_in WHERE t ENDS WITH '@' + $release))
  AND ($source IS NULL OR $release IS NULL OR ($source + '@' + $release) IN r.seen_in)
  AND ($pathway IS NULL OR (EXISTS { (a)-[:IN_PATHWAY]->(:Pathway {id: $pathway}) }
                            AND EXISTS { (b)-[:IN_PATHWAY]->(:Pathway {id: $pathway}) }))
  AND ($genes IS NULL OR (a.id IN $genes AND b.id IN $genes))
RETURN collect([a.id, b.id]) AS pairs
