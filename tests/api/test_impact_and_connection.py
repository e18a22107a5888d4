"""Graph questions over GraphQL: span of control, impact and the connection between two nodes."""
from __future__ import annotations

from apiutil import asgi, gql, graph  # noqa: F401 (fixtures)


def test_span_of_control(asgi):
    data = gql(asgi, '{ spanOfControl(id: "helse", asOf: "2022-01-01") { name directReports } '
                     'dotted: spanOfControl(id: "helse", asOf: "2022-01-01", includeDotted: true) '
                     '{ directReports } }')
    assert data["spanOfControl"] == {"name": "Helse og omsorg", "directReports": 3}
    assert data["dotted"]["directReports"] == 4  # Økonomistab's dotted line


def test_impact_lists_what_an_ending_reaches(asgi):
    data = gql(asgi, '{ impact(id: "barnevern", asOf: "2016-01-01") { depth id relationship via '
                     'node { displayName } } }')
    first = [(a["id"], a["relationship"]) for a in data["impact"] if a["depth"] == 1]
    assert first == [("barnevern-avtale", "COVERS")]
    names = {a["node"]["displayName"] for a in data["impact"]}
    assert {"Nordøy", "Sørå", "IKT-samarbeid"} <= names


def test_impact_of_a_municipality_reaches_its_agreements(asgi):
    data = gql(asgi, '{ impact(id: "nord", asOf: "2016-06-01") { depth id relationship via } }')
    rows = {(a["depth"], a["id"], a["relationship"], a["via"]) for a in data["impact"]}
    # it hosts barnevern and is a partial party to IKT: both are affected, and their other party
    assert {(1, "barnevern-avtale", "PARTY_TO", "nord"), (1, "ikt-avtale", "PARTY_TO", "nord"),
            (1, "nord-helse", "PART_OF", "nord"), (2, "sor", "PARTY_TO", "barnevern-avtale")} <= rows
    assert not {a["id"] for a in data["impact"]} & {"radmann-sor", "fjordvik"}  # Sørå goes on


def test_a_refused_withdrawal_leaves_the_other_answers(asgi):
    response = asgi.post("/graphql", json={"query": '{ a: node(id: "nord", asOf: "2016-06-01") { id } '
                                                    'w: withdrawal(organisationId: "fjordvik", agreementId: '
                                                    '"barnevern-avtale", asOf: "2016-06-01") { id } }'})
    body = response.json()
    assert body["data"] == {"a": {"id": "nord"}, "w": None}, body
    (error,) = body["errors"]
    assert error["path"] == ["w"] and "'fjordvik' is not a party to agreement 'barnevern-avtale'" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # an id that names nothing is NOT_FOUND, as in the other questions
    body = asgi.post("/graphql", json={"query": '{ w: withdrawal(organisationId: "nosuch", agreementId: '
                                                '"barnevern-avtale") { id } }'}).json()
    (error,) = body["errors"]
    assert (error["extensions"]["code"], error["message"]) == ("NOT_FOUND", "organisationId: no node has id 'nosuch'")


def test_connection_between_two_nodes(asgi):
    data = gql(asgi, '{ connection(fromId: "natt", toId: "radhuset", asOf: "2022-01-01") '
                     '{ step via relationship id name } }')
    links = data["connection"]
    assert links[0]["via"] == "natt" and links[-1]["name"] == "Fjordvik rådhus"
    assert [l["step"] for l in links] == [1, 2, 3, 4]
    none = gql(asgi, '{ connection(fromId: "natt", toId: "nord", asOf: "2022-01-01") { id } }')
    assert none["connection"] == []


def test_aggregates_over_a_filtered_list(asgi):
    data = gql(asgi, '{ units(asOf: "2022-01-01", first: 1) { totalCount aggregate { count sumFte '
                     'fteStated minValidFrom maxValidFrom maxValidTo } nodes { id } } }')
    units = data["units"]
    assert len(units["nodes"]) == 1 and units["totalCount"] == units["aggregate"]["count"] == 7
    # helse 310.5, hjemmetjeneste 80, rehab 12.5: the others state no årsverk
    assert units["aggregate"]["sumFte"] == 403.0 and units["aggregate"]["fteStated"] == 3
    assert units["aggregate"]["minValidFrom"] == units["aggregate"]["maxValidFrom"] == "2020-01-01"
    assert units["aggregate"]["maxValidTo"] is None
    # nothing matches: no årsverk stated, so none summed (Neo4j's sum() of nothing is 0)
    empty = gql(asgi, '{ units(where: {name: {eq: "ingen slik"}}) { totalCount aggregate { count sumFte '
                      'fteStated minValidFrom maxValidTo } } }')["units"]
    assert empty == {"totalCount": 0, "aggregate": {"count": 0, "sumFte": None, "fteStated": 0,
                                                    "minValidFrom": None, "maxValidTo": None}}


def test_during_a_range(asgi):
    data = gql(asgi, '{ organisations(during: {start: "2019-12-01", end: "2020-01-31"}, '
                     'where: {kind: {eq: "municipality"}}) { nodes { name } } '
                     'oneDay: organisations(asOf: "2019-12-01", where: {kind: {eq: "municipality"}}) '
                     '{ nodes { name } } }')
    assert [n["name"] for n in data["organisations"]["nodes"]] == ["Fjordvik", "Nordøy", "Sørå"]
    assert [n["name"] for n in data["oneDay"]["nodes"]] == ["Nordøy", "Sørå"]
