// LadybugDB: no second label on nodes, so the id anchor has no :Entity.
MATCH (n) WHERE n.id = $id
RETURN n AS node
