// Municipalities that exist on a date, with their kommunenummer valid then.
// @param as_of date = today  the date the question is asked about
// @order kommunenummer, name
MATCH (o:Organisation)
WHERE o.kind = 'municipality'
  AND (o.valid_from IS NULL OR o.valid_from <= $as_of) AND (o.valid_to IS NULL OR o.valid_to >= $as_of)
RETURN o.id AS id, o.name AS name, o.kommunenummer AS kommunenummer, o.county AS county,
       o.valid_from AS valid_from, o.valid_to AS valid_to
