// FastRP embeddings of a projected graph: [[node id, embedding], ...].
// Params: $g, $dim, $seed, $c (concurrency)
CALL gds.fastRP.stream($g, {embeddingDimension: $dim, randomSeed: $seed, concurrency: $c,
                            iterationWeights: [0.0, 1.0, 1.0, 1.0]})
YIELD nodeId, embedding
RETURN collect([gds.util.asNode(nodeId).id, embedding]) AS rows
