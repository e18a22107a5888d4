"""What a request costs besides its answer: in-memory answers skip the worker thread, and a
query text is validated once. Each test checks the shortcut is taken and gives the same result."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from orggraph.api import context as context_module
from orggraph.api import limits as limits_module
from orggraph.api import schema as schema_module
from orggraph.api.context import Gate
from orggraph.queries import line_index, traversals

from apiutil import AsgiClient, graph  # noqa: F401  (fixtures)
from orggraph.api import create_app

DAY = dt.date(2024, 6, 1)


def _posts(engine) -> list[str]:
    return sorted(r["id"] for r in engine.read("MATCH (n:Post) RETURN n.id AS id"))


def test_answers_from_the_line_index_run_on_the_event_loop(graph, monkeypatch):
    hops: list[str] = []
    real = Gate.in_thread

    async def counted(self, fn, *args, **kwargs):
        hops.append(args[1] if len(args) > 1 else getattr(fn, "__name__", "?"))
        return await real(self, fn, *args, **kwargs)
    monkeypatch.setattr(Gate, "in_thread", counted)
    gate = Gate(graph)
    posts = _posts(graph)
    expected = {p: graph.query("chain_of_command", id=p, as_of=DAY) for p in posts}
    line_index.forget(graph)
    for p in posts:
        assert asyncio.run(gate.query("chain_of_command", id=p, as_of=DAY)) == expected[p]
    if graph.dialect == "ladybug":
        line_index.current(graph, build_now=True)
        assert traversals.answers_from_memory(graph, "chain_of_command")
        before = len(hops)
        for p in posts:
            assert asyncio.run(gate.query("chain_of_command", id=p, as_of=DAY)) == expected[p]
            assert asyncio.run(gate.query("subordinates", id=p, depth=2, as_of=DAY, include_dotted=False)) \
                == graph.query("subordinates", id=p, depth=2, as_of=DAY, include_dotted=False)
        assert len(hops) == before, "an answer from memory went through a worker thread"
        # Another call holds the engine: the answer waits in a worker thread instead of here.
        gate._lock.acquire()
        try:
            async def while_held():
                task = asyncio.ensure_future(gate.query("chain_of_command", id=posts[0], as_of=DAY))
                await asyncio.sleep(0.05)
                assert not task.done()
                gate._lock.release()
                return await task
            assert asyncio.run(while_held()) == expected[posts[0]]
        finally:
            if gate._lock.locked():
                gate._lock.release()
        assert len(hops) == before + 1
        # After a write the index is stale: the statement runs, in a worker thread.
        graph.write(lambda tx: tx.run("MATCH (n:Post {id: $id}) SET n.title = n.title", {"id": posts[0]}))
        assert not traversals.answers_from_memory(graph, "chain_of_command")
        asyncio.run(gate.query("chain_of_command", id=posts[0], as_of=DAY))
        assert len(hops) == before + 2
    else:  # a Neo4j server has other writers: never from memory
        assert not traversals.answers_from_memory(graph, "chain_of_command")
        assert len(hops) == len(posts)


def test_an_index_that_went_stale_meanwhile_is_caught_up_in_a_thread(graph, monkeypatch):
    """A write may end between the first check and taking the engine: asked again under the lock,
    the answer then goes to a worker thread, never building or refreshing on the event loop."""
    if graph.dialect != "ladybug":
        pytest.skip("only LadybugDB answers from memory")
    verdicts = iter([True, False])  # current when first asked, stale once the engine is held
    monkeypatch.setattr(context_module, "answers_from_memory", lambda engine, name: next(verdicts))
    hops: list[str] = []
    real = Gate.in_thread

    async def counted(self, fn, *args, **kwargs):
        hops.append(args[1])
        return await real(self, fn, *args, **kwargs)
    monkeypatch.setattr(Gate, "in_thread", counted)
    post = _posts(graph)[0]
    gate = Gate(graph)
    assert asyncio.run(gate.query("chain_of_command", id=post, as_of=DAY)) == \
        graph.query("chain_of_command", id=post, as_of=DAY)
    assert hops == ["chain_of_command"] and not gate._lock.locked()


def test_a_query_text_is_validated_once(graph, monkeypatch):
    calls: list[int] = []
    real = schema_module.validate_document

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(schema_module, "validate_document", counted)
    schema_module._VALIDATED.clear()
    client = AsgiClient(create_app(graph))
    good = "query($id: ID!) { chainOfCommand(id: $id) { depth id name } }"
    bad = "{ chainOfCommand(id: 1) { noSuchField } }"
    answers = [client.post("/graphql", json={"query": good, "variables": {"id": p}}).json()
               for p in _posts(graph)[:3]]
    assert all("data" in a and "errors" not in a for a in answers), answers
    first = client.post("/graphql", json={"query": bad}).json()
    second = client.post("/graphql", json={"query": bad}).json()
    assert first == second and "noSuchField" in first["errors"][0]["message"]
    assert len(calls) == 2  # one per distinct text
    # Another text for the same document shape is validated on its own.
    client.post("/graphql", json={"query": good + " ", "variables": {"id": "x"}})
    assert len(calls) == 3


def test_limits_are_walked_again_only_when_variables_size_the_answer(graph, monkeypatch):
    calls: list[str] = []
    real = limits_module._check

    def counted(schema, document, *args, **kwargs):
        calls.append(document.loc.source.body)
        return real(schema, document, *args, **kwargs)
    monkeypatch.setattr(limits_module, "_check", counted)
    limits_module._PASSED.clear()
    client = AsgiClient(create_app(graph))
    fixed = "query($id: ID!) { chainOfCommand(id: $id) { depth id name } } # fixed"
    paged = "query($n: Int) { units(first: $n) { nodes { id } } } # paged"
    for post in _posts(graph)[:3]:
        assert "errors" not in client.post("/graphql", json={"query": fixed, "variables": {"id": post}}).json()
    for n in (1, 2, 3):
        assert len(client.post("/graphql", json={"query": paged, "variables": {"n": n}}).json()
                   ["data"]["units"]["nodes"]) == n
    assert calls.count(fixed) == 1 and calls.count(paged) == 3


def test_the_validation_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(schema_module, "DOCUMENTS_CACHED", 3)
    schema_module._VALIDATED.clear()
    for n in range(6):
        result = asyncio.run(schema_module.run(f"{{ __typename }} # {n}"))
        assert result.errors is None and result.data == {"__typename": "Query"}
    assert len(schema_module._VALIDATED) == 3


@pytest.fixture(autouse=True)
def _fresh_validation_cache():
    yield
    schema_module._VALIDATED.clear()
