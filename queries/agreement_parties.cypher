// The parties to an agreement on a date, each with its role and the note on its part.
// @param id string  the agreement
// @param as_of date = today  the date the question is asked about
// @order name, id
MATCH (o:Organisation)-[p:PARTY_TO]->(a:Agreement {id: $id})
WHERE (p.valid_from IS NULL OR p.valid_from <= $as_of) AND (p.valid_to IS NULL OR p.valid_to >= $as_of)
  AND (o.valid_from IS NULL OR o.valid_from <= $as_of) AND (o.valid_to IS NULL OR o.valid_to >= $as_of)
  AND (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
RETURN o.id AS id, o.name AS name, p.role AS role, p.note AS note, a.name AS agreement, a.kind AS kind
