// One step down the line: units nested in, and posts or units reporting to, any of the given ids
// that exist on the date (a step from one that does not reaches nothing).
// Used by the `subordinates` traversal, one call per level.
// @param ids list  the posts or units one level up
// @param as_of date = today  the date the question is asked about
// @param include_dotted bool = false  also follow dotted reporting lines
UNWIND $ids AS parent_id
MATCH (sub)-[r:PART_OF]->(boss:Entity {id: parent_id})
WHERE (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN parent_id AS parent, sub.id AS id, labels(sub) AS type, coalesce(sub.name, sub.title) AS name, 'line' AS kind
UNION ALL
UNWIND $ids AS parent_id
MATCH (sub)-[r:REPORTS_TO]->(boss:Entity {id: parent_id})
WHERE (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
  AND (r.kind = 'line' OR $include_dotted)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN parent_id AS parent, sub.id AS id, labels(sub) AS type, coalesce(sub.name, sub.title) AS name, r.kind AS kind
