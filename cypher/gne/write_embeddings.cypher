// Store a run's embedding on its genes ([gene id, vector] rows); the number written.
// Params: $rows, $run
UNWIND $rows AS r
MATCH (g:Gene {id: r[0]})
SET g.gne_embedding = r[1], g.gne_embedding_run = $run
RETURN count(g) AS n
