// One step in any direction over any relationship from the given ids, as of a date: from those
// that exist then (a step from one that does not reaches nothing).
// Used by the `within` traversal, one call per step.
// @param ids list  the nodes to step from
// @param as_of date = today  the date the question is asked about
UNWIND $ids AS from_id
MATCH (a:Entity {id: from_id})-[r]-(b)
WHERE (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (b.valid_from IS NULL OR b.valid_from <= $as_of) AND (b.valid_to IS NULL OR b.valid_to >= $as_of)
RETURN from_id AS via, type(r) AS relationship, b.id AS id, labels(b) AS type, coalesce(b.name, b.title) AS name
