"""Real answers from the test dataset through GraphQL, on both engines."""
from __future__ import annotations

from apiutil import asgi, gql, gql_errors, graph  # noqa: F401 (fixtures)


def test_chain_of_command_of_natt(asgi):
    data = gql(asgi, """{ chainOfCommand(id: "natt", asOf: "2022-01-01") {
        depth id type headPost holder capacity node { displayName ... on Unit { kind } } } }""")
    chain = data["chainOfCommand"]
    assert [c["id"] for c in chain] == ["hjemmetjeneste", "helse", "fjordvik"]
    assert [c["depth"] for c in chain] == [1, 2, 3]
    assert (chain[1]["holder"], chain[1]["capacity"]) == ("Cecilie Lærum", "acting")
    assert chain[0]["node"] == {"displayName": "Hjemmetjenesten", "kind": "unit"}
    assert chain[2]["type"] == "Organisation" and chain[2]["node"] == {"displayName": "Fjordvik"}


def test_municipalities_change_at_the_merger(asgi):
    data = gql(asgi, """{ before: municipalities(asOf: "2019-12-31") { id name kommunenummer }
                          after: municipalities(asOf: "2020-01-01") { id name validFrom } }""")
    assert [m["id"] for m in data["before"]] == ["nord", "sor"]
    assert data["before"][1] == {"id": "sor", "name": "Sørå", "kommunenummer": "1902"}
    assert data["after"] == [{"id": "fjordvik", "name": "Fjordvik", "validFrom": "2020-01-01"}]


def test_seats_in_the_joint_committee(asgi):
    data = gql(asgi, """{
      members(id: "fellesnemnda", asOf: "2019-01-01") { name seats role }
      node(id: "fellesnemnda", asOf: "2019-01-01") { ... on Organisation { kind
          members { seats role node { id } } } } }""")
    assert {m["name"]: m["seats"] for m in data["members"]} == {"Nordøy": 9, "Sørå": 5}
    edges = data["node"]["members"]
    assert {e["node"]["id"]: (e["seats"], e["role"]) for e in edges} == {
        "nord": (9, "medlem"), "sor": (5, "medlem")}
    after = gql(asgi, '{ members(id: "fellesnemnda", asOf: "2020-06-01") { id } '
                      'node(id: "fellesnemnda", asOf: "2020-06-01") { id } }')
    assert after == {"members": [], "node": None}  # the committee ended with the merger


def test_as_of_flows_into_nested_fields(asgi):
    query = """query($d: Date!) { node(id: "kommunalsjef-helse", asOf: $d) {
        ... on Post { title holders { capacity validFrom node { name } } } } }"""
    early = gql(asgi, query, {"d": "2020-06-01"})["node"]["holders"]
    late = gql(asgi, query, {"d": "2022-01-01"})["node"]["holders"]
    assert [(h["node"]["name"], h["capacity"]) for h in early] == [("Bjørn Æsebø", None)]
    assert [(h["node"]["name"], h["capacity"]) for h in late] == [("Cecilie Lærum", "acting")]
    # two root fields with different dates in one request do not mix
    both = gql(asgi, """{ a: node(id: "aase", asOf: "2019-01-01") { ... on Person { holds { node { id } } } }
                          b: node(id: "aase", asOf: "2021-01-01") { ... on Person { holds { node { id } } } } }""")
    assert [h["node"]["id"] for h in both["a"]["holds"]] == ["radmann-nord"]
    assert [h["node"]["id"] for h in both["b"]["holds"]] == ["kommunedirektor"]


def test_relationship_fields_in_both_directions_with_their_properties(asgi):
    data = gql(asgi, """{ node(id: "helse", asOf: "2022-01-01") { ... on Unit {
        partOf { node { id } }
        hasParts { node { ... on Unit { name } } }
        headedBy { node { title } }
        reportsFrom { kind node { id } } } } }""")["node"]
    assert [e["node"]["id"] for e in data["partOf"]] == ["fjordvik"]
    # Norwegian order: Æ after Z
    assert [e["node"]["name"] for e in data["hasParts"]] == [
        "Hjemmetjenesten", "Rehabilitering", "Ævretun sykehjem"]
    assert data["headedBy"] == [{"node": {"title": "Kommunalsjef helse og omsorg"}}]
    assert data["reportsFrom"] == [{"kind": "dotted", "node": {"id": "stab"}}]


def test_agreement_parties_with_roles(asgi):
    data = gql(asgi, """{ agreementsOf(id: "sor", asOf: "2018-01-01") { id role hosts services }
        agreements(asOf: "2018-01-01", where: {id: {eq: "ikt-avtale"}}) { nodes {
            status parties { role note node { name } } covers { node { name } } } } }""")
    assert {a["id"]: a["role"] for a in data["agreementsOf"]} == {
        "barnevern-avtale": "participant", "ikt-avtale": "host"}
    ikt = data["agreements"]["nodes"][0]
    assert ikt["status"] == "proposed"
    assert sorted((p["node"]["name"], p["role"], p["note"]) for p in ikt["parties"]) == [
        ("Nordøy", "partial", "bare drift, ikke innkjøp"), ("Sørå", "host", None)]
    assert ikt["covers"] == [{"node": {"name": "IKT-drift"}}]


