// Whether a complete Source holds a release tag: then a discarded load leaves that tag on
// the rows (the release itself is live; only the load's own rows go). pending_loads.cypher
// asks the same of each pending load in its EXISTS.
// Params: $tag (source@release)
OPTIONAL MATCH (s:Source {status: 'complete'})
WHERE s.name + '@' + s.release = $tag
RETURN count(s) > 0 AS live
