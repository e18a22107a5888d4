"""GraphQL fuzzing: queries and mutations generated from the served schema (hypothesis-graphql),
sent to the app over in-process HTTP, on both engines.

Whatever is asked: never a 5xx, a well-formed GraphQL-over-HTTP answer (data and/or errors, each
error with a message, nothing masked as an internal error, no traceback). A mutation either
commits and leaves exactly one audit line, or answers with errors and leaves the graph and the
audit log as they were. How many examples ran, and how they ended, is printed (run with -s).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from graphql import OperationDefinitionNode, parse, print_ast
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from orggraph.api import sdl

from apiutil import (AsgiClient, audit_lines, bearer, graph, secured_app, unanswered, well_formed)  # noqa: F401
from conftest import snapshot

SDL = sdl()
TEXT = st.text(max_size=30)
# The schema's own scalars: mostly well-formed values, sometimes any text.
DATES = st.dates(dt.date(1800, 1, 1), dt.date(2200, 1, 1)).map(dt.date.isoformat)
TIMES = st.datetimes(timezones=st.just(dt.timezone.utc)).map(dt.datetime.isoformat)
SCALARS = {
    "Date": st.one_of(DATES, DATES, DATES, TEXT).map(nodes.String),
    "DateTime": st.one_of(TIMES, TIMES, TIMES, TEXT).map(nodes.String),
    "JSON": TEXT.map(nodes.String),
}
CALLERS = {"anonymous": {}, "reader": bearer(["reader"]), "editor": bearer(["editor"])}


def post(client: AsgiClient, query: str, headers: dict) -> dict:
    return well_formed(client.post("/graphql", json={"query": query}, headers=headers))


def outcome(body: dict) -> str:
    return "data" if not body.get("errors") else ("partial" if body.get("data") else "errors")


def report(name: str, engine, seen: Counter) -> None:
    print(f"\nfuzz {name} on {engine.dialect}: {sum(seen.values())} examples, "
          + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))


def test_generated_queries_get_well_formed_answers(graph, tmp_path):
    client, seen = AsgiClient(secured_app(graph, tmp_path)), Counter()

    @given(query=queries(SDL, custom_scalars=SCALARS), caller=st.sampled_from(sorted(CALLERS)))
    def ask(query: str, caller: str) -> None:
        seen[outcome(post(client, query, CALLERS[caller]))] += 1

    ask()
    report("queries", graph, seen)
    assert seen["data"] > 0  # the strategy reaches real answers, not only refusals


def test_invalid_documents_are_refused_with_messages(graph, tmp_path):
    client, seen = AsgiClient(secured_app(graph, tmp_path)), Counter()

    @given(query=queries(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE))
    def ask(query: str) -> None:
        body = post(client, query, CALLERS["editor"])
        seen[outcome(body)] += 1

    ask()
    report("invalid queries", graph, seen)
    assert seen["errors"] > 0


def first_field_only(document: str) -> tuple[str, str]:
    """The mutation cut down to its first root field (and its name): a mutation with several
    fields commits them one by one, so 'all or nothing' holds per field."""
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    first = operation.selection_set.selections[0]  # generated values are inline: no variables
    return f"mutation {{ {print_ast(first)} }}", first.name.value


def test_generated_mutations_commit_whole_or_not_at_all(graph, tmp_path):
    client, seen = AsgiClient(secured_app(graph, tmp_path)), Counter()

    @given(document=mutations(SDL, custom_scalars=SCALARS))
    def write(document: str) -> None:
        query, field = first_field_only(document)
        before, logged = snapshot(graph), len(audit_lines(tmp_path))
        body = post(client, query, CALLERS["editor"])
        lines = audit_lines(tmp_path)
        if body.get("errors"):
            assert unanswered(body), body
            assert snapshot(graph) == before, query
            assert len(lines) == logged, query
            seen["refused"] += 1
        else:
            assert len(lines) == logged + 1, query
            assert (lines[-1]["actor"], lines[-1]["mutation"]) == ("kari", field)
            seen["committed"] += 1

    write()
    report("mutations", graph, seen)
    assert seen["refused"] > 0