def test_subordinates_and_within(asgi):
    data = gql(asgi, """{ subordinates(id: "fjordvik", depth: 3, asOf: "2022-01-01") { id depth }
                          dotted: subordinates(id: "helse", depth: 1, includeDotted: true, asOf: "2022-01-01") { id kind }
                          within(id: "natt", steps: 2, asOf: "2022-01-01") { id depth relationship } }""")
    assert sorted(s["id"] for s in data["subordinates"]) == [
        "helse", "hjemmetjeneste", "kjokken", "natt", "rehab", "stab", "sykehjem"]
    assert {"id": "stab", "kind": "dotted"} in data["dotted"]
    assert {"id": "hjemmetjeneste", "depth": 1, "relationship": "PART_OF"} in data["within"]
    assert {w["id"] for w in data["within"] if w["depth"] == 2} >= {"helse", "leder-hjemme"}


def test_lists_filter_sort_and_page(asgi):
    query = """query($where: UnitWhere, $after: String) {
        units(asOf: "2022-01-01", where: $where, first: 3, after: $after) {
            totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id name } } }"""
    first = gql(asgi, query)["units"]
    assert first["totalCount"] == 7 and first["pageInfo"]["hasNextPage"]
    names = [n["name"] for n in first["nodes"]]
    rest = gql(asgi, query, {"after": first["pageInfo"]["endCursor"]})["units"]
    names += [n["name"] for n in rest["nodes"]]
    last = gql(asgi, query, {"after": rest["pageInfo"]["endCursor"]})["units"]
    names += [n["name"] for n in last["nodes"]]
    assert names == ["Helse og omsorg", "Hjemmetjenesten", "Nattpatrulje", "Rehabilitering",
                     "Storkjøkken", "Ævretun sykehjem", "Økonomistab"]  # æ before ø, both after z
    assert rest["pageInfo"]["hasPreviousPage"] and not last["pageInfo"]["hasNextPage"]

    def ids(where):
        return [n["id"] for n in gql(asgi, query.replace("first: 3", "first: 50"), {"where": where})["units"]["nodes"]]
    assert ids({"kind": {"in": ["team", "staff"]}}) == ["natt", "stab"]
    assert ids({"name": {"startsWith": "H"}, "fte": {"gte": 100}}) == ["helse"]
    assert ids({"OR": [{"name": {"contains": "patrulje"}}, {"fte": {"lt": 20}}]}) == ["natt", "rehab"]
    assert ids({"NOT": {"kind": {"eq": "unit"}}, "fte": {"isNull": True}}) == ["natt", "stab"]
    assert ids({"validFrom": {"gte": "2020-01-01"}, "id": {"in": []}}) == []
    # no alternatives: nothing holds; "not 10" includes having no fte at all
    assert ids({"OR": []}) == [] and ids({"AND": []}) == ids({})
    assert ids({"fte": {"eq": 80}}) == ["hjemmetjeneste"]
    assert ids({"fte": {"ne": 80}}) == [i for i in ids({}) if i != "hjemmetjeneste"]  # natt, stab have none
    # NOT of a comparison holds where the property is missing, as ne does, at any depth
    assert ids({"NOT": {"fte": {"eq": 80}}}) == ids({"fte": {"ne": 80}})
    assert ids({"NOT": {"fte": {"gt": 1000}}}) == ids({})
    assert ids({"NOT": {"NOT": {"fte": {"gt": 1000}}}}) == []
    assert ids({"NOT": {"OR": [{"fte": {"gt": 1000}}, {"kind": {"eq": "team"}}]}}) == \
        [i for i in ids({}) if i not in ids({"kind": {"eq": "team"}})]
    # a value that looks like Cypher stays a value
    assert ids({"name": {"eq": "x' OR 1=1 //"}}) == []
    # the empty text is in every name, on both engines (LadybugDB's own CONTAINS '' is false)
    every = ids({})
    assert len(every) == 7
    assert ids({"name": {"contains": ""}}) == every == ids({"name": {"startsWith": ""}})
    assert ids({"name": {"contains": "", "ignoreCase": True}}) == every
    assert ids({"fte": {"isNull": True}, "name": {"contains": ""}}) == ids({"fte": {"isNull": True}})


