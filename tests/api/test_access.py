"""Every role rule, mutation by mutation and private property by property, and the audit trail:
each committed write leaves exactly one record naming who, when and what; a refused write leaves
none. Both engines."""
from __future__ import annotations

import datetime as dt

import pytest
from graphql import build_schema

from orggraph.api import sdl
from orggraph.api.naming import camel
from orggraph.schema import NODE_BY_LABEL, NODES

from apiutil import (MINIMAL, AsgiClient, audit_lines, bearer, gql, graph, secured_app,  # noqa: F401
                     unanswered, well_formed)
from conftest import snapshot

CALLERS = {"anonymous": ({}, "UNAUTHENTICATED", "needs the editor role: send Authorization: Bearer <token>"),
           "reader": (bearer(["reader"]), "FORBIDDEN", "needs the editor role; your token has roles: reader"),
           "unknown role": (bearer(["admin", "superuser"]), "FORBIDDEN",
                            "needs the editor role; your token has roles: admin, superuser"),
           "no roles": (bearer([]), "FORBIDDEN", "needs the editor role; your token has no roles")}


DEFAULTS = {"cascade", "validFrom"}  # input fields with a default: recorded as applied


def writes() -> list[tuple[str, str, dict, list[str]]]:
    """(mutation, input type, input, ids it touches) for every mutation, in an order that works:
    create, update, relate, unrelate, end."""
    out = []
    for node in NODES:
        out.append((f"create{node.label}", f"Create{node.label}Input!",
                    {"id": f"acc-{node.label.lower()}", "source": "s1", **MINIMAL[node.label]},
                    [f"acc-{node.label.lower()}"]))
    for node in NODES:
        out.append((f"update{node.label}", f"Update{node.label}Input!",
                    {"id": f"acc-{node.label.lower()}", "source": "s2",
                     ("title" if "title" in MINIMAL[node.label] else "name"): "changed"},
                    [f"acc-{node.label.lower()}"]))
    ends = {"type": "PART_OF", "from": "acc-unit", "to": "acc-organisation"}
    out.append(("addRelationship", "AddRelationshipInput!", {**ends, "source": "s3"},
                ["acc-unit", "acc-organisation"]))
    out.append(("endRelationship", "EndRelationshipInput!", {**ends, "validTo": "2030-01-31", "source": "s4"},
                ["acc-unit", "acc-organisation"]))
    out.append(("deleteRelationship", "DeleteRelationshipInput!", {**ends, "source": "s6"},
                ["acc-unit", "acc-organisation"]))
    for node in NODES:
        out.append((f"end{node.label}", "EndInput!",
                    {"id": f"acc-{node.label.lower()}", "validTo": "2031-12-31", "source": "s5"},
                    [f"acc-{node.label.lower()}"]))
    return out


def test_the_list_covers_every_mutation():
    fields = build_schema(sdl()).mutation_type.fields
    assert sorted(name for name, *_ in writes()) == sorted(fields)


def test_every_mutation_needs_an_editor_and_is_audited_once(graph, tmp_path):
    client = AsgiClient(secured_app(graph, tmp_path))
    for name, input_type, fields, ids in writes():
        query = f"mutation($i: {input_type}) {{ {name}(input: $i) {{ __typename }} }}"
        before = snapshot(graph)
        for caller, (headers, code, message) in CALLERS.items():
            body = well_formed(client.post("/graphql", json={"query": query, "variables": {"i": fields}},
                                           headers=headers))
            assert body.get("data", "absent") == {name: None}, (name, caller, body)
            (error,) = body["errors"]
            assert error["extensions"]["code"] == code and error["message"] == f"{name} {message}", error
        assert snapshot(graph) == before, name  # a refused write writes nothing
        assert [e["mutation"] for e in audit_lines(tmp_path)].count(name) == 0  # and is not recorded
        started = dt.datetime.now(dt.timezone.utc)
        data = gql(client, query, {"i": fields}, headers=bearer(sub=f"editor-{name}"))
        assert data[name]["__typename"]
        assert snapshot(graph) != before, name
        entry = audit_lines(tmp_path)[-1]
        assert started <= dt.datetime.fromisoformat(entry["at"]) <= dt.datetime.now(dt.timezone.utc)
        assert (entry["actor"], entry["mutation"], entry["ids"]) == (f"editor-{name}", name, ids)
        sent = {k: v for k, v in entry["input"].items() if k in fields}
        assert sent == fields and set(entry["input"]) - set(fields) <= DEFAULTS, entry["input"]
    lines = audit_lines(tmp_path)
    assert [e["mutation"] for e in lines] == [name for name, *_ in writes()]  # one each, in order
    # the same records through the API, newest first
    logged = gql(client, "{ auditLog(first: 1000) { at actor mutation ids input } }", headers=bearer())
    assert [(e["actor"], e["mutation"], e["ids"], e["input"]) for e in logged["auditLog"]] == \
        [(e["actor"], e["mutation"], e["ids"], e["input"]) for e in reversed(lines)]


