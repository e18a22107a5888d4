"""Neo4j stopped while `orggraph serve` runs: clear 503s (no 500, no traceback), then the API
answers again by itself when Neo4j is back, without a restart.

Uses a Neo4j of its own (reliutil.OwnNeo4j), never the suite's shared one in NEO4J_URI.
"""
from __future__ import annotations

import time

import httpx
import pytest

from reliutil import SEEDS, OwnNeo4j, cli_env, editor_token, serving

CHAIN = '{ chainOfCommand(id: "isk-skatt", asOf: "2005-01-01") { id } }'
CREATE = """mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }"""


@pytest.fixture(scope="module")
def neo4j(tmp_path_factory):
    own = OwnNeo4j(tmp_path_factory.mktemp("own-neo4j"))
    own.start(fresh=True)
    try:
        yield own
    finally:
        own.stop()


def post(base, query, variables=None, headers=None):
    return httpx.post(base + "/graphql", json={"query": query, "variables": variables or {}},
                      headers=headers, timeout=60)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers.get("retry-after") == "5"
    text = response.text
    assert "database is unavailable" in text and "Traceback" not in text


def test_stopped_neo4j_gives_503_and_the_api_recovers_by_itself(neo4j, tmp_path):
    env = cli_env("neo4j", tmp_path, neo4j.settings(), ORGGRAPH_JWT_SECRET=SECRET,
                  ORGGRAPH_SERVE_LOG=str(tmp_path / "serve.log"))
    editor = {"Authorization": f"Bearer {editor_token(SECRET)}"}
    with serving(env, "--load", str(SEEDS)) as base:
        before = post(base, CHAIN).json()
        assert before["data"]["chainOfCommand"], before

        started = time.monotonic()
        neo4j.stop()
        print(f"Neo4j stopped in {time.monotonic() - started:.1f}s")
        ready = httpx.get(base + "/readyz", timeout=30)
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable", ready.text
        assert "database is unavailable" in ready.json()["reason"]
        started = time.monotonic()
        assert_unavailable(post(base, CHAIN))
        print(f"query answered 503 after {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        assert_unavailable(post(base, CREATE, {"i": {"id": "outage-unit", "name": "Outage", "kind": "unit",
                                                      "source": "test"}}, editor))
        print(f"mutation answered 503 after {time.monotonic() - started:.1f}s")
        chart = httpx.get(base + "/charts/org/isk.svg", timeout=60)
        assert chart.status_code == 503 and "Traceback" not in chart.text, chart.text
        assert httpx.get(base + "/healthz", timeout=5).status_code == 200  # the process itself is fine

        started = time.monotonic()
        neo4j.start()
        print(f"Neo4j started again in {time.monotonic() - started:.1f}s")
        deadline, started = time.monotonic() + 60, time.monotonic()
        while httpx.get(base + "/readyz", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover within 60 s of Neo4j's return"
            time.sleep(0.5)
        print(f"ready again {time.monotonic() - started:.1f}s after Neo4j answered")
        assert post(base, CHAIN).json() == before  # same answer, same data, no restart
        created = post(base, CREATE, {"i": {"id": "after-outage", "name": "Back", "kind": "unit",
                                            "source": "test"}}, editor).json()
        assert created == {"data": {"createUnit": {"id": "after-outage"}}}, created
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log, log  # expected unavailability is a warning line, not a crash


SECRET = "orggraph-reliability-secret-at-least-32-bytes"
