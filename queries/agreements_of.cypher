// Agreements a municipality is party to on a date, with its own role, the host(s), all parties and services.
// @param id string  the municipality (or other organisation)
// @param as_of date = today  the date the question is asked about
// @order name

// The organisation, the agreement and every party, host and service listed exist on the date, as in
// `node` and `Agreement.parties`: an ended municipality is party to nothing, an ended party is not listed.
MATCH (m:Organisation {id: $id})-[mine:PARTY_TO]->(a:Agreement)
WHERE (m.valid_from IS NULL OR m.valid_from <= $as_of) AND (m.valid_to IS NULL OR m.valid_to >= $as_of)
  AND (mine.valid_from IS NULL OR mine.valid_from <= $as_of) AND (mine.valid_to IS NULL OR mine.valid_to >= $as_of)
  AND (a.valid_from IS NULL OR a.valid_from <= $as_of) AND (a.valid_to IS NULL OR a.valid_to >= $as_of)
OPTIONAL MATCH (party:Organisation)-[pp:PARTY_TO]->(a)
WHERE (pp.valid_from IS NULL OR pp.valid_from <= $as_of) AND (pp.valid_to IS NULL OR pp.valid_to >= $as_of)
  AND (party.valid_from IS NULL OR party.valid_from <= $as_of) AND (party.valid_to IS NULL OR party.valid_to >= $as_of)
WITH a, mine, collect(DISTINCT CASE WHEN pp.role = 'host' THEN party.name END) AS hosts,
     collect(DISTINCT party.name + ' (' + pp.role + ')') AS parties
OPTIONAL MATCH (a)-[c:COVERS]->(s:Service)
WHERE (c.valid_from IS NULL OR c.valid_from <= $as_of) AND (c.valid_to IS NULL OR c.valid_to >= $as_of)
  AND (s.valid_from IS NULL OR s.valid_from <= $as_of) AND (s.valid_to IS NULL OR s.valid_to >= $as_of)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.status AS status, mine.role AS role,
       hosts, parties, collect(DISTINCT s.name) AS services, a.fte AS fte
