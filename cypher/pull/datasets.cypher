// Names of the expression datasets in the graph.
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
MATCH (d:Dataset) WHERE (d.load IS NULL OR d.load IN live)
RETURN collect(d.name) AS names
