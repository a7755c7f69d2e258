"""GNE (Gene Network Embedding, Kishan et al. 2019) and the run/split machinery around it."""
