// Chain of command upward from a post or unit, nearest first: structural nesting
// (PART_OF) and line reporting (REPORTS_TO kind 'line'), each level with its head post and
// the person holding it (for a post: its own holder).
// @param id string  the post or unit to start from
// @param as_of date = today  the date the question is asked about
// @order depth, id
MATCH (start:Entity {id: $id})
WHERE (start.valid_from IS NULL OR start.valid_from <= $as_of) AND (start.valid_to IS NULL OR start.valid_to >= $as_of)
MATCH p = (start)-[:PART_OF|REPORTS_TO*1..30]->(up)
WHERE all(r IN relationships(p) WHERE (type(r) = 'PART_OF' OR r.kind = 'line')
        AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of))
  AND all(n IN nodes(p) WHERE (n.valid_from IS NULL OR n.valid_from <= $as_of) AND (n.valid_to IS NULL OR n.valid_to >= $as_of))
WITH up, min(length(p)) AS depth
OPTIONAL MATCH (head:Post)-[h:HEADS]->(up)
WHERE (h.valid_from IS NULL OR h.valid_from <= $as_of) AND (h.valid_to IS NULL OR h.valid_to >= $as_of)
  AND (head.valid_from IS NULL OR head.valid_from <= $as_of) AND (head.valid_to IS NULL OR head.valid_to >= $as_of)
OPTIONAL MATCH (holder:Person)-[hold:HOLDS]->(head)
WHERE (hold.valid_from IS NULL OR hold.valid_from <= $as_of) AND (hold.valid_to IS NULL OR hold.valid_to >= $as_of)
OPTIONAL MATCH (own:Person)-[owns:HOLDS]->(up)
WHERE (owns.valid_from IS NULL OR owns.valid_from <= $as_of) AND (owns.valid_to IS NULL OR owns.valid_to >= $as_of)
RETURN depth, up.id AS id, labels(up) AS type, coalesce(up.name, up.title) AS name,
       head.title AS head_post, coalesce(holder.name, own.name) AS holder,
       coalesce(hold.capacity, owns.capacity) AS capacity
