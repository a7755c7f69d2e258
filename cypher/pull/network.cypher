// The INTERACTS_WITH network of one organism, optionally of one source and/or release
// (by the `seen_in` tags "<source>@<release>"), one KEGG pathway's genes, or a gene list.
// Params: $taxon, $source, $release, $pathway, $genes (each optional one may be null)
CALL () {
  OPTIONAL MATCH (s:Source {status: 'complete'})
  RETURN collect(coalesce(s.token, s.id)) AS live, collect(DISTINCT s.name + '@' + s.release) AS tags
}
MATCH (a:Gene {organism: $taxon})-[r:INTERACTS_WITH]->(b:Gene {organism: $taxon})
WHERE (r.load IS NULL OR r.load IN live)
WITH a, b, live, [t IN r.seen_in WHERE t IN tags] AS seen
WHERE ($source IS NULL OR any(t IN seen WHERE t STARTS WITH $source + '@'))
  AND ($release IS NULL OR any(t IN seen WHERE t ENDS WITH '@' + $release))
  AND ($source IS NULL OR $release IS NULL OR ($source + '@' + $release) IN seen)
  AND ($pathway IS NULL OR (
    EXISTS { MATCH (a)-[x:IN_PATHWAY]->(:Pathway {id: $pathway})
             WHERE (x.load IS NULL OR x.load IN live) }
    AND EXISTS { MATCH (b)-[y:IN_PATHWAY]->(:Pathway {id: $pathway})
                 WHERE (y.load IS NULL OR y.load IN live) }))
  AND ($genes IS NULL OR (a.id IN $genes AND b.id IN $genes))
RETURN collect([a.id, b.id]) AS pairs
