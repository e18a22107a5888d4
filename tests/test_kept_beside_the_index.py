"""What is kept beside the line index (the API's search, the `search_by_name` search, the lists'
order) follows a refresh of a few ids in place (`update`), and then answers exactly as one made
afresh from the same graph: after names are added, renamed, removed, given other periods or types,
and when many names are added at one place in Norwegian order (no room left between two numbers:
it is made again)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from hypothesis import HealthCheck, example, given, settings, strategies as st

from orggraph.collation import fold
from orggraph.queries import name_search
from orggraph.queries.listing import ListOrder
from orggraph.queries.name_search import FoldedSearch, NameSearch, for_index

DAYS = [dt.date(2004, 6, 1), dt.date(2018, 6, 1), dt.date(2022, 1, 1)]
WORDS = ["avd", "avdeling", "8", "18", "Ødegård", "odegard", "Åsen", "aasen", "berg", "Bergen", "Lærum", "-", "æ"]
TYPES = ["Unit", "Post", "Person"]
TEXTS = ["avd", "avd 8", "8", "odegard", "berg", "å", "e", "aasen 18", "-", "nothing"]
ORDERS = ("name", "name_desc", "id")

names = st.one_of(st.none(), st.lists(st.sampled_from(WORDS), min_size=0, max_size=3).map(" ".join))
entries = st.tuples(st.sampled_from(TYPES), names, st.sampled_from([None, dt.date(2010, 1, 1)]),
                    st.sampled_from([None, dt.date(2019, 1, 1)]))
# the graph, then writes: each sets some ids to a new entry (None: the node is gone)
graphs = st.dictionaries(st.sampled_from([f"n{i:02}" for i in range(30)]), entries, max_size=30)
writes = st.lists(st.dictionaries(st.sampled_from([f"n{i:02}" for i in range(36)]), st.none() | entries,
                                  min_size=1, max_size=6), min_size=1, max_size=4)


def _answers(kept: object, kind: type, days: list[dt.date] = DAYS) -> list:
    """Everything a request can ask of it, on every date (the last first: see below)."""
    out: list = []
    for day in reversed(days):
        if kind is FoldedSearch:
            out += [kept.search(fold(text), types, day, first) for text in TEXTS  # type: ignore[attr-defined]
                    for types in (None, ["Unit"]) for first in (1, 50)]
        elif kind is NameSearch:
            out += [kept.search(text, day, 50) for text in TEXTS + [""]]  # type: ignore[attr-defined]
        else:
            out += [list(kept.ids(label, day, order))  # type: ignore[attr-defined]
                    for label in TYPES for order in ORDERS]
    return out


def _write(every: dict, write: dict) -> set[str]:
    for node_id, entry in write.items():
        if entry is None:
            every.pop(node_id, None)
        else:
            every[node_id] = entry
    return set(write)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(graph={}, changes=[{"n00": ("Unit", "avd", None, None)}])  # into an empty list
@example(graph={"n00": ("Unit", "avd", None, None)}, changes=[{"n00": ("Post", "avd", None, None)}])
@given(graph=graphs, changes=writes)
def test_each_follows_writes_as_if_made_afresh(graph, changes):
    every = dict(graph)
    kept = {kind: kind(every) for kind in (FoldedSearch, NameSearch, ListOrder)}
    for kind, made in kept.items():
        # lists kept from before the writes must not be answered after them (asked first after a
        # write; ListOrder keeps 16, fewer than _answers asks for)
        _answers(made, kind, DAYS[-1:])
    for write in changes:
        ids = _write(every, write)
        for kind, made in kept.items():
            assert made.update(ids)
            assert _answers(made, kind) == _answers(kind(every), kind), (kind.__name__, write)


def test_names_added_at_one_place_run_out_of_numbers_and_the_search_is_made_again(monkeypatch):
    """Each name goes between "b" and the one added before it, so the room there halves every time."""
    every = {"a": ("Unit", "b", None, None), "z": ("Unit", "c", None, None)}
    index = SimpleNamespace(every=every, generation=0)
    writes: list[tuple[int, str]] = []  # (generation after the write, the id it touched), as an engine keeps them
    engine = SimpleNamespace(touched_since=lambda since: {i for after, i in writes if after > since})
    first = for_index(engine, index, FoldedSearch)
    followed = 0
    for n in range(40):
        node_id = f"x{n:02}"
        every[node_id] = ("Unit", "b" + "z" * (40 - n), None, None)
        index.generation += 1
        writes.append((index.generation, node_id))
        search = for_index(engine, index, FoldedSearch)
        if search is not first:
            break
        followed += 1
    assert 10 <= followed < 40 and followed <= name_search.GAP.bit_length()
    assert search.search("b", None, DAYS[0], 100) == FoldedSearch(every).search("b", None, DAYS[0], 100)
    assert for_index(engine, index, FoldedSearch) is search  # kept, for the generation it was made at


def test_a_search_is_made_again_when_the_writes_since_are_not_remembered():
    every = {"a": ("Unit", "Berg", None, None)}
    index = SimpleNamespace(every=every, generation=0)
    engine = SimpleNamespace(touched_since=lambda since: None)  # undeclared, or too long ago
    first = for_index(engine, index, FoldedSearch)
    every["b"] = ("Unit", "Bergen", None, None)
    index.generation = 5
    again = for_index(engine, index, FoldedSearch)
    assert again is not first and again.search("berg", None, DAYS[0], 5) == ["a", "b"]
