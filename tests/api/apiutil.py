"""Fixtures and helpers for the API tests: the loaded dataset, clients in-process (ASGI) or
over real HTTP, and GraphQL shortcuts.

Test modules import the fixtures they use from here. There is deliberately no
tests/api/conftest.py: without an __init__.py it would be imported as the module
`conftest` and shadow tests/conftest.py for every later `from conftest import ...`.
The `engine` fixture (both engines) comes from tests/conftest.py.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from orggraph.api import create_app
from orggraph.api.server import running
from orggraph.loader.load import load

TESTS = Path(__file__).resolve().parents[1]
VALID = TESTS / "data" / "valid"
EXAMPLES = TESTS.parent / "examples" / "queries"


class AsgiClient:
    """httpx through ASGITransport: the app in this process, one event loop per request."""

    def __init__(self, app):
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://asgi") as client:
                return await client.request(method, url, **kwargs)
        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", url, **kwargs)


def make_client(app, transport: str) -> Iterator[Any]:
    if transport == "asgi":
        yield AsgiClient(app)
        return
    with running(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def gql(client, query: str, variables: dict | None = None, **kwargs: Any) -> dict:
    """POST a query; fail on any error; return data."""
    response = client.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


def unanswered(body: dict) -> bool:
    """No root field answered: data is absent (the request could not run) or every field is null
    (each refused: mutations are nullable, so a refused one does not null its siblings)."""
    data = body.get("data")
    return data is None or all(value is None for value in data.values())


def gql_errors(client, query: str, variables: dict | None = None) -> list[dict]:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    body = response.json()
    assert body.get("errors"), body
    return body["errors"]


@pytest.fixture
def graph(engine):
    """An engine (each kind) holding tests/data/valid."""
    load(engine, [VALID])
    return engine


@pytest.fixture(params=["asgi", "http"])
def client(request, graph):
    """A client for an app on the loaded graph, in-process and through a real uvicorn."""
    yield from make_client(create_app(graph), request.param)


@pytest.fixture
def asgi(graph):
    """The cheaper in-process client, for tests about answers rather than transport."""
    return AsgiClient(create_app(graph))


# --- tokens and an app that checks them -----------------------------------------------------

SECRET = "orggraph-test-secret-at-least-32-bytes-long"


def token(roles=("editor",), sub: str | None = "kari", key: Any = SECRET, alg: str = "HS256",
          **claims: Any) -> str:
    """A signed JWT for the test apps: audience orggraph, valid for six hours (modules make theirs when
    collected, which can be long before they run); a claim given as None is left out."""
    import time

    import jwt
    roles = roles if isinstance(roles, str) else list(roles)
    body = {"aud": "orggraph", "exp": int(time.time()) + 6 * 3600, "roles": roles, "sub": sub, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm=alg)  # None: left out


def bearer(roles=("editor",), **kwargs: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(roles, **kwargs)}"}


def secured_app(engine, tmp_path: Path, **options: Any):
    """An app that accepts HS256 tokens signed with SECRET and audits to tmp_path/audit.jsonl."""
    from orggraph.api.auth import AuthConfig
    options.setdefault("auth", AuthConfig(secret=SECRET))
    options.setdefault("audit", tmp_path / "audit.jsonl")
    return create_app(engine, **options)


@pytest.fixture(params=["asgi", "http"])
def secured(request, graph, tmp_path):
    """A client for a token-checking app on the loaded graph, in-process and over real HTTP."""
    yield from make_client(secured_app(graph, tmp_path), request.param)


@pytest.fixture
def secured_asgi(graph, tmp_path):
    return AsgiClient(secured_app(graph, tmp_path))


# The fewest fields that make a valid node of each type (besides id and source).
MINIMAL = {"Organisation": {"name": "X", "kind": "other"}, "Unit": {"name": "X", "kind": "unit"},
           "Post": {"title": "X"}, "Person": {"name": "X"},
           "MeetingPlace": {"name": "X", "kind": "network"}, "Site": {"name": "X"},
           "Agreement": {"name": "X", "kind": "ko", "status": "proposed"},
           "Service": {"name": "X"}, "System": {"name": "X"}, "Decision": {"title": "X"},
           "ChangeEvent": {"kind": "renaming", "date": "2024-01-01", "name": "X"}}


# --- what every answer must look like, whatever was asked ------------------------------------

def well_formed(response: httpx.Response) -> dict:
    """A GraphQL-over-HTTP answer: no 5xx, a JSON object with data and/or errors, every error
    with a message, none masked as internal and no traceback. Returns the body."""
    assert response.status_code < 500, response.text[:2000]
    assert response.headers["content-type"].split(";")[0] in (
        "application/json", "application/graphql-response+json"), response.headers
    body = response.json()
    assert isinstance(body, dict) and set(body) <= {"data", "errors", "extensions"}, body
    assert "data" in body or body.get("errors"), body
    for error in body.get("errors", []):
        assert isinstance(error.get("message"), str) and error["message"].strip(), error
        assert error.get("extensions", {}).get("code") != "INTERNAL", error
    if response.status_code >= 400:
        assert "data" not in body and body.get("errors"), body
    assert "Traceback" not in response.text and 'File "' not in response.text, response.text[:2000]
    return body


def audit_lines(tmp_path: Path) -> list[dict]:
    """The audit log of an app made by secured_app(…, tmp_path)."""
    import json
    path = tmp_path / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
