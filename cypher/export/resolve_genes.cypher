// Genes by symbol or id (the names a user types), for exports and the notebook API.
// Params: $names (list of symbols or ids)
UNWIND $names AS name
OPTIONAL MATCH (g:Gene) WHERE g.symbol = name OR g.id = name
RETURN name, collect(g.id) AS ids
