// Broad perturbagen ids of the drugs in the graph: [[broad id, drug id], ...].
MATCH (d:Drug)
WHERE d.broad_ids IS NOT NULL
UNWIND d.broad_ids AS b
RETURN collect([b, d.id]) AS r
