// Ids of the cell lines with this name (also without dashes: 'MCF-7' = 'MCF7').
// Params: $c
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (c:CellLine)
WHERE (c.name = $c OR replace(c.name, '-', '') = $c) AND (c.load IS NULL OR c.load IN live)
RETURN collect(c.id) AS r