def test_search_ignores_case_and_diacritics(asgi):
    data = gql(asgi, """{ a: search(text: "odegard") { __typename id }
                          b: search(text: "SORA", asOf: "2019-01-01") { id displayName }
                          c: search(text: "helse", asOf: "2022-01-01", types: ["Unit"]) { id } }""")
    assert data["a"] == [{"__typename": "Person", "id": "aase"}]
    # exact name first, then names that merely contain the words
    assert data["b"] == [{"id": "sor", "displayName": "Sørå"},
                         {"id": "sammenslaing", "displayName": "Nordøy og Sørå blir Fjordvik"}]
    assert data["c"][0]["id"] == "helse"  # exact name prefix first
    # of no types, nothing (as `in: []`); an unknown type is refused
    assert gql(asgi, '{ search(text: "helse", asOf: "2022-01-01", types: []) { id } }')["search"] == []
    later = gql(asgi, '{ search(text: "sora", asOf: "2022-01-01") { id } }')["search"]
    assert later == [{"id": "sammenslaing"}]  # Sørå itself ended with 2019
    # the old spellings aa and oe, as typed on a keyboard without å and ø
    old = gql(asgi, '{ a: search(text: "oedegaard") { id } b: search(text: "Soeraa", asOf: "2019-01-01") { id } }')
    assert old == {"a": [{"id": "aase"}], "b": [{"id": "sor"}, {"id": "sammenslaing"}]}


def test_private_properties_are_not_exposed(asgi):
    """Anonymous readers get null and an error for personal data (test_auth.py: readers see it)."""
    body = asgi.post("/graphql", json={"query": '{ node(id: "aase") { ... on Person { name email } } }'}).json()
    assert body["data"] == {"node": {"name": "Åse Ødegård", "email": None}}
    assert body["errors"][0]["path"] == ["node", "email"]
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_bad_input_is_an_error_with_a_path(asgi):
    errors = gql_errors(asgi, '{ units(first: 501) { totalCount } }')
    assert errors[0]["path"] == ["units"] and "500" in errors[0]["message"]
    errors = gql_errors(asgi, '{ units(after: "bm9wZQ==") { totalCount } }')
    assert errors[0]["path"] == ["units"] and "cursor" in errors[0]["message"]
    errors = gql_errors(asgi, '{ subordinates(id: "fjordvik", depth: -1) { id } }')
    assert errors[0]["path"] == ["subordinates"]
    errors = gql_errors(asgi, '{ municipalities(asOf: "2020-13-45") { id } }')
    assert "Date" in errors[0]["message"] or "date" in errors[0]["message"]


def test_bad_dates_are_errors_with_their_location(asgi):
    """A Date or DateTime written in the document that is not one points at itself, as a bad Int
    does: in a root argument, in mutation input, in a variable."""
    cases = [
        ('{ b: units(asOf: "2017-02-30") { totalCount } }', {}, (1, 18),
         'Value cannot represent a Date: "2017-02-30". day is out of range for month'),
        ('{ auditLog(since: "yesterday") { at } }', {}, (1, 19), 'Value cannot represent a DateTime: "yesterday".'),
        # ISO's basic and week forms are not YYYY-MM-DD, though Python's fromisoformat takes them
        ('{ b: units(asOf: "20170101") { totalCount } }', {}, (1, 18), 'Value cannot represent a Date: "20170101".'),
        ('{ b: units(asOf: "2024-W10-3") { totalCount } }', {}, (1, 18), 'Value cannot represent a Date: "2024-W10-3".'),
        ('mutation {\n  createUnit(input: {id: "x", name: "X", kind: "team", source: "s",\n'
         '    validFrom: "2020-13-01"}) { id } }', {}, (3, 16), 'Value cannot represent a Date: "2020-13-01".'),
        ('{ units(asOf: 20200101) { totalCount } }', {}, (1, 15), "Expected a string"),
        ('query($d: Date) { units(asOf: $d) { totalCount } }', {"d": "2017-02-30"}, (1, 7),
         "Variable '$d' has invalid value"),
        ('{ units(first: "a") { totalCount } }', {}, (1, 16), "Int cannot represent"),  # as the built-ins
    ]
    for query, variables, (line, column), message in cases:
        (error,) = gql_errors(asgi, query, variables)
        assert error["locations"] == [{"line": line, "column": column}], (query, error)
        assert message in error["message"], (query, error)


MERGER = """query($day: Date) { node(id: "sammenslaing", asOf: $day) { ... on ChangeEvent {
  predecessors { node { id ... on Organisation { kommunenummer headedBy { node { id } } } } }
  successors { node { id ... on Organisation { kommunenummer headedBy { node { id } } } } }
  predecessorsConnection { totalCount } } } }"""


