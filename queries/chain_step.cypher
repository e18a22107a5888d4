// One step up the line of command from the given ids (kept only if valid on the date): the unit
// or organisation each is part of, or the post or unit it reports to on a line, each with its
// head post and that post's holder (for a post: its own holder).
// Used by the "hops" strategy of `chain_of_command` (queries/traversals.py), one call per level.
// @param ids list  the posts or units one level down
// @param as_of date = today  the date the question is asked about
UNWIND $ids AS child_id
MATCH (c:Entity {id: child_id})-[r:PART_OF|REPORTS_TO]->(up)
WHERE (type(r) = 'PART_OF' OR r.kind = 'line')
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
