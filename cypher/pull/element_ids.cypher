// [id, elementId] of the nodes with label {label} and these ids (indexed lookup by id;
// {label} is filled from the schema only, see NamedQuery.for_labels).
CALL () { OPTIONAL MATCH (s:Source {status: 'complete'}) RETURN collect(coalesce(s.token, s.id)) AS live }
UNWIND $ids AS id
MATCH (n:{label} {id: id}) WHERE (n.load IS NULL OR n.load IN live)
RETURN collect([n.id, elementId(n)]) AS r
