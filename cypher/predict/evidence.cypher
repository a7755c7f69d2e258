// Named evidence for predicted pairs ($a[k], $b[k]): the KEGG pathways both genes are in,
// the drugs that target both, and whether KEGG already draws a relation between them. (Shared interaction partners are named by genekg.predict
// from the adjacency it scored with: O(degree) per pair, where a Cypher pattern through two
// hub genes would cost O(degree²).)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND range(0, size($a) - 1) AS k
MATCH (x:Gene {id: $a[k]}), (y:Gene {id: $b[k]})
RETURN collect([
  COLLECT { MATCH (x)-[e:IN_PATHWAY]->(p:Pathway)<-[f:IN_PATHWAY]-(y)
            WHERE (e.load IS NULL OR e.load IN live) AND (f.load IS NULL OR f.load IN live)
            RETURN DISTINCT coalesce(p.name, p.id) AS n ORDER BY n },
  COLLECT { MATCH (x)<-[e:TARGETS]-(d:Drug)-[f:TARGETS]->(y)
            WHERE (e.load IS NULL OR e.load IN live) AND (f.load IS NULL OR f.load IN live)
            RETURN DISTINCT coalesce(d.name, d.id) AS n ORDER BY n },
  EXISTS { MATCH (x)-[e:KEGG_RELATION]-(y) WHERE (e.load IS NULL OR e.load IN live) }
]) AS r
