// LadybugDB: label() names a relationship's type (there is no type()).
UNWIND $ids AS from_id
MATCH (a)-[r]-(b) WHERE a.id = from_id
  AND (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (b.valid_from IS NULL OR b.valid_from <= $as_of) AND (b.valid_to IS NULL OR b.valid_to >= $as_of)
RETURN from_id AS via, label(r) AS relationship, b.id AS id, labels(b) AS type, coalesce(b.name, b.title) AS name
