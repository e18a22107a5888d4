"""GraphQL over HTTP: methods, content negotiation, GraphiQL, SDL, health, readiness, error masking.

Runs in-process (ASGI) and through a real uvicorn on a loopback port, on both engines.
"""
from __future__ import annotations

import logging

import pytest

from orggraph.api import create_app, sdl
from orggraph.engine.base import Engine

from apiutil import AsgiClient, asgi, client, gql, graph, make_client  # noqa: F401 (fixtures)

QUERY = '{ municipalities(asOf: "2020-01-01") { id } }'
GQL_RESPONSE = "application/graphql-response+json"


def test_post_answers_json(client):
    response = client.post("/graphql", json={"query": QUERY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"municipalities": [{"id": "fjordvik"}]}}


def test_graphql_response_media_type_when_accepted(client):
    response = client.post("/graphql", json={"query": QUERY}, headers={"Accept": GQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GQL_RESPONSE)
    invalid = client.post("/graphql", json={"query": "{ nosuchfield }"}, headers={"Accept": GQL_RESPONSE})
    assert invalid.status_code == 400 and "nosuchfield" in invalid.json()["errors"][0]["message"]
    assert "data" not in invalid.json()  # a request error: execution never started
    legacy = client.post("/graphql", json={"query": "{ nosuchfield }"}, headers={"Accept": "application/json"})
    assert legacy.status_code == 200 and legacy.json()["errors"]
    # a field error is a partial result, not a request error; the other root fields still answer
    field_error = client.post("/graphql", json={"query": "{ units(first: 501) { totalCount } sites { totalCount } }"},
                              headers={"Accept": GQL_RESPONSE})
    assert field_error.status_code == 200 and field_error.json()["data"]["units"] is None
    assert field_error.json()["data"]["sites"]["totalCount"] >= 0
    assert client.post("/graphql", json={"query": QUERY}, headers={"Accept": "text/csv"}).status_code == 406


def test_get_runs_queries_with_variables(client):
    response = client.get("/graphql", params={
        "query": "query Q($d: Date) { municipalities(asOf: $d) { id } }",
        "variables": '{"d": "2019-06-01"}', "operationName": "Q"})
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["data"]["municipalities"]] == ["nord", "sor"]


def test_head_answers_as_get_would(client):
    """Link checkers and probes send HEAD: it gets the status and type GET would (no 415)."""
    query = {"query": "{ municipalities { id } }"}
    for params, headers, status in ((query, {}, 200), ({}, {"Accept": "text/html"}, 200), ({}, {}, 400)):
        head = client.head("/graphql", params=params, headers=headers)
        get = client.get("/graphql", params=params, headers=headers)
        assert (head.status_code, get.status_code) == (status, status), (params, headers)
        assert head.headers["content-type"] == get.headers["content-type"]


def test_get_never_runs_a_mutation(client):
    response = client.get("/graphql", params={"query": 'mutation { load(path: "x") }'})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    chosen = client.get("/graphql", params={"query": "query A { municipalities { id } } mutation B { x }",
                                            "operationName": "B"})
    assert chosen.status_code == 405
    # over POST it is a GraphQL error: there is no mutation x
    assert client.post("/graphql", json={"query": "mutation { x }"}).json()["errors"]


