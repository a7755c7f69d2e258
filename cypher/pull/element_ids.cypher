// [id, elementId] of the nodes with label {label} and these ids (indexed lookup by id;
// {label} is filled from the schema only, see NamedQuery.for_labels).
UNWIND $ids AS id
MATCH (n:{label} {id: id})
RETURN collect([n.id, elementId(n)]) AS r
