// LadybugDB: no second label on nodes, so look the ids up in every table.
MATCH (n) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
