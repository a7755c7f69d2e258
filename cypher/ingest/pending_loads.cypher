// Loads that were opened and never made live (killed, crashed, server lost). Read under the
// ingest lock, so none of them is still running. A tag that a complete Source holds is
// kept on the rows (that release itself is live; only the pending rows go).
// Params: none
MATCH (p:Source {status: 'pending'})
RETURN p.id AS id, coalesce(p.token, p.id) AS load, p.name + '@' + p.release AS tag,
       p.pid AS pid, p.host AS host,
       toString(p.started_at) AS started,
       EXISTS { MATCH (s:Source {status: 'complete'})
                WHERE s.name = p.name AND s.release = p.release } AS tag_live
ORDER BY started
