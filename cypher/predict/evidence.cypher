// Named evidence for predicted pairs ($a[k], $b[k]): the KEGG pathways both genes are in,
// the drugs that target both, and whether KEGG already draws a relation between them. (Shared interaction partners are named by genekg.predict
// from the adjacency it scored with: O(degree) per pair, where a Cypher pattern through two
// hub genes would cost O(degree²).)
UNWIND range(0, size($a) - 1) AS k
MATCH (x:Gene {id: $a[k]}), (y:Gene {id: $b[k]})
RETURN collect([
  COLLECT { MATCH (x)-[:IN_PATHWAY]->(p:Pathway)<-[:IN_PATHWAY]-(y)
            RETURN DISTINCT coalesce(p.name, p.id) AS n ORDER BY n },
  COLLECT { MATCH (x)<-[:TARGETS]-(d:Drug)-[:TARGETS]->(y)
            RETURN DISTINCT coalesce(d.name, d.id) AS n ORDER BY n },
  EXISTS { (x)-[:KEGG_RELATION]-(y) }
]) AS r
