// Genes by symbol or id (the names a user types), for exports and the notebook API.
// Params: $names (list of symbols or ids)
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $names AS name
OPTIONAL MATCH (g:Gene) WHERE (g.symbol = name OR g.id = name) AND (g.load IS NULL OR g.load IN live)
RETURN name, collect(g.id) AS ids