def test_malformed_requests_are_400(client):
    assert client.post("/graphql", content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post("/graphql", json=["a list"]).status_code == 400
    assert client.post("/graphql", json={"variables": {}}).status_code == 400
    assert client.post("/graphql", json={"query": QUERY, "variables": "[]"}).status_code == 400
    assert client.post("/graphql", json={"query": QUERY, "extensions": [1]}).status_code == 400
    assert client.post("/graphql", content=QUERY, headers={"Content-Type": "text/plain"}).status_code == 415
    syntax = client.post("/graphql", json={"query": "{ municipalities { id "})
    assert syntax.status_code == 200 and "Syntax Error" in syntax.json()["errors"][0]["message"]


def test_an_operation_that_cannot_be_chosen_is_a_request_error(client):
    # These raised out of strawberry's Schema.execute: a 500 with a traceback, not an answer.
    two = "query A { municipalities { id } } query B { municipalities { id } }"
    for body, message in [({"query": QUERY, "operationName": "Nope"}, "Unknown operation named 'Nope'."),
                          ({"query": two}, "Must provide operation name if query contains multiple operations."),
                          ({"query": "subscription { x }"}, "The subscription operation is not supported")]:
        response = client.post("/graphql", json=body, headers={"Accept": GQL_RESPONSE})
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["message"].startswith(message) and "data" not in response.json()
    chosen = client.post("/graphql", json={"query": two, "operationName": "B"})
    assert chosen.status_code == 200 and chosen.json()["data"]["municipalities"]


def test_deep_queries_are_refused(client):
    deep = "{ node(id: \"natt\") { ... on Unit { " + "partOf { node { ... on Unit { " * 9 + "id" + " } } }" * 9 + " } } }"
    response = client.post("/graphql", json={"query": deep})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "the query's depth 20 exceeds the limit max_depth = 16 (set ORGGRAPH_MAX_DEPTH to change it)")


def test_graphiql_for_browsers_and_sdl_download(client):
    page = client.get("/graphql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    schema = client.get("/graphql/schema.graphql")
    assert schema.status_code == 200 and schema.text == sdl()
    assert "type Unit implements Node" in schema.text


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


class BrokenEngine(Engine):
    """Answers nothing: every read fails the way a lost database does."""

    dialect = "neo4j"

    def ensure_schema(self) -> None: ...
    def write(self, work): raise RuntimeError("write refused")
    def close(self) -> None: ...
    def typed(self, expr, type_name): return expr

    def read(self, cypher, params=None):
        raise RuntimeError("connection refused by db-secret-host:7687")


@pytest.mark.parametrize("transport", ["asgi", "http"])
def test_readyz_503_and_masked_internal_errors_when_the_database_fails(transport, caplog):
    for client in make_client(create_app(BrokenEngine()), transport):
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable" and "connection refused" in ready.json()["reason"]
        with caplog.at_level(logging.ERROR, logger="orggraph.api"):
            body = client.post("/graphql", json={"query": "{ units { totalCount } }"}).json()
        assert body["errors"] == [{"message": "internal error", "locations": [{"line": 1, "column": 3}],
                                   "path": ["units"], "extensions": {"code": "INTERNAL"}}]
        assert "db-secret-host" not in str(body)
        logged = [r for r in caplog.records if r.name == "orggraph.api" and r.exc_info]
        assert logged and "db-secret-host" in logged[-1].getMessage()


def test_readyz_503_when_the_engine_is_closed(engine):
    client = AsgiClient(create_app(engine))
    assert client.get("/readyz").status_code == 200
    engine.close()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["reason"]


def test_concurrent_requests_share_the_one_engine(client):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: gql(client, QUERY), range(24)))
    assert all(a == {"municipalities": [{"id": "fjordvik"}]} for a in answers)


def test_an_answer_that_breaks_the_schema_is_internal_not_the_clients(asgi, monkeypatch, caplog):
    """A value its scalar cannot represent (a float no JSON number holds) is the server's bug: masked
    as INTERNAL and logged, not reported to the client as if its query were wrong."""
    from orggraph.api import root
    real = root.build_node

    def broken(row, day):
        node = real(row, day)
        node.fte = float("inf")  # an overflowed sum, say: Float holds no infinity
        return node
    monkeypatch.setattr(root, "build_node", broken)
    with caplog.at_level(logging.ERROR, logger="orggraph.api"):
        body = asgi.post("/graphql", json={"query": '{ a: node(id: "natt") { ... on Unit { fte } } '
                                                    'b: municipalities { id } }'}).json()
    (error,) = body["errors"]
    assert (error["message"], error["path"], error["extensions"]) == ("internal error", ["a", "fte"],
                                                                      {"code": "INTERNAL"})
    assert body["data"]["a"] == {"fte": None} and body["data"]["b"]  # the siblings still answer
    assert any("cannot represent" in r.getMessage() for r in caplog.records if r.name == "orggraph.api")
