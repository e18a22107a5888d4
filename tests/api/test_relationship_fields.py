"""Relationship fields inside nodes: `where` on the relationship and the node at its end,
`…Connection` paging with cursors, and case-insensitive string filters."""
from __future__ import annotations

from apiutil import asgi, gql, gql_errors, graph  # noqa: F401 (fixtures)



def parts_of_helse(asgi, args: str = "", field: str = "hasParts", inner: str = "node { id }") -> dict:
    query = ('{ node(id: "helse", asOf: "2022-01-01") { ... on Unit { %s%s { %s } } } }'
             % (field, f"({args})" if args else "", inner))
    return gql(asgi, query)["node"][field]


def test_where_on_the_node_at_the_end(asgi):
    every = [e["node"]["id"] for e in parts_of_helse(asgi)]
    assert every == ["hjemmetjeneste", "rehab", "sykehjem"]  # Ævretun last, æ after z
    some = parts_of_helse(asgi, 'where: {node: {validFrom: {gte: "2020-01-01"}, id: {ne: "rehab"}}}')
    assert [e["node"]["id"] for e in some] == [i for i in every if i != "rehab"]
    assert parts_of_helse(asgi, 'where: {node: {id: {in: []}}}') == []


def test_where_on_relationship_properties(asgi):
    query = ('{ node(id: "ledergruppe", asOf: "2022-01-01") { ... on MeetingPlace { '
             'all: members { role node { id } } '
             'leaders: members(where: {role: {eq: "leder"}}) { role node { id } } '
             'others: members(where: {NOT: {role: {eq: "leder"}}}) { node { id } } } } }')
    place = gql(asgi, query)["node"]
    assert {e["role"] for e in place["all"]} == {"leder", "medlem"}
    assert place["leaders"] == [e for e in place["all"] if e["role"] == "leder"]
    assert {e["node"]["id"] for e in place["others"]} == {
        e["node"]["id"] for e in place["all"] if e["role"] != "leder"}


def test_connection_pages_through_every_edge_once(asgi):
    every = [e["node"]["id"] for e in parts_of_helse(asgi)]
    seen, after = [], None
    while True:
        args = "first: 2" + (f', after: "{after}"' if after else "")
        page = parts_of_helse(asgi, args, "hasPartsConnection",
                              "totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } }")
        assert page["totalCount"] == len(every)
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == every
    backwards = parts_of_helse(asgi, "orderBy: NAME_DESC", "hasPartsConnection", "edges { node { id } }")
    assert [e["node"]["id"] for e in backwards["edges"]] == every[::-1]


def test_connection_filters_count_before_paging(asgi):
    page = parts_of_helse(asgi, 'first: 1, where: {node: {id: {startsWith: "r"}}}', "hasPartsConnection",
                          "totalCount edges { node { id } }")
    assert page["totalCount"] == 1 and [e["node"]["id"] for e in page["edges"]] == ["rehab"]


def test_bad_cursor_and_page_size_say_what_is_wrong(asgi):
    errors = gql_errors(asgi, '{ node(id: "helse") { ... on Unit { hasPartsConnection(after: "xyz") '
                              '{ totalCount } } } }')
    assert "invalid cursor 'xyz'" in errors[0]["message"]
    assert errors[0]["path"] == ["node", "hasPartsConnection"]
    errors = gql_errors(asgi, '{ node(id: "helse") { ... on Unit { hasPartsConnection(first: 501) '
                              '{ totalCount } } } }')
    assert "first must be between 0 and 500, got 501" in errors[0]["message"]


def test_case_insensitive_string_filters(asgi):
    def names(condition: str) -> list[str]:
        data = gql(asgi, '{ units(asOf: "2022-01-01", where: %s) { nodes { name } } }' % condition)
        return [n["name"] for n in data["units"]["nodes"]]

    assert names('{name: {contains: "ÆVRE"}}') == []  # case counts by default
    assert names('{name: {contains: "ÆVRE", ignoreCase: true}}') == ["Ævretun sykehjem"]
    assert names('{name: {startsWith: "hELSE", ignoreCase: true}}') == ["Helse og omsorg"]
    assert names('{name: {in: ["HJEMMETJENESTEN", "ævretun SYKEHJEM"], ignoreCase: true}}') == [
        "Hjemmetjenesten", "Ævretun sykehjem"]
    assert names('{name: {eq: "helse og omsorg", ignoreCase: true}}') == ["Helse og omsorg"]
    assert names('{name: {ne: "helse og omsorg", ignoreCase: true}, id: {in: ["helse", "rehab"]}}') == [
        "Rehabilitering"]
