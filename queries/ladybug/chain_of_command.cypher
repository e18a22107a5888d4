// LadybugDB: parameters cannot appear inside all(...) list predicates, so the
// period filter goes into the recursive pattern's own (r, n | WHERE ...) filter;
// label() names a relationship's type.
MATCH (start) WHERE start.id = $id
  AND (start.valid_from IS NULL OR start.valid_from <= $as_of) AND (start.valid_to IS NULL OR start.valid_to >= $as_of)
MATCH p = (start)-[:PART_OF|REPORTS_TO*1..30 (r, n | WHERE (label(r) = 'PART_OF' OR r.kind = 'line')
        AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
        AND (n.valid_from IS NULL OR n.valid_from <= $as_of) AND (n.valid_to IS NULL OR n.valid_to >= $as_of))]->(up)
WHERE (up.valid_from IS NULL OR up.valid_from <= $as_of) AND (up.valid_to IS NULL OR up.valid_to >= $as_of)
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
