// LadybugDB: no second label on nodes, so the id anchor has no :Entity.
UNWIND $ids AS parent_id
MATCH (sub)-[r:PART_OF]->(boss) WHERE boss.id = parent_id
  AND (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN parent_id AS parent, sub.id AS id, labels(sub) AS type, coalesce(sub.name, sub.title) AS name, 'line' AS kind
UNION ALL
UNWIND $ids AS parent_id
MATCH (sub)-[r:REPORTS_TO]->(boss) WHERE boss.id = parent_id AND (r.kind = 'line' OR $include_dotted)
  AND (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN parent_id AS parent, sub.id AS id, labels(sub) AS type, coalesce(sub.name, sub.title) AS name, r.kind AS kind
