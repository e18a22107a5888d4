"""api/execution.py: plain scalar fields completed in one step give the same answers and errors
as graphql-core's generic path, on edge cases, on every example query and on generated queries."""
from __future__ import annotations

import asyncio
import datetime as dt
import enum
from typing import List, Optional

import graphql
import pytest
import strawberry
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import queries
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as Generic

from orggraph.api import sdl
from orggraph.api.context import Context, Gate
from orggraph.api.execution import LeafFirstExecutionContext as LeafFirst
from orggraph.api.schema import get_schema

from apiutil import EXAMPLES, graph  # noqa: F401 (fixture)
from test_fuzz_graphql import SCALARS


def run(schema: graphql.GraphQLSchema, query: str, executor: type, gate: Gate | None = None,
        variables: dict | None = None) -> tuple:
    async def go():
        context = Context(gate) if gate else None  # per request: its dataloaders are the loop's
        result = graphql.execute(schema, graphql.parse(query), context_value=context,
                                 variable_values=variables, executor_class=executor)
        return await result if hasattr(result, "__await__") else result
    result = asyncio.run(go())
    # errors of fields resolved concurrently come in the order they finish: compare them as a set
    return result.data, sorted((e.formatted for e in result.errors or ()), key=repr)


def same_both_ways(schema: graphql.GraphQLSchema, query: str, gate: Gate | None = None,
                   variables: dict | None = None) -> tuple:
    generic = run(schema, query, Generic, gate, variables)
    assert run(schema, query, LeafFirst, gate, variables) == generic, query
    return generic


# --- a small schema with every case the fast path must hand back -----------------------------

@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Thing:
    id: strawberry.ID
    name: Optional[str]
    must: str
    count: int
    when: Optional[dt.date]
    colour: Colour
    maybe_colour: Optional[Colour]

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.must.upper() * times if self.must else ""

    @strawberry.field
    def child(self) -> Optional["Thing"]:
        return THINGS[0] if self.id != THINGS[0].id else None


THINGS = [
    Thing(id="a", name="Ålesund", must="x", count=1, when=dt.date(2024, 1, 1), colour=Colour.RED,
          maybe_colour=None),
    Thing(id="b", name=None, must="y", count=2 ** 40, when=None, colour=Colour.BLUE,  # Int overflow
          maybe_colour=Colour.RED),
    Thing(id="c", name="Øst", must=None, count=3, when=None, colour=Colour.RED,  # null in non-null
          maybe_colour=None),
    Thing(id="d", name="Sør", must="z", count="many", when=None, colour="purple",  # bad values
          maybe_colour=None),
]


@strawberry.type
class Query:
    @strawberry.field
    def things(self, first: int = 10) -> List[Thing]:
        return THINGS[:first]

    @strawberry.field
    def good(self) -> List[Thing]:
        return THINGS[:1]

    @strawberry.field
    def gaps(self) -> List[Optional[Thing]]:  # a null item where items may be null
        return [THINGS[0], None, THINGS[0]]

    @strawberry.field
    def pair(self) -> List[Thing]:  # a tuple, not a list
        return (THINGS[0], THINGS[0])  # type: ignore[return-value]

    @strawberry.field
    async def later(self) -> List[Thing]:  # items that are awaitables
        async def one() -> Thing:
            return THINGS[0]
        return [one(), one()]  # type: ignore[list-item]


SMALL = strawberry.Schema(query=Query)._schema
EDGE_CASES = [
    "{ good { id name must count when colour maybeColour } }",
    "{ things { id name must count when colour maybeColour } }",
    "{ things(first: 2) { id count } }",
    "{ good { a: id b: id id __typename name } }",
    "{ good { id ...F } } fragment F on Thing { name when }",
    "{ good { id ... on Thing { colour } } }",
    "{ good { id name @include(if: false) must @skip(if: true) count } }",
    "{ good { id shout } good2: good { shout(times: 2) } }",
    "{ things { id child { id name must } } }",
    "{ things { id maybeColour colour } }",
    "{ things(first: 1) { __typename } }",
    "{ gaps { id name } }",
    "{ gaps { __typename } }",
    "{ pair { id name } }",
    "{ later { id name } }",
    "{ later { __typename } }",
    "{ things @include(if: true) { id } }",
]


