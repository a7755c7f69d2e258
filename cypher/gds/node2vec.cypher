// node2vec (DeepWalk when returnFactor = inOutFactor = 1) embeddings of a projected graph:
// [[node id, embedding], ...].
// Params: $g, $dim, $seed, $c (concurrency), $p (return factor), $q (in-out factor)
CALL gds.node2vec.stream($g, {embeddingDimension: $dim, randomSeed: $seed, concurrency: $c,
                              returnFactor: $p, inOutFactor: $q})
YIELD nodeId, embedding
RETURN collect([gds.util.asNode(nodeId).id, embedding]) AS rows
