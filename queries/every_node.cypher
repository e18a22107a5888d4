// Type and period of every node in the graph; the loader reads this once, instead of asking id by
// id, when a load names tens of thousands of ids (a national reload).
MATCH (n:Entity)
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
