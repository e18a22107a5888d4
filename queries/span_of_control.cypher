// Span of control of a post, unit or organisation on a date: how many posts and units report to
// it directly (units nested in it, posts or units with a line to it; dotted lines too if asked).
// @param id string  the post, unit or organisation
// @param as_of date = today  the date the question is asked about
// @param include_dotted bool = false  also count dotted reporting lines
MATCH (boss:Entity {id: $id})
WHERE (boss:Unit OR boss:Post OR boss:Organisation)
  AND (boss.valid_from IS NULL OR boss.valid_from <= $as_of) AND (boss.valid_to IS NULL OR boss.valid_to >= $as_of)
OPTIONAL MATCH (sub)-[r:PART_OF|REPORTS_TO]->(boss)
WHERE (type(r) = 'PART_OF' OR r.kind = 'line' OR $include_dotted)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (sub.valid_from IS NULL OR sub.valid_from <= $as_of) AND (sub.valid_to IS NULL OR sub.valid_to >= $as_of)
RETURN boss.id AS id, labels(boss) AS type, coalesce(boss.name, boss.title) AS name,
       count(DISTINCT sub.id) AS direct_reports
