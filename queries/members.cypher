// Members of a meeting place or joint body on a date, with role, seats and, for posts, the holder.
// @param id string  the meeting place (or joint body)
// @param as_of date = today  the date the question is asked about
// @order role, name, holder, id
MATCH (m:Entity {id: $id})<-[r:MEMBER_OF]-(x)
WHERE (m.valid_from IS NULL OR m.valid_from <= $as_of) AND (m.valid_to IS NULL OR m.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (x.valid_from IS NULL OR x.valid_from <= $as_of) AND (x.valid_to IS NULL OR x.valid_to >= $as_of)
OPTIONAL MATCH (holder:Person)-[h:HOLDS]->(x)
WHERE (h.valid_from IS NULL OR h.valid_from <= $as_of) AND (h.valid_to IS NULL OR h.valid_to >= $as_of)
RETURN x.id AS id, labels(x) AS type, coalesce(x.name, x.title) AS name, r.role AS role, r.seats AS seats,
       holder.name AS holder, h.capacity AS capacity
