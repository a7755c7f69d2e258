// Symbols of the given gene ids: [[id, symbol], ...].
// Params: $ids
UNWIND $ids AS id
MATCH (g:Gene {id: id})
RETURN collect([g.id, g.symbol]) AS r
