// The pairs of one source's releases for one gene-gene relationship type and organism,
// each with the source's release tags it carries: what `release_diff` (genekg/ingest/
// writer.py) compares with a new release, read in one scan before the load writes.
// Type: {rel}. Params: $prefix ('biogrid@'), $t (taxon)
MATCH (a:Gene {organism: $t})-[r:{rel}]->(b:Gene)
WITH a, b, [x IN coalesce(r.seen_in, []) WHERE x STARTS WITH $prefix] AS tags
WHERE size(tags) > 0
RETURN collect([a.id, b.id, tags]) AS rows
