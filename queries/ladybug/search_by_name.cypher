// LadybugDB: no second label on nodes, so every table is searched; lower() for toLower();
// its CONTAINS '' is false where Neo4j's is true (every name holds the empty text).
MATCH (n)
WHERE coalesce(n.name, n.title) IS NOT NULL
  AND ($text = '' OR lower(coalesce(n.name, n.title)) CONTAINS lower($text))
  AND (n.valid_from IS NULL OR n.valid_from <= $as_of) AND (n.valid_to IS NULL OR n.valid_to >= $as_of)
WITH n, coalesce(n.name, n.title) AS name
ORDER BY name, n.id
LIMIT $first
RETURN n.id AS id, labels(n) AS type, name
