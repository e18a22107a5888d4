"""The hostile corpus (tests/hostile.py) in every text field, through mutations, query arguments
and raw HTTP: each value is stored verbatim as inert data or refused with a clear error naming
the field; nothing else changes, nothing is half-written, never a 5xx. Both engines."""
from __future__ import annotations

import json

import pytest

from orggraph.api.naming import camel
from orggraph.schema import NODE_BY_LABEL, NODES

from apiutil import (MINIMAL, AsgiClient, audit_lines, bearer, graph, secured, secured_app,  # noqa: F401
                     unanswered, well_formed)
from conftest import snapshot
from hostile import INERT, REFUSED, inert, refused, text_fields

EDITOR = bearer()


def ask(client, query: str, variables: dict, headers: dict | None = None) -> dict:
    """POST as JSON escaped to ASCII: a lone surrogate travels as \\ud800, as JSON allows."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    return well_formed(client.post("/graphql", content=body, headers={
        "Content-Type": "application/json", **(headers or {})}))


def create(client, label: str, fields: dict) -> dict:
    query = f"mutation($i: Create{label}Input!) {{ create{label}(input: $i) {{ id }} }}"
    return ask(client, query, {"i": fields}, EDITOR)


def refused_at(body: dict, field: str) -> str:
    """The one error of a refused write, which must name `field`; returns its message."""
    assert unanswered(body), body
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, error
    assert error["message"].startswith(f"[{field}] ")
    return error["message"]


def without(graph_snapshot, prefix: str):
    nodes, rels = graph_snapshot
    return [n for n in nodes if not dict(n[1])["id"].startswith(prefix)], rels


@pytest.mark.parametrize("label", [n.label for n in NODES])
def test_every_text_field_of_every_node_type(graph, tmp_path, label):
    client, node = AsgiClient(secured_app(graph, tmp_path)), NODE_BY_LABEL[label]
    before, stored = snapshot(graph), {}
    for field in text_fields(node):
        path, prop = f"input.{camel(field)}", node.prop(field)
        for name, value in inert(field).items():
            node_id = f"h-{field}-{name}"
            body = create(client, label, {**MINIMAL[label], "id": node_id, "source": "s", camel(field): value})
            if field == "id" or prop.choices or prop.pattern:  # not free text: it must fit a pattern or a choice
                expected = "is not a valid id" if field == "id" else "must be one of" if prop.choices else "must match"
                assert expected in refused_at(body, path)
            else:
                assert body == {"data": {f"create{label}": {"id": node_id}}}, body
                stored[node_id] = (field, value)
        for name, (value, message) in refused(field).items():
            body = create(client, label, {**MINIMAL[label], "id": f"h-{field}-{name}", "source": "s",
                                          camel(field): value})
            assert message in refused_at(body, path), (field, name)
    after = snapshot(graph)
    assert without(after, "h-") == without(before, "h-")  # nothing else changed
    written = {dict(props)["id"]: dict(props) for _, props in after[0] if dict(props)["id"].startswith("h-")}
    assert set(written) == set(stored)
    for node_id, (field, value) in stored.items():
        assert written[node_id][field] == value, (node_id, field)  # verbatim, to the last byte
    assert [e["ids"] for e in audit_lines(tmp_path)] == [[i] for i in stored]
    # and read back through the API, private fields included (editor)
    for node_id, (field, value) in list(stored.items())[:len(INERT)]:
        query = f"query($id: ID!) {{ node(id: $id) {{ ... on {label} {{ v: {camel(field)} }} }} }}"
        body = ask(client, query, {"id": node_id}, EDITOR)
        assert body == {"data": {"node": {"v": value}}}


REL_FIELDS = [("DEPENDS_ON", "h-s1", "h-s2", {}, "note"), ("DEPENDS_ON", "h-s1", "h-s2", {}, "source"),
              ("MEMBER_OF", "h-per", "h-mp", {}, "role"),
              ("PARTY_TO", "h-org", "h-agr", {"role": "participant"}, "note")]


def test_every_text_property_of_relationships(graph, tmp_path):
    client = AsgiClient(secured_app(graph, tmp_path))
    for node_id, label in (("h-s1", "Service"), ("h-s2", "Service"), ("h-per", "Person"),
                           ("h-mp", "MeetingPlace"), ("h-org", "Organisation"), ("h-agr", "Agreement")):
        assert "errors" not in create(client, label, {**MINIMAL[label], "id": node_id, "source": "s"})
    before = snapshot(graph)
    query = "mutation($i: AddRelationshipInput!) { addRelationship(input: $i) { type } }"
    day, kept = 0, []
    for rel_type, source, target, extra, field in REL_FIELDS:
        cases = [(v, None) for v in inert(field).values()] + list(refused(field).values())
        for value, message in cases:
            day += 1
            start = f"{2000 + day // 28:04d}-01-{1 + day % 28:02d}"  # each its own relationship
            fields = {"type": rel_type, "from": source, "to": target, "validFrom": start, "source": "s",
                      **extra, field: value}
            body = ask(client, query, {"i": fields}, EDITOR)
            if message is None:
                assert body == {"data": {"addRelationship": {"type": rel_type}}}, body
                kept.append((rel_type, start, field, value))
            else:
                assert message in refused_at(body, f"input.{field}")
    nodes, rels = snapshot(graph)
    assert nodes == before[0]
    added = [dict(props) for name, props in rels if (name, props) not in before[1]]
    assert len(added) == len(kept) == len(rels) - len(before[1])
    by_start = {(r["valid_from"].isoformat(), r["a"]): r for r in added}
    for rel_type, start, field, value in kept:
        source = next(s for t, s, _, _, f in REL_FIELDS if t == rel_type)
        assert by_start[(start, source)][field] == value


QUERIES = [('query($v: ID!) { node(id: $v) { id } }', lambda data: data == {"node": None}),
           ('query($v: String) { units(where: {name: {eq: $v}}) { totalCount } }',
            lambda data: data == {"units": {"totalCount": 0}}),
           ('query($v: String) { persons(where: {OR: [{name: {contains: $v}}, {source: {startsWith: $v}}]}) '
            '{ nodes { id } } }', lambda data: data == {"persons": {"nodes": []}}),
           ('query($v: String!) { search(text: $v) { id } }', lambda data: isinstance(data["search"], list))]


@pytest.mark.parametrize("query, answer", QUERIES, ids=["node", "where-eq", "where-contains", "search"])
def test_hostile_values_as_query_arguments(graph, tmp_path, query, answer):
    client = AsgiClient(secured_app(graph, tmp_path))
    before = snapshot(graph)
    for value in [*INERT.values(), *(v for v, _ in REFUSED.values())]:
        body = ask(client, query, {"v": value})
        assert "errors" in body or answer(body["data"]), (value[:40], body)
    assert snapshot(graph) == before


def raw(client, body: bytes, **headers):
    return client.post("/graphql", content=body, headers={"Content-Type": "application/json", **headers})


def test_bodies_that_are_not_utf8_json(secured):
    for body, message in ((b'{"query": "{ units { totalCount } }\xff"}', "not valid UTF-8: byte 0xff at offset 35"),
                          (b"\xfe\xff\x00{", "not valid UTF-8: byte 0xfe at offset 0"),
                          (b'{"query": "\xc3"}', "not valid UTF-8: byte 0xc3 at offset 11"),
                          (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
                          (b'{"query": "{ units { totalCount } }", "variables": {"v": ' + b"[" * 100_000
                           + b"]" * 100_000 + b"}}", "nested too deeply"),
                          (b"\xef\xbb\xbf{}", "not JSON"), (b"", "not JSON"), (b"null", "must be a JSON object")):
        response = raw(secured, body)
        assert response.status_code == 400, (body[:40], response.text)
        [error] = well_formed(response)["errors"]
        assert message in error["message"] and error["extensions"] == {"code": "BAD_REQUEST"}


def test_unpaired_surrogates_are_refused_at_the_door(secured):
    for variables in ({"v": "a\ud800"}, {"i": {"name": ["x", {"\udfff": 1}]}}):
        response = raw(secured, json.dumps({"query": "{ __typename }", "variables": variables}).encode())
        assert response.status_code == 400
        assert "half a surrogate pair" in well_formed(response)["errors"][0]["message"]
    paired = raw(secured, json.dumps({"query": "query($v: ID!) { node(id: $v) { id } }",
                                      "variables": {"v": "\U0001f642"}}).encode())  # an escaped pair is fine
    assert well_formed(paired) == {"data": {"node": None}}
    response = secured.get("/graphql", params={"query": "{ __typename }", "variables": '{"v": "\\ud800"}'})
    assert response.status_code == 400 and "half a surrogate pair" in well_formed(response)["errors"][0]["message"]


def test_oversized_bodies_are_413_declared_or_streamed(secured):
    big = json.dumps({"query": "{ units { totalCount } }", "variables": {"v": "x" * 1_000_001}}).encode()
    response = raw(secured, big)
    assert response.status_code == 413
    assert "exceeds the limit max_body_bytes = 1000000 bytes" in well_formed(response)["errors"][0]["message"]

    def chunks():  # no Content-Length: refused once the stream passes the limit
        for _ in range(20):
            yield b" " * 100_000

    async def async_chunks():
        for chunk in chunks():
            yield chunk
    stream = async_chunks() if isinstance(secured, AsgiClient) else chunks()
    response = secured.post("/graphql", content=stream, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "max_body_bytes" in response.text


def test_deep_and_wide_documents(secured):
    for query, status, message in (
            ("{" + "units { nodes { " * 600 + "id" + " } }" * 600 + "}", 200, "nested too deeply"),
            ("{ units(where: " + "{NOT: " * 400 + "{}" + "}" * 400 + ") { totalCount } }", 200, "nested too deeply"),
            ("{" + " ".join(f"a{i}: __typename" for i in range(1000)) + "}", 400,
             "number of aliases 1000 exceeds the limit max_aliases = 30"),
            ("{ " + "units { totalCount } " * 2000 + "}", 400, "exceeds the limit max_tokens = 5000"),
            ("{ units { totalCount } }\x00", 200, "Unexpected character: U+0000"),
            ('{ node(id: "\\ud800") { id } }', 200, None)):
        response = secured.post("/graphql", content=json.dumps({"query": query}),
                                headers={"Content-Type": "application/json"})
        body = well_formed(response)
        assert response.status_code == status, (query[:60], response.text[:300])
        if message:
            assert message in body["errors"][0]["message"], body
    where = {}
    for _ in range(400):
        where = {"NOT": where}
    body = well_formed(secured.post("/graphql", json={
        "query": "query($w: UnitWhere) { units(where: $w) { totalCount } }", "variables": {"w": where}}))
    assert "nested too deeply" in body["errors"][0]["message"]


def test_query_strings_that_are_not_utf8(secured):
    for url in ("/graphql?query=%FF%FE", "/graphql?query={units{totalCount}}%C3",
                "/graphql?variables=%FF&query={__typename}"):
        well_formed(secured.get(url))
