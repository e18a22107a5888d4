// LadybugDB: one branch per table that can head a line, each anchored on its primary key
// (an id anchor without a table scans every table); label() names a relationship's type.
// Runs until the line index is built (see traversals.py).
MATCH (boss:Unit) WHERE boss.id = $id AND (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
OPTIONAL MATCH (sub)-[r:PART_OF|REPORTS_TO]->(boss)
WHERE (label(r) = 'PART_OF' OR r.kind = 'line' OR $include_dotted) AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of) AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN boss.id AS id, 'Unit' AS type, boss.name AS name, count(DISTINCT sub.id) AS direct_reports
UNION ALL
MATCH (boss:Post) WHERE boss.id = $id AND (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
OPTIONAL MATCH (sub)-[r:PART_OF|REPORTS_TO]->(boss)
WHERE (label(r) = 'PART_OF' OR r.kind = 'line' OR $include_dotted) AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of) AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN boss.id AS id, 'Post' AS type, boss.title AS name, count(DISTINCT sub.id) AS direct_reports
UNION ALL
MATCH (boss:Organisation) WHERE boss.id = $id AND (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
OPTIONAL MATCH (sub)-[r:PART_OF|REPORTS_TO]->(boss)
WHERE (label(r) = 'PART_OF' OR r.kind = 'line' OR $include_dotted) AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of) AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN boss.id AS id, 'Organisation' AS type, boss.name AS name, count(DISTINCT sub.id) AS direct_reports