@pytest.mark.parametrize("query", EDGE_CASES)
def test_edge_cases_answer_as_graphql_core_does(query):
    same_both_ways(SMALL, query)


def test_errors_still_name_their_path():
    # `things` is a non-null list of non-null items: a null item bubbles up to the root
    for field, index in (("count", 1), ("must", 2), ("colour", 3)):
        data, errors = same_both_ways(SMALL, f"{{ things {{ id {field} }} }}")
        assert data is None and [e["path"] for e in errors] == [["things", index, field]]


def test_plain_fields_take_one_step(monkeypatch):
    """The fast path is taken: only the root field goes through graphql-core's execute_field."""
    calls = []
    original = Generic.execute_field

    def counted(self, parent_type, *args, **kwargs):
        calls.append(parent_type.name)
        return original(self, parent_type, *args, **kwargs)

    monkeypatch.setattr(Generic, "execute_field", counted)
    data, errors = run(SMALL, "{ good { id name count when colour __typename } }", LeafFirst)
    assert not errors and data["good"][0]["name"] == "Ålesund"
    assert calls == ["Query"]
    calls.clear()
    run(SMALL, "{ good { id name count when colour __typename } }", Generic)
    assert calls.count("Thing") == 6  # every field, __typename too


def test_a_list_of_plain_objects_takes_one_step(monkeypatch):
    """Every item of a list completed in one loop: graphql-core completes no item on its own."""
    items = []
    original = Generic.complete_list_item_value

    def counted(self, item, *args, **kwargs):
        items.append(item)
        return original(self, item, *args, **kwargs)

    monkeypatch.setattr(Generic, "complete_list_item_value", counted)
    data, errors = run(SMALL, "{ things(first: 2) { id name } }", LeafFirst)
    assert not errors and [t["id"] for t in data["things"]] == ["a", "b"] and items == []
    run(SMALL, "{ things(first: 2) { id name } }", Generic)
    assert len(items) == 2
    items.clear()
    run(SMALL, "{ gaps { id } }", LeafFirst)  # a null item: graphql-core completes the list
    assert len(items) == 3


def test_plans_are_remembered_across_requests(monkeypatch):
    import orggraph.api.execution as execution
    built = []
    original = execution._leaf_plan
    monkeypatch.setattr(execution, "_leaf_plan", lambda *args: built.append(1) or original(*args))
    query = graphql.parse("{ good { id name } things(first: 2) { id must } }")  # one document, as the cache gives
    for _ in range(3):
        result = graphql.execute(SMALL, query, executor_class=LeafFirst)
        assert not result.errors and result.data["good"] == [{"id": "a", "name": "Ålesund"}]
    assert len(built) == 3  # one per selection (the root's, good's, things'), not per request
    run(SMALL, "{ good { id name } things(first: 2) { id must } }", LeafFirst)  # the same text parsed again
    assert len(built) == 6


def test_requests_are_served_with_it(monkeypatch):
    from orggraph.api import schema as schema_module
    used = []
    original = LeafFirst.execute_fields
    monkeypatch.setattr(LeafFirst, "execute_fields", lambda self, *args: used.append(1) or original(self, *args))
    result = asyncio.run(schema_module.run("{ __typename }"))
    assert result.data == {"__typename": "Query"} and used


# --- the real schema ------------------------------------------------------------------------

EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*.graphql")
                       if not p.read_text(encoding="utf-8").startswith("# dataset: data/seeds"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples_answer_the_same_both_ways(graph, path):
    data, errors = same_both_ways(get_schema()._schema, path.read_text(encoding="utf-8"), Gate(graph))
    assert data and not errors


def test_generated_queries_answer_the_same_both_ways(graph):
    schema, gate, seen = get_schema()._schema, Gate(graph), []

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(query=queries(sdl(), custom_scalars=SCALARS))
    def ask(query: str) -> None:
        seen.append(same_both_ways(schema, query, gate)[0] is not None)

    ask()
    assert any(seen)  # some generated queries reached real answers
