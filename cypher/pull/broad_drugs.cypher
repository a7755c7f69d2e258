// Broad perturbagen ids of the drugs in the graph: [[broad id, drug id], ...].
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (d:Drug)
WHERE d.broad_ids IS NOT NULL AND (d.load IS NULL OR d.load IN live)
UNWIND d.broad_ids AS b
RETURN collect([b, d.id]) AS r
