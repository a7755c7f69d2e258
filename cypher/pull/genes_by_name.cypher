// Gene ids of one organism for names given as symbols or ids: [[name, id], ...].
// Params: $s (names), $t (taxon)
UNWIND $s AS s
MATCH (g:Gene {organism: $t})
WHERE g.symbol = s OR g.id = s
RETURN collect([s, g.id]) AS r