def test_invalid_writes_by_editors_are_not_recorded(graph, tmp_path):
    client = AsgiClient(secured_app(graph, tmp_path))
    before = snapshot(graph)
    for name, input_type, fields, _ in writes():
        broken = {**fields, "id": "no such id!"} if "id" in fields else {**fields, "from": "nosuch"}
        query = f"mutation($i: {input_type}) {{ {name}(input: $i) {{ __typename }} }}"
        body = well_formed(client.post("/graphql", json={"query": query, "variables": {"i": broken}},
                                       headers=bearer()))
        assert unanswered(body) and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert snapshot(graph) == before
    assert audit_lines(tmp_path) == []


PRIVATE = [(node.label, p.name) for node in NODES for p in node.props if p.private]


def private_values(graph) -> dict[tuple[str, str], tuple[str, str]]:
    """(label, property) → (id, value) of a stored node holding that private property."""
    found = {}
    for label, name in PRIVATE:
        rows = graph.read(f"MATCH (n:{label}) WHERE n.{name} IS NOT NULL RETURN n.id AS id, n.{name} AS v")
        if rows:
            found[(label, name)] = (rows[0]["id"], rows[0]["v"])
    return found


@pytest.mark.parametrize("label, name", PRIVATE)
def test_private_properties_are_for_readers_only(graph, tmp_path, label, name):
    client = AsgiClient(secured_app(graph, tmp_path))
    stored = private_values(graph).get((label, name))
    if stored is None:  # the test data may lack one: give a node this property
        stored = (f"priv-{name}", f"secret {name}")
        gql(client, f"mutation($i: Create{label}Input!) {{ create{label}(input: $i) {{ id }} }}",
            {"i": {"id": stored[0], "source": "s", **MINIMAL[label], camel(name): stored[1]}}, headers=bearer())
    node_id, value = stored
    field = camel(name)
    asks = {  # every way to reach a node: by id, in its list, in search results
        "node": (f'{{ node(id: "{node_id}") {{ ... on {label} {{ id {field} }} }} }}', ["node"]),
        "list": (f'{{ {label[0].lower() + label[1:]}s(where: {{id: {{eq: "{node_id}"}}}}) '
                 f'{{ nodes {{ id {field} }} }} }}', None),
        "search": (f'{{ search(text: "{_name_of(graph, label, node_id)}") {{ ... on {label} {{ id {field} }} }} }}',
                   None)}
    for how, (query, _) in asks.items():
        for headers, code in (({}, "UNAUTHENTICATED"), (bearer(["admin"]), "FORBIDDEN")):
            response = client.post("/graphql", json={"query": query}, headers=headers)
            body = well_formed(response)
            assert value not in response.text, (how, headers)  # not anywhere in the answer
            assert body["errors"] and {e["extensions"]["code"] for e in body["errors"]} == {code}, body
            assert all(e["path"][-1] == field for e in body["errors"])
        for roles in (["reader"], ["editor"]):
            response = client.post("/graphql", json={"query": query}, headers=bearer(roles))
            assert "errors" not in well_formed(response) and value in response.text, (how, roles)


def _name_of(graph, label: str, node_id: str) -> str:
    prop = "name" if NODE_BY_LABEL[label].prop("name") else "title"
    rows = graph.read(f"MATCH (n:{label}) WHERE n.id = $id RETURN n.{prop} AS name", {"id": node_id})
    return rows[0]["name"]


def test_private_properties_cannot_be_filtered_on():
    schema = build_schema(sdl())
    for label, name in PRIVATE:
        assert camel(name) not in schema.type_map[f"{label}Where"].fields, (label, name)
        assert camel(name) in schema.type_map[label].fields  # they exist, behind the role check
