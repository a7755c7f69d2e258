// Named evidence for predicted pairs ($a[k], $b[k]): the KEGG pathways both genes are in,
// the drugs that target both, and up to five known interaction partners they share.
UNWIND range(0, size($a) - 1) AS k
MATCH (x:Gene {id: $a[k]}), (y:Gene {id: $b[k]})
RETURN collect([
  COLLECT { MATCH (x)-[:IN_PATHWAY]->(p:Pathway)<-[:IN_PATHWAY]-(y)
            RETURN DISTINCT coalesce(p.name, p.id) AS n ORDER BY n },
  COLLECT { MATCH (x)<-[:TARGETS]-(d:Drug)-[:TARGETS]->(y)
            RETURN DISTINCT coalesce(d.name, d.id) AS n ORDER BY n },
  COLLECT { MATCH (x)-[:INTERACTS_WITH]-(z:Gene)-[:INTERACTS_WITH]-(y)
            RETURN DISTINCT coalesce(z.symbol, z.id) AS n ORDER BY n LIMIT 5 }
]) AS r
