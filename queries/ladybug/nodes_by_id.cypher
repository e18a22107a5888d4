// LadybugDB: one branch per node table, each anchored on its primary key. `MATCH (n) WHERE
// n.id IN $ids` (no label) joins every table against the list: ~11 s per 5 000 ids at 150 000 nodes,
// against ~0.2 s for this. tests/test_queries.py checks that every node table has its branch.
UNWIND $ids AS wanted MATCH (n:Organisation {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:Unit {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:Post {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:Person {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:MeetingPlace {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:Site {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:Agreement {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:Service {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:System {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:Decision {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
UNION ALL
UNWIND $ids AS wanted MATCH (n:ChangeEvent {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
