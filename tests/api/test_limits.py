"""Request limits: each violation is a 400 (413 for the body) naming the limit and its value."""
from __future__ import annotations

import asyncio

import pytest
from graphql import get_introspection_query

from orggraph.api import create_app
from orggraph.api.limits import Limits
from orggraph.errors import OrggraphError

from apiutil import EXAMPLES, AsgiClient, gql, graph, make_client  # noqa: F401

GQL_RESPONSE = "application/graphql-response+json"


def app_with(graph, tmp_path, **limits):
    return create_app(graph, limits=Limits(**limits), audit=tmp_path / "audit.jsonl")


def refused(client, query: str, variables: dict | None = None, status: int = 400,
            code: str = "LIMIT_EXCEEDED") -> str:
    for accept in ("application/json", GQL_RESPONSE):  # whatever the client accepts
        response = client.post("/graphql", json={"query": query, "variables": variables or {}},
                               headers={"Accept": accept})
        assert response.status_code == status, response.text
        body = response.json()
        assert "data" not in body and body["errors"][0]["extensions"] == {"code": code}, body
    return body["errors"][0]["message"]


NESTED = '{ node(id: "natt") { ... on Unit { partOf { node { ... on Unit { partOf { node { id } } } } } } } }'


@pytest.fixture(params=["asgi", "http"])
def strict(request, graph, tmp_path):
    app = app_with(graph, tmp_path, max_depth=5, max_aliases=2, max_tokens=60, max_complexity=400,
                   max_body_bytes=2000)
    yield from make_client(app, request.param)


def test_depth(strict):
    assert refused(strict, NESTED) == ("the query's depth 6 exceeds the limit max_depth = 5 "
                                       "(set ORGGRAPH_MAX_DEPTH to change it)")
    assert gql(strict, '{ node(id: "natt") { ... on Unit { partOf { node { id } } } } }')


def test_aliases(strict):
    assert refused(strict, "{ a: municipalities { id } b: municipalities { id } c: municipalities { id } }") == (
        "the query's number of aliases 3 exceeds the limit max_aliases = 2 (set ORGGRAPH_MAX_ALIASES to change it)")


def test_tokens(strict):
    query = "{ " + " ".join(["municipalities { id name }"] * 20) + " }"
    assert refused(strict, query) == ("the query has more than 60 tokens: it exceeds the limit max_tokens = 60 "
                                      "(set ORGGRAPH_MAX_TOKENS to change it)")


def test_complexity_multiplies_page_sizes_through_nesting(strict):
    # 100 units × (id + partOf + 5 × (node + id)) = 100 × 12 = 1200 > 400 (plus the connection and nodes)
    query = "query($n: Int) { units(first: $n) { nodes { id partOf { node { id } } } } }"
    message = refused(strict, query, {"n": 100})
    assert message.startswith("the query's estimated complexity ") and \
        message.endswith("exceeds the limit max_complexity = 400 (set ORGGRAPH_MAX_COMPLEXITY to change it)")
    assert gql(strict, query, {"n": 10})["units"]["nodes"]
    # a document that passed once is checked again when its variables size the answer
    assert refused(strict, query, {"n": 100}) == message
    assert refused(strict, "{ units { nodes { id partOf { node { id } } } } }").startswith(
        "the query's estimated complexity 602 ")  # first defaults to 50: 2 + 50 × (2 + 5 × 2)


def test_a_document_that_passed_is_checked_again_under_other_limits(graph, tmp_path):
    query = "{ units { nodes { id partOf { node { id } } } } }"
    lenient = AsgiClient(app_with(graph, tmp_path))
    assert gql(lenient, query)["units"]["nodes"]
    assert gql(lenient, query)["units"]["nodes"]  # remembered as passed
    strict = AsgiClient(app_with(graph, tmp_path, max_complexity=400))
    assert refused(strict, query).startswith("the query's estimated complexity 602 ")


def test_body_size(strict):
    padding = " " * 3000
    response = strict.post("/graphql", json={"query": "{ municipalities { id } }" + padding})
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert "exceeds the limit max_body_bytes = 2000 bytes (set ORGGRAPH_MAX_BODY_BYTES" in error["message"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED"}


def test_query_time(graph, tmp_path):
    """The deadline travels with every statement of the request; the database stops what is still
    running then (tests/test_time_limit.py shows that on a statement that runs for long)."""
    client = AsgiClient(app_with(graph, tmp_path, max_query_seconds=0.000001))
    assert refused(client, "{ units { totalCount } }", code="TIMEOUT").startswith(
        "the query ran longer than the limit max_query_seconds = 1e-06 s (set ORGGRAPH_MAX_QUERY_SECONDS")
    relaxed = AsgiClient(app_with(graph, tmp_path, max_query_seconds=30))
    assert gql(relaxed, "{ units { totalCount } }")["units"]["totalCount"] > 0


def test_introspection_can_be_switched_off(graph, tmp_path, monkeypatch):
    monkeypatch.setenv("ORGGRAPH_INTROSPECTION", "off")
    client = AsgiClient(create_app(graph, audit=tmp_path / "audit.jsonl"))
    assert refused(client, "{ __schema { types { name } } }") == (
        "introspection is switched off on this server (ORGGRAPH_INTROSPECTION=off): "
        "the query asks for __schema or __type")
    assert refused(client, 'query { ...T } fragment T on Query { __type(name: "Unit") { name } }')
    assert gql(client, "{ __typename municipalities { __typename } }")["__typename"] == "Query"
    assert client.get("/graphql/schema.graphql").status_code == 404


def test_defaults_admit_graphiql_and_the_examples(graph, tmp_path):
    client = AsgiClient(app_with(graph, tmp_path))
    assert gql(client, get_introspection_query(descriptions=True, specified_by_url=True,
                                               directive_is_repeatable=True, schema_description=True,
                                               input_value_deprecation=True))["__schema"]
    for example in sorted(EXAMPLES.glob("*.graphql")):
        response = client.post("/graphql", json={"query": example.read_text(encoding="utf-8")})
        assert response.status_code == 200, (example.name, response.text)


def test_limits_from_the_environment(monkeypatch):
    assert Limits.from_env() == Limits()
    monkeypatch.setenv("ORGGRAPH_MAX_DEPTH", "8")
    monkeypatch.setenv("ORGGRAPH_MAX_QUERY_SECONDS", "2.5")
    monkeypatch.setenv("ORGGRAPH_INTROSPECTION", "off")
    limits = Limits.from_env()
    assert (limits.max_depth, limits.max_query_seconds, limits.introspection) == (8, 2.5, False)
    monkeypatch.setenv("ORGGRAPH_MAX_ALIASES", "many")
    with pytest.raises(OrggraphError, match="ORGGRAPH_MAX_ALIASES must be a number"):
        Limits.from_env()
