// One step of impact: what needs any of the given nodes — things that depend on them, units and
// posts inside them, members, agreements covering a service, parties to an agreement, what an
// agreement establishes and the agreements an organisation is party to. Used by the `impact`
// traversal, one call per step. A node that does not exist on the date has no dependents then.
// @param ids list  the nodes whose ending is asked about
// @param as_of date = today  the date the question is asked about

// The first half follows relationships into a node; the second out of it: what an agreement
// establishes, and the agreements an organisation is party to (as host or otherwise: an agreement is
// affected when one of its parties changes).
UNWIND $ids AS cause
MATCH (x:Entity {id: cause})<-[r:DEPENDS_ON|PART_OF|BELONGS_TO|HEADS|MEMBER_OF|COVERS|PARTY_TO|DELIVERS]-(a)
WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of) AND (x.valid_to IS NULL OR x.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
RETURN cause AS via, type(r) AS relationship, a.id AS id, labels(a) AS type, coalesce(a.name, a.title) AS name
UNION ALL
UNWIND $ids AS cause
MATCH (x:Entity {id: cause})-[r:ESTABLISHES|PARTY_TO]->(a)
WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of) AND (x.valid_to IS NULL OR x.valid_to >= $as_of)
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of) AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
  AND (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
RETURN cause AS via, type(r) AS relationship, a.id AS id, labels(a) AS type, coalesce(a.name, a.title) AS name