def test_a_change_event_shows_what_it_ended_and_what_it_began_at_once(asgi):
    """Predecessors are read on the day before the event, successors on its date, whatever the
    request's date: the two never exist on one day."""
    def org(node_id: str, number: str, *heads: str) -> dict:  # as it was on the day it is read on
        return {"node": {"id": node_id, "kommunenummer": number, "headedBy": [{"node": {"id": h}} for h in heads]}}
    whole = {"predecessors": [org("nord", "1901", "radmann-nord"), org("sor", "1902")],
             "successors": [org("fjordvik", "5401", "kommunedirektor")], "predecessorsConnection": {"totalCount": 2}}
    for day in ("2019-12-31", "2020-01-01", "2010-01-01", "2024-06-01"):
        assert gql(asgi, MERGER, {"day": day})["node"] == whole, day
    during = gql(asgi, '{ changes(during: {start: "2019-12-31", end: "2020-01-01"}) { nodes { '
                       'predecessors { node { id } } successors { node { id } } } } }')
    assert during["changes"]["nodes"] == [{"predecessors": [{"node": {"id": "nord"}}, {"node": {"id": "sor"}}],
                                           "successors": [{"node": {"id": "fjordvik"}}]}]
    # the other way round, the organisations answer on the request's date as before
    assert gql(asgi, '{ node(id: "nord", asOf: "2019-12-31") { ... on Organisation { endedBy { node { id } } } } }'
               )["node"] == {"endedBy": [{"node": {"id": "sammenslaing"}}]}


def test_changes_are_listed_by_the_day_they_happened(asgi):
    """`changes(asOf:)` lists what had happened by then, `changes(during:)` what happened within
    the range (the merger is on 2020-01-01); before, every change was listed for every date."""
    def listed(args: str) -> list[str]:
        field = f"changes({args})" if args else "changes"
        return [n["id"] for n in gql(asgi, f"{{ {field} {{ nodes {{ id }} }} }}")["changes"]["nodes"]]
    assert listed('asOf: "2019-12-31"') == [] and listed('asOf: "2020-01-01"') == ["sammenslaing"]
    assert listed("") == ["sammenslaing"]  # today
    assert listed('during: {start: "2020-01-02", end: "2024-01-01"}') == []
    assert listed('during: {start: "2019-01-01", end: "2020-01-01"}') == ["sammenslaing"]
    assert listed('asOf: "2010-01-01", where: {kind: {eq: "merger"}}') == []
    counted = gql(asgi, '{ changes(asOf: "2019-12-31") { totalCount } }')["changes"]["totalCount"]
    assert counted == 0


def test_a_decision_exists_from_its_date(asgi):
    """A decision stated with a date and no period is valid from that date: not listed, nor linked
    from the body that made it, before the day it was made."""
    query = """query($d: Date!) { decisions(asOf: $d) { nodes { id validFrom } }
                 node(id: "nord", asOf: $d) { ... on Organisation { decisionsMade { node { id } } } } }"""
    before = gql(asgi, query, {"d": "2014-06-18"})
    assert before["decisions"]["nodes"] == [] and before["node"]["decisionsMade"] == []
    on = gql(asgi, query, {"d": "2014-06-19"})
    assert on["decisions"]["nodes"] == [{"id": "vedtak-nord", "validFrom": "2014-06-19"}]
    assert [e["node"]["id"] for e in on["node"]["decisionsMade"]] == ["vedtak-nord"]


def test_a_wrong_id_or_argument_is_an_error_at_its_own_field_only(asgi):
    """Each root field answers for itself: an id the graph never held is NOT_FOUND, a bad argument
    BAD_USER_INPUT, each null at its own path, while the other fields keep their answers. An id that
    exists on other dates is an empty answer, not an error."""
    body = asgi.post("/graphql", json={"query": """{
        a: chainOfCommand(id: "nosuch") { id }
        b: chainOfCommand(id: "natt", asOf: "2022-01-01") { id }
        c: units(first: 501) { totalCount }
        d: connection(fromId: "natt", toId: "nosuch2") { id }
        e: members(id: "fellesnemnda", asOf: "2020-06-01") { id }
        f: search(text: "") { id }
        g: spanOfControl(id: "nosuch") { directReports } }"""}).json()
    data, errors = body["data"], {e["path"][0]: e for e in body["errors"]}
    assert data["b"] and data["e"] == []
    assert {key for key, value in data.items() if value is None} == set(errors) == {"a", "c", "d", "f", "g"}
    assert {key: e["extensions"]["code"] for key, e in errors.items()} == {
        "a": "NOT_FOUND", "c": "BAD_USER_INPUT", "d": "NOT_FOUND", "f": "BAD_USER_INPUT", "g": "NOT_FOUND"}
    assert errors["d"]["message"] == "toId: no node has id 'nosuch2'"
    for query, code in (("{ units(", "GRAPHQL_PARSE_FAILED"), ("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED")):
        [error] = asgi.post("/graphql", json={"query": query}).json()["errors"]
        assert error["extensions"] == {"code": code}, error
