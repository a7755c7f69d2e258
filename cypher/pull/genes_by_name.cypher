// Gene ids of one organism for names given as symbols or ids: [[name, id], ...].
// Params: $s (names), $t (taxon)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $s AS s
MATCH (g:Gene {organism: $t})
WHERE (g.symbol = s OR g.id = s) AND (g.load IS NULL OR g.load IN live)
RETURN collect([s, g.id]) AS r
