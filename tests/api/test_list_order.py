"""Lists without a filter come from the line index on LadybugDB (queries/listing.py): the same
pages, cursors, counts and aggregates as from the statement, for every type, order and date."""
from __future__ import annotations

import datetime as dt

import pytest

from orggraph.api import create_app
from orggraph.api.naming import plural
from orggraph.api.pagination import aggregate
from orggraph.collation import sort_key
from orggraph.loader.load import load
from orggraph.queries import line_index, traversals
from orggraph.queries.listing import listed_ids
from orggraph.schema.model import NODES

from apiutil import AsgiClient, gql
from conftest import DATA, ROOT

DAYS = ["2004-06-01", "2018-06-01", "2022-01-01"]
LIST = """query($first: Int, $after: String, $asOf: Date, $order: OrderBy) {
  %s(first: $first, after: $after, asOf: $asOf, orderBy: $order) {
    totalCount nodes { id displayName } pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
    %s } }"""
AGGREGATE = "aggregate { count sumFte fteStated minValidFrom maxValidTo }"


def _pages(client, field: str, day: str, order: str, aggregate: bool, size: int = 3) -> list[dict]:
    """Every page of the list, `size` at a time, following the cursors."""
    pages, after = [], None
    while True:
        page = gql(client, LIST % (field, AGGREGATE if aggregate else ""),
                   {"first": size, "after": after, "asOf": day, "order": order})[field]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"] or len(pages) > 200:
            return pages
        after = page["pageInfo"]["endCursor"]


def test_lists_from_the_index_page_as_the_statement(indexed, monkeypatch):
    engine = indexed  # Neo4j reads the list: tests/api/test_answers.py
    client = AsgiClient(create_app(engine))
    assert listed_ids(engine, "Unit", dt.date(2022, 1, 1), "name")  # the index answers
    listed = 0
    for node_type in NODES:
        field = plural(node_type.label)
        for day in DAYS:
            for order in ("NAME", "NAME_DESC", "ID"):
                answers = []
                for strategy in ("statement", "index"):
                    monkeypatch.setitem(traversals.STRATEGY["list_nodes"], engine.dialect, strategy)
                    answers.append(_pages(client, field, day, order, aggregate=order == "NAME"))
                assert answers[0] == answers[1], (field, day, order)
                listed += answers[0][0]["totalCount"]
    assert listed > 100


def test_a_list_from_the_index_follows_a_write(engine):
    if engine.dialect != "ladybug":
        pytest.skip("the index is LadybugDB's strategy")
    load(engine, [DATA / "valid"])
    line_index.current(engine, build_now=True)
    client = AsgiClient(create_app(engine))
    query = '{ units(asOf: "2022-01-01", first: 500) { totalCount nodes { id displayName } } }'
    before = gql(client, query)["units"]
    some = before["nodes"][-1]["id"]
    engine.write(lambda tx: tx.run("MATCH (n:Unit {id: $id}) SET n.name = 'Aaa først'", {"id": some}))
    line_index.current(engine, build_now=True)
    after = gql(client, query)["units"]
    assert after["totalCount"] == before["totalCount"]
    assert after["nodes"][0] == {"id": some, "displayName": "Aaa først"}


@pytest.mark.parametrize("source", ["valid", "seeds"])
def test_lists_from_the_statement_order_page_and_sum_as_worked_out_in_python(engine, source, monkeypatch):
    # The statement path (Neo4j's always; LadybugDB's with a filter) reads only ids and names for
    # ordering and the aggregate's columns when asked: against every node read whole and
    # filtered, ordered and summed in Python.
    monkeypatch.setitem(traversals.STRATEGY["list_nodes"], engine.dialect, "statement")
    load(engine, [DATA / "valid" if source == "valid" else ROOT / "data" / "seeds"])
    client = AsgiClient(create_app(engine))
    checked = summed = 0
    for node_type in NODES:
        columns = ["id"] + [p.name for p in node_type.all_props if p.name != "id"]
        every = engine.read(f"MATCH (n:{node_type.label}) RETURN {', '.join(f'n.{c} AS {c}' for c in columns)}")
        for day in DAYS:
            date = dt.date.fromisoformat(day)
            rows = [r for r in every if (r["valid_from"] is None or r["valid_from"] <= date)
                    and (r["valid_to"] is None or r["valid_to"] >= date)]
            by_name = sorted(rows, key=lambda r: (sort_key(r.get("name") or r.get("title") or r["id"]), r["id"]))
            pages = _pages(client, plural(node_type.label), day, "NAME", aggregate=True, size=20)
            assert [n["id"] for page in pages for n in page["nodes"]] == [r["id"] for r in by_name]
            figures = aggregate(rows, lambda row, name: row.get(name))
            assert pages[0]["aggregate"] == {
                "count": figures.count, "sumFte": figures.sum_fte, "fteStated": figures.fte_stated,
                "minValidFrom": figures.min_valid_from and figures.min_valid_from.isoformat(),
                "maxValidTo": figures.max_valid_to and figures.max_valid_to.isoformat()}
            assert pages[0]["totalCount"] == len(rows)
            checked += len(rows)
            summed += figures.sum_fte is not None
    assert checked > 40 and summed  # lists with rows, and årsverk summed
