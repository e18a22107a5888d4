// LadybugDB: no :Entity label and label() for a relationship's type.
UNWIND $ids AS cause
MATCH (x)<-[r:DEPENDS_ON|PART_OF|BELONGS_TO|HEADS|MEMBER_OF|COVERS|PARTY_TO|DELIVERS]-(a)
WHERE x.id = cause
  AND (x.valid_from IS NULL OR x.valid_from <= $as_of) AND (x.valid_to IS NULL OR x.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
RETURN cause AS via, label(r) AS relationship, a.id AS id, labels(a) AS type, coalesce(a.name, a.title) AS name
UNION ALL
UNWIND $ids AS cause
MATCH (x)-[r:ESTABLISHES|PARTY_TO]->(a)
WHERE x.id = cause
  AND (x.valid_from IS NULL OR x.valid_from <= $as_of) AND (x.valid_to IS NULL OR x.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
RETURN cause AS via, label(r) AS relationship, a.id AS id, labels(a) AS type, coalesce(a.name, a.title) AS name
