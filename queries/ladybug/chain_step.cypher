// LadybugDB: no second label on nodes, so the id anchor names the three tables a line runs
// through; label() names a relationship's type.
UNWIND $ids AS child_id
MATCH (c:Unit:Post:Organisation)-[r:PART_OF|REPORTS_TO]->(up) WHERE c.id = child_id
  AND (label(r) = 'PART_OF' OR r.kind = 'line')
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (c.valid_from IS NULL OR c.valid_from <= $as_of) AND (c.valid_to IS NULL OR c.valid_to >= $as_of)
  AND (up.valid_from IS NULL OR up.valid_from <= $as_of) AND (up.valid_to IS NULL OR up.valid_to >= $as_of)
OPTIONAL MATCH (head:Post)-[h:HEADS]->(up)
WHERE (h.valid_from IS NULL OR h.valid_from <= $as_of) AND (h.valid_to IS NULL OR h.valid_to >= $as_of)
  AND (head.valid_from IS NULL OR head.valid_from <= $as_of) AND (head.valid_to IS NULL OR head.valid_to >= $as_of)
OPTIONAL MATCH (holder:Person)-[hold:HOLDS]->(head)
WHERE (hold.valid_from IS NULL OR hold.valid_from <= $as_of) AND (hold.valid_to IS NULL OR hold.valid_to >= $as_of)
OPTIONAL MATCH (own:Person)-[owns:HOLDS]->(up)
WHERE (owns.valid_from IS NULL OR owns.valid_from <= $as_of) AND (owns.valid_to IS NULL OR owns.valid_to >= $as_of)
RETURN child_id AS child, up.id AS id, labels(up) AS type, coalesce(up.name, up.title) AS name,
       head.title AS head_post, coalesce(holder.name, own.name) AS holder,
       coalesce(hold.capacity, owns.capacity) AS capacity
