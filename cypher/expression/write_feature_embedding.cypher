// Store one knowledge-graph feature set's vectors on nodes with label {label}:
// $rows = [[id, {kg_<set>: [...], kg_<set>_params: "{dim, seed}"}], ...].
UNWIND $rows AS r
MATCH (n:{label} {id: r[0]})
SET n += r[1]
