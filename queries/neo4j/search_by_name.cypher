// Nodes valid on a date whose name (or title) contains a text, ignoring case; at most `first`,
// the first by name and id in code-point order (then shown in Norwegian order).
// @param text string  the text to look for
// @param as_of date = today  the date the question is asked about
// @param first int = 20  how many at most
// @order name, id
// Neo4j: the folded name's TEXT index first ($folded = collation.fold($text), added by
// queries/traversals.py). A name whose lower case holds the text's also holds the folded text in
// its folded name (fold works character by character and collapses spaces: a part stays a part),
// so the index loses no row the statement would give (tests/test_name_search.py compares them).
MATCH (n:Entity)
WHERE n.folded_name CONTAINS $folded
  AND toLower(coalesce(n.name, n.title)) CONTAINS toLower($text)
  AND (n.valid_from IS NULL OR n.valid_from <= $as_of) AND (n.valid_to IS NULL OR n.valid_to >= $as_of)
WITH n, coalesce(n.name, n.title) AS name
ORDER BY name, n.id
LIMIT $first
RETURN n.id AS id, labels(n) AS type, name
