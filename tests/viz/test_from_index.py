"""The org chart's and the meeting-place map's reads from the line index (viz/from_index.py) give
the statements' rows, and the charts drawn either way are the same (LadybugDB: the index is its
strategy; Neo4j runs the statements, which the other chart tests check on both engines)."""
from __future__ import annotations

import datetime as dt

import pytest

from orggraph.queries import line_index, traversals
from orggraph.viz import ChartError, build, from_index, forums, org

DAYS = [dt.date(2004, 6, 1), dt.date(2016, 1, 1), dt.date(2019, 12, 31), dt.date(2020, 1, 1),
        dt.date(2022, 1, 1), dt.date(2025, 6, 1)]


def _canonical(rows):
    return sorted((sorted(r.items(), key=str) for r in rows), key=str)


def _ids(engine, *labels):
    return sorted(r["id"] for label in labels for r in engine.read(f"MATCH (n:{label}) RETURN n.id AS id"))


def test_reads_from_the_index_are_the_statements_rows(indexed):
    engine = indexed
    index = line_index.current(engine)
    ids = _ids(engine, "Organisation", "Unit", "Post", "MeetingPlace", "Person")
    reads = {
        "down": (lambda chunk, day: from_index.down_rows(index, engine, chunk, day), org._down_query(engine)),
        "heads": (lambda chunk, day: from_index.heads_rows(index, chunk, day), org._heads_query(engine)),
        "members": (lambda chunk, day: from_index.members_rows(index, engine, chunk, day),
                    org._members_query(engine)),
        "joined": (lambda chunk, day: from_index.joined_rows(index, engine, chunk, day, forums.FORUM_KEYS),
                   forums._joined_query(engine)),
    }
    found = dict.fromkeys(reads, 0)
    for day in DAYS:
        for size in (1, 7):
            for at in range(0, len(ids), size * 3):
                chunk = ids[at:at + size]
                for name, (from_memory, cypher) in reads.items():
                    expected = engine.read(cypher, {"ids": chunk, "as_of": day})
                    assert _canonical(from_memory(chunk, day)) == _canonical(expected), (name, chunk, day)
                    found[name] += len(expected)
    assert all(found.values()), found  # every read was compared on rows, not only on empty answers


def _charts(engine):
    """The Graphviz source of every org chart and meeting-place map of the organisations and service
    areas, on the days each is valid."""
    roots = _ids(engine, "Organisation") + [r["id"] for r in engine.read(
        "MATCH (u:Unit)-[:PART_OF]->(:Organisation) RETURN u.id AS id ORDER BY id")]
    out = {}
    for root in roots:
        for day in DAYS:
            for kind, opts in (("org", {"depth": 3}), ("forums", {})):
                try:
                    out[kind, root, day] = build(kind, engine, root, day, **opts).graph().source
                except Exception as exc:  # not valid that day, or not a kind this chart takes
                    out[kind, root, day] = f"{type(exc).__name__}: {exc}"
    return out


def test_charts_from_the_index_are_those_from_the_statements(indexed, monkeypatch):
    engine = indexed
    statements = []
    read = engine.read
    monkeypatch.setattr(engine, "read", lambda cypher, params=None: statements.append(cypher) or read(cypher, params))
    from_memory = _charts(engine)
    assert not [s for s in statements if "UNWIND $ids AS pid" in s or "UNWIND $ids AS uid" in s]
    monkeypatch.setitem(traversals.STRATEGY["charts"], "ladybug", "statement")
    by_statement = _charts(engine)
    assert [s for s in statements if "UNWIND $ids AS pid" in s]  # the statements ran this time
    drawn = [key for key, source in by_statement.items() if source.startswith("digraph")]
    assert len(drawn) > 20, drawn
    for key in by_statement:
        assert from_memory[key] == by_statement[key], key


def test_a_chart_follows_a_write_and_finds_its_root_by_table(indexed, monkeypatch):
    engine = indexed
    day = dt.date(2022, 1, 1)
    trees = []
    for root in _ids(engine, "Organisation"):
        try:
            trees.append(org.fetch_tree(engine, root, day))
        except ChartError:  # not valid that day
            continue
    tree = next(t for t in trees if any(n.type == "Unit" and n.level == 1 for n in t.nodes.values()))
    unit = next(n for n in tree.nodes.values() if n.type == "Unit" and n.level == 1)
    statements = []
    read = engine.read
    monkeypatch.setattr(engine, "read", lambda cypher, params=None: statements.append(cypher) or read(cypher, params))
    engine.write(lambda tx: tx.run("MATCH (u:Unit) WHERE u.id = $id SET u.name = $name",
                                   {"id": unit.id, "name": "Omdøpt æøå"}))
    for _ in range(2):  # the first question after a write runs the statements, the second builds
        after = org.fetch_tree(engine, tree.root.id, day)
        assert after.nodes[unit.id].name == "Omdøpt æøå"
        assert set(after.nodes) == set(tree.nodes)
    assert line_index.is_current(engine)
    statements.clear()
    org.fetch_tree(engine, tree.root.id, day)
    # with the index current, the root is looked up in its own table (not by scanning every
    # table) and no level runs its statement
    assert statements and not [s for s in statements if s.startswith("MATCH (n) WHERE n.id = $id")
                                or "UNWIND $ids AS pid" in s]
