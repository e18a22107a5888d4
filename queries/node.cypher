// One node by id with all its properties (whatever its period).
// @param id string  the node
MATCH (n:Entity {id: $id})
RETURN n AS node
