// Type and period of each given id already in the graph; the loader checks references with it.
// @param ids list  the ids to look up
UNWIND $ids AS wanted
MATCH (n:Entity {id: wanted})
RETURN n.id AS id, labels(n) AS type, n.valid_from AS valid_from, n.valid_to AS valid_to
