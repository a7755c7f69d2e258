// Ids of the cell lines with this name (also without dashes: 'MCF-7' = 'MCF7').
// Params: $c
MATCH (c:CellLine)
WHERE c.name = $c OR replace(c.name, '-', '') = $c
RETURN collect(c.id) AS r
