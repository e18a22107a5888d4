"""Charts served by the API, linked from the GraphQL types by `chartUrl`."""
from __future__ import annotations

from pathlib import Path

import pytest

from apiutil import AsgiClient

from orggraph.api import create_app
from orggraph.api.naming import plural
from orggraph.loader.load import load
from orggraph.schema.model import NODES

DATA = Path(__file__).resolve().parent.parent / "data" / "valid"
SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"


@pytest.fixture
def client(engine):
    load(engine, [DATA])
    yield AsgiClient(create_app(engine))


def _graphql(client, query: str) -> dict:
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_chart_url_leads_to_an_svg_org_chart(client):
    data = _graphql(client, '{ node(id: "helse", asOf: "2022-01-01") { chartUrl } }')
    url = data["node"]["chartUrl"]
    assert url == "/charts/org/helse.svg?asOf=2022-01-01"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert "<svg" in svg and "Hjemmetjenesten" in svg and "Cecilie Lærum" in svg


def test_other_kinds_and_formats(client):
    png = client.get("/charts/deps/barnevern-avtale.png?asOf=2016-01-01&steps=1")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n" and len(png.content) > 2000
    dot = client.get("/charts/forums/fjordvik.dot?asOf=2022-01-01")
    assert dot.status_code == 200 and "Kommunedirektørens ledergruppe" in dot.text
    diff = client.get("/charts/diff/fjordvik.svg?from=2019-12-31&to=2020-01-01")
    assert diff.status_code == 200 and "<svg" in diff.text
    # a meeting place has no chart of its own: it is on the map of the organisation it belongs to
    forum_url = _graphql(client, '{ node(id: "ledergruppe", asOf: "2022-01-01") { chartUrl(format: "png") } }')
    assert forum_url["node"]["chartUrl"] == "/charts/forums/fjordvik.png?asOf=2022-01-01"
    forums = client.get(forum_url["node"]["chartUrl"])
    assert forums.status_code == 200 and forums.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_errors_are_clear(client):
    assert client.get("/charts/org/nobody.svg").status_code == 404
    assert client.get("/charts/pie/helse.svg").status_code == 404
    bad = client.get("/charts/org/helse.svg?depth=deep")
    assert bad.status_code == 400 and "depth" in bad.json()["error"]
    response = client.post("/graphql", json={"query": '{ node(id: "helse") { chartUrl(format: "gif") } }'})
    (error,) = response.json()["errors"]
    assert error["message"] == "format must be svg, png, pdf or dot, not 'gif'"
    assert error["path"] == ["node", "chartUrl"]
    early = client.get("/charts/org/helse.svg?asOf=2010-01-01")
    assert early.status_code == 400 and "not valid on 2010-01-01" in early.json()["error"]


def test_a_chart_too_big_to_draw_is_refused_before_graphviz_runs(client, monkeypatch):
    """A public server is not made to lay out the whole country: past render.MAX_BOXES (or, for a
    dependency map, deps.MAX_REACHED things read) the answer is 400 saying what to ask instead."""
    from importlib import import_module
    monkeypatch.setattr(import_module("orggraph.viz.render"), "MAX_BOXES", 3)
    big = client.get("/charts/org/fjordvik.svg?asOf=2022-01-01&depth=5")
    assert big.status_code == 400
    assert big.json()["error"].endswith("more than the 3 a chart can show legibly; ask for a smaller depth "
                                        "or max-children")
    monkeypatch.setattr(import_module("orggraph.viz.deps"), "MAX_REACHED", 2)
    far = client.get("/charts/deps/barnevern-avtale.svg?asOf=2016-01-01&steps=30")
    assert far.status_code == 400 and "things lie within" in far.json()["error"] and "fewer steps" in far.json()["error"]


@pytest.fixture
def seeded(engine):
    load(engine, [SEEDS])
    yield AsgiClient(create_app(engine))


# Every node of the seeds, ever: a list `during` all time gives nodes not valid on its asOf too.
EVERY_NODE = "{ " + " ".join(
    f'{plural(n.label)}(first: 500, asOf: "2017-01-01", during: {{start: "1900-01-01", end: "2100-12-31"}}) '
    '{ nodes { __typename id chartUrl(format: "dot") } }' for n in NODES) + " }"


def test_every_chart_url_on_the_seeds_answers(seeded):
    data = _graphql(seeded, EVERY_NODE)
    nodes = [node for field in data.values() for node in field["nodes"]]
    linked = {n["__typename"] for n in nodes if n["chartUrl"]}
    assert linked == {"Organisation", "Unit", "Agreement", "Service", "System", "MeetingPlace"}
    assert all(n["chartUrl"] is None for n in nodes
               if n["__typename"] in ("Person", "Post", "Site", "Decision", "ChangeEvent")), nodes
    urls = sorted({n["chartUrl"] for n in nodes if n["chartUrl"]})
    assert len(urls) > 100
    failed = {}
    for url in urls:
        response = seeded.get(url)
        if response.status_code != 200:
            failed[url] = response.text[:200]
    assert not failed, failed
    # a meeting place links the map of the organisation it belongs to, which shows it
    forum = seeded.get(next(n["chartUrl"] for n in nodes if n["id"] == "salangen-formannskap"))
    assert "salangen-formannskap" in forum.text
