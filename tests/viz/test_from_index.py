"""The org chart's and the meeting-place map's reads from the line index (viz/from_index.py) give
the statements' rows, and the charts drawn either way are the same (LadybugDB: the index is its
strategy; Neo4j runs the statements, which the other chart tests check on both engines)."""
from __future__ import annotations

import datetime as dt

import pytest

from orggraph.queries import line_index, traversals
from orggraph.viz import ChartError, build, deps, from_index, forums, org, posts

DAYS = [dt.date(2004, 6, 1), dt.date(2016, 1, 1), dt.date(2019, 12, 31), dt.date(2020, 1, 1),
        dt.date(2022, 1, 1), dt.date(2025, 6, 1)]


def _canonical(rows):
    return sorted((sorted(r.items(), key=str) for r in rows), key=str)


def _ids(engine, *labels):
    return sorted(r["id"] for label in labels for r in engine.read(f"MATCH (n:{label}) RETURN n.id AS id"))


def test_reads_from_the_index_are_the_statements_rows(indexed):
    engine = indexed
    index = line_index.current(engine)
    ids = _ids(engine, "Organisation", "Unit", "Post", "MeetingPlace", "Person", "Agreement", "Service", "System")
    types = {i: index.every[i][0] for i in ids}

    def kept_steps(chunk, day):  # the step's rows fetch_deps keeps
        return [r for r in engine.read(deps._step_query(engine), {"ids": chunk, "as_of": day})
                if deps.keep(r["rel"], types[r["via"]], r["type"])]

    reads = {
        "down": (lambda chunk, day: from_index.down_rows(index, engine, chunk, day), org._down_query(engine)),
        "heads": (lambda chunk, day: from_index.heads_rows(index, chunk, day), org._heads_query(engine)),
        "members": (lambda chunk, day: from_index.members_rows(index, engine, chunk, day),
                    org._members_query(engine)),
        "joined": (lambda chunk, day: from_index.joined_rows(index, engine, chunk, day, forums.FORUM_KEYS),
                   forums._joined_query(engine)),
        "deps": (lambda chunk, day: from_index.deps_rows(index, engine, chunk, day, deps.STEP_RELS, deps.keep),
                 kept_steps),
        "held": (lambda chunk, day: from_index.held_rows(index, chunk, day), posts._held_query()),
        "orgs": (lambda chunk, day: from_index.post_org_rows(index, chunk, day), posts._orgs_query(engine)),
    }
    found = dict.fromkeys(reads, 0)
    for n, day in enumerate(DAYS):
        for size in (1, 7):
            for at in range(n % 3 * size, len(ids), size * 3):  # a third of the chunks each day
                chunk = ids[at:at + size]
                for name, (from_memory, cypher) in reads.items():
                    expected = cypher(chunk, day) if callable(cypher) else \
                        engine.read(cypher, {"ids": chunk, "as_of": day})
                    assert _canonical(from_memory(chunk, day)) == _canonical(expected), (name, chunk, day)
                    found[name] += len(expected)
    # every read was compared on rows, not only on empty answers (the seeds end no one's holding)
    ended = any(entry[3] is not None for entries in index.holders.values() for entry in entries)
    assert all(count for name, count in found.items() if name != "held" or ended), found


def test_a_dependency_step_keeps_to_the_periods_of_relationships(indexed):
    """Relationships that begin or end between the days, beside live ones of the same type at the
    same node: the index's own period check and the anchored read's must each hold."""
    engine = indexed

    def pair(rel, source, target):  # a first pair of nodes with no such relationship yet
        have = {(r["a"], r["b"]) for r in engine.read(f"MATCH (a)-[:{rel}]->(b) RETURN a.id AS a, b.id AS b")}
        return next((a, b) for a in _ids(engine, source) for b in _ids(engine, target) if (a, b) not in have)
    (party, other), (agreement, service) = pair("PARTY_TO", "Organisation", "Agreement"), \
        pair("COVERS", "Agreement", "Service")
    period = {"valid_from": dt.date(2017, 1, 1), "valid_to": dt.date(2019, 12, 31)}
    engine.write(lambda tx: [
        tx.run("MATCH (o:Organisation), (a:Agreement) WHERE o.id = $o AND a.id = $a CREATE (o)-[:PARTY_TO "
               "{role: 'partial', note: 'før 2020', valid_from: $valid_from, valid_to: $valid_to, "
               "source: 'test'}]->(a)", {"o": party, "a": other, **period}),
        tx.run("MATCH (a:Agreement), (s:Service) WHERE a.id = $a AND s.id = $s CREATE (a)-[:COVERS "
               "{valid_from: $valid_from, valid_to: $valid_to, source: 'test'}]->(s)",
               {"a": agreement, "s": service, **period})])
    index = line_index.current(engine, build_now=True)
    types = {i: index.every[i][0] for i in (party, other, agreement, service)}
    differs = 0
    for day in DAYS:
        expected = [r for r in engine.read(deps._step_query(engine), {"ids": list(types), "as_of": day})
                    if deps.keep(r["rel"], types[r["via"]], r["type"])]
        got = from_index.deps_rows(index, engine, list(types), day, deps.STEP_RELS, deps.keep)
        assert _canonical(got) == _canonical(expected), day
        differs += any({r["via"], r["id"]} in ({party, other}, {agreement, service}) for r in expected)
    assert 0 < differs < len(DAYS)  # the new relationships are live on some days, not all


def _charts(engine):
    """The Graphviz source of every org chart, meeting-place map and dependency map of the
    organisations and service areas (and the dependency maps of the agreements, services and
    systems), on the days each is valid."""
    roots = _ids(engine, "Organisation") + [r["id"] for r in engine.read(
        "MATCH (u:Unit)-[:PART_OF]->(:Organisation) RETURN u.id AS id ORDER BY id")]
    kinds = (("org", {"depth": 3}), ("forums", {}), ("deps", {"steps": 3}))
    out = {}
    for root in roots + _ids(engine, "Agreement", "Service", "System"):
        for n, day in enumerate(DAYS):
            # dependency maps on every other day: the step's rows are compared on each above
            for kind, opts in (kinds[:2] if root in roots else ()) + (kinds[2:] if n % 2 == 0 else ()):
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
    steps = ("UNWIND $ids AS pid", "UNWIND $ids AS uid", "UNWIND $ids AS from_id")
    assert not [s for s in statements if any(step in s for step in steps)]
    monkeypatch.setitem(traversals.STRATEGY["charts"], "ladybug", "statement")
    by_statement = _charts(engine)
    for step in steps[::2]:  # the statements ran this time
        assert [s for s in statements if step in s], step
    drawn = [key for key, source in by_statement.items() if source.startswith("digraph")]
    assert len(drawn) > 20, drawn
    assert len([key for key in drawn if key[0] == "deps" and "->" in by_statement[key]]) > 5, drawn
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
