// Names of the expression datasets in the graph.
MATCH (d:Dataset)
RETURN collect(d.name) AS names
