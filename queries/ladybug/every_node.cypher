// LadybugDB: no second label on nodes; every node table is scanned once.
MATCH (n)
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
