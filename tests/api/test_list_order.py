"""Lists without a filter come from the line index on LadybugDB (queries/listing.py): the same
pages, cursors, counts and aggregates as from the statement, for every type, order and date."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from orggraph.api import create_app
from orggraph.api.naming import plural
from orggraph.api.pagination import aggregate
from orggraph.api.root import HAPPENS_ON
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
            happened = HAPPENS_ON.get(node_type.label)  # a change is listed from its day on
            rows = [r for r in every if (r["valid_from"] is None or r["valid_from"] <= date)
                    and (r["valid_to"] is None or r["valid_to"] >= date) and (not happened or r[happened] <= date)]
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


LONG = "Ø" * 990  # its stored sort key is cut at collation.STORED_KEY_LIMIT: that list is ordered in Python
ODD_NAMES = ["Kárášjohka", "\U0001F600 smilefjes", "\ue000 privat", "\ufffd erstatning", "Ærø", "Åsen",
             "aasen", "Zebra", "zebra", "", "Østre", "Øst", LONG + "a", LONG + "b", "Ä", "Ü", "y"]
WHERES = [None, {"kind": {"eq": "team"}}, {"name": {"contains": "e"}}, {"id": {"in": ["odd-3", "odd-9", "odd-12"]}}]
FILTERED = """query($first: Int, $after: String, $asOf: Date, $order: OrderBy, $where: UnitWhere, $during: During) {
  units(first: $first, after: $after, asOf: $asOf, orderBy: $order, where: $where, during: $during) {
    totalCount nodes { id displayName } edges { cursor } pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
  } }"""


def _filtered_pages(client, variables: dict, size: int) -> list[dict]:
    pages, after = [], None
    while len(pages) < 100:
        page = gql(client, FILTERED, {**variables, "first": size, "after": after})["units"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return pages


def test_neo4j_pages_in_the_order_of_its_sort_key_as_python_orders(engine, tmp_path, monkeypatch):
    """Neo4j reads a page in the order of the sort key it keeps: the same pages, cursors and counts
    as every match read and ordered in Python, for names Neo4j and Python compare differently
    (characters beyond U+FFFF against U+E000..U+FFFF), names whose keys are cut, filters, a range
    of days, every order; and for a node written without the key by another client."""
    if not engine.stores_keys:
        pytest.skip("Neo4j's sort key; LadybugDB lists from the line index")
    units = [{"id": f"odd-{i}", "name": name or "x", "kind": "team" if i % 3 else "unit", "part_of": "odd",
              **({"valid_to": "2019-12-31"} if i % 5 == 4 else {})} for i, name in enumerate(ODD_NAMES)]
    data = {"dataset": "odd", "source": "test_list_order",
            "organisations": [{"id": "odd", "kind": "municipality", "name": "Oddetal kommune"}], "units": units}
    (tmp_path / "odd.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load(engine, [DATA / "valid", tmp_path / "odd.yaml"])
    engine.write(lambda tx: tx.run("MATCH (n:Unit {id: 'odd-9'}) SET n.name = ''"))  # the loader refuses ''
    client = AsgiClient(create_app(engine))
    compared = 0

    def compare(variables: dict, size: int) -> None:
        nonlocal compared
        answers = []
        for strategy in ("statement", "sort_key"):
            monkeypatch.setitem(traversals.STRATEGY["list_nodes"], engine.dialect, strategy)
            answers.append(_filtered_pages(client, variables, size))
        assert answers[0] == answers[1], variables
        compared += sum(len(page["nodes"]) for page in answers[0])

    for where in WHERES:
        for order in ("NAME", "NAME_DESC", "ID"):
            for day in ("2018-06-01", "2022-01-01"):
                compare({"asOf": day, "order": order, "where": where}, size=4)
            compare({"order": order, "where": where, "during": {"start": "2019-06-01", "end": "2020-06-01"}}, 50)
    assert compared > 300
    engine.write(lambda tx: tx.run("MATCH (n:Unit {id: 'odd-0'}) REMOVE n.sort_key"))
    compare({"asOf": "2018-06-01", "order": "NAME"}, size=5)
    # a cursor whose node has left the list is refused as before
    monkeypatch.setitem(traversals.STRATEGY["list_nodes"], engine.dialect, "sort_key")
    cursor = _filtered_pages(client, {"asOf": "2018-06-01", "order": "NAME"}, 500)[0]["edges"][4]["cursor"]
    response = client.post("/graphql", json={"query": FILTERED, "variables": {
        "asOf": "2022-01-01", "after": cursor, "where": {"id": {"eq": "odd-1"}}}})
    assert "which is not in this list (any more)" in response.json()["errors"][0]["message"]


def test_a_count_that_disagrees_with_the_page_read_sends_the_list_the_slow_way():
    from orggraph.api.keyed_pages import counted_right
    assert counted_right(3, 3, 50, after=False) and counted_right(120, 51, 50, after=False)
    assert not counted_right(0, 1, 50, after=False)  # a list of one counted as none
    assert not counted_right(4, 3, 50, after=False)  # read from its start, whole: exactly
    assert counted_right(9, 3, 50, after=True) and not counted_right(3, 3, 50, after=True)
    assert not counted_right(50, 51, 50, after=False)


def test_a_page_whose_count_disagrees_is_read_the_slow_way(engine, monkeypatch):
    if not engine.stores_keys:
        pytest.skip("Neo4j's sort key; LadybugDB lists from the line index")
    from orggraph.api import keyed_pages
    load(engine, [DATA / "valid"])
    client = AsgiClient(create_app(engine))
    query = '{ decisions(asOf: "2022-01-01") { totalCount nodes { id } } }'
    right = gql(client, query)["decisions"]
    assert right["totalCount"] == len(right["nodes"]) >= 1
    statements = keyed_pages.statements
    monkeypatch.setattr(keyed_pages, "statements", lambda *args: (
        "RETURN 0 AS count, 0 AS unkeyed", *statements(*args)[1:]))  # a count gone wrong
    assert gql(client, query)["decisions"] == right


def test_search_through_cut_sort_keys_ranks_as_ranked_does(engine, tmp_path):
    """Neo4j ranks `search` on the server by the sort key each node keeps; a result whose key was cut
    at its limit (names of ~1 000 æøå) is ranked in Python instead. Either way: `ranked`'s ids."""
    from orggraph.api.questions import SEARCH_CYPHER, ranked, ranked_ids, ranked_search
    from orggraph.collation import fold
    units = [{"id": f"odd-{i}", "name": name, "kind": "unit", "part_of": "odd"}
             for i, name in enumerate(ODD_NAMES) if name]
    data = {"dataset": "odd", "source": "test_list_order",
            "organisations": [{"id": "odd", "kind": "municipality", "name": "Oddetal kommune"}], "units": units}
    (tmp_path / "odd.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load(engine, [tmp_path / "odd.yaml"])
    client = AsgiClient(create_app(engine))
    day = dt.date(2022, 1, 1)
    every = engine.read(SEARCH_CYPHER, {"as_of": day})
    for text in ("ø", "oooo", "ooooa", "zebra", "a", "smilefjes"):
        found = gql(client, '{ search(text: "%s", asOf: "2022-01-01", first: 5) { id } }' % text)["search"]
        assert [n["id"] for n in found] == ranked(every, fold(text), None, 5), text
    if engine.stores_keys:  # the cut keys are seen: that page goes the slow way
        assert ranked_ids(engine.read(*ranked_search("oooo", None, day, 5))) is None
        assert ranked_ids(engine.read(*ranked_search("zebra", None, day, 5))) == ["odd-7", "odd-8"]
