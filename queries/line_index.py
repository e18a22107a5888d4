"""The line index: the graph's shape held in memory, for LadybugDB.

LadybugDB plans anything past a primary-key lookup (a variable-length path, an
OPTIONAL MATCH, a hop from an UNWIND of ids) as scans and hash joins over whole
tables, so `chain_of_command` costs ~200 ms and one step of `within` ~300 ms at
200 000 units, however short the answer. The shape of the graph is small next to
its properties: every node's type, name and period, and every relationship's type,
ends and period (plus a REPORTS_TO's kind and a HOLDS's capacity). This module reads
exactly those in two statements and answers from memory, applying `as_of` to every
node and relationship as the Cypher does: the line of command (`chain_of_command`,
`span_of_control`) and the one-hop steps the traversals repeat (`direct_reports`,
`neighbours`, `dependents`, `nodes_by_id`).

It is a cache rebuilt on write: an index is tied to the engine's `generation`,
which every write transaction bumps (on begin and on end, committed or not), so
the first query after a write builds a new one. Building reads every node and
relationship (seconds at national scale), so `traversals` builds it only once a
process has asked a second time in one generation; a one-off query (the CLI) runs
the Cypher instead. Only the embedded engine uses it: its database has one process,
so no write can bypass `Engine.write`. A Neo4j server has other clients.
"""
from __future__ import annotations

import datetime as dt
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row

Day = Optional[dt.date]


def _ok(valid_from: Day, valid_to: Day, day: dt.date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to >= day)


@dataclass
class LineIndex:
    generation: int
    #: id → (type, name or title, valid_from, valid_to) for Unit, Post and Organisation
    nodes: dict[str, tuple[str, Optional[str], Day, Day]] = field(default_factory=dict)
    #: child → [(parent, valid_from, valid_to)]: PART_OF and REPORTS_TO kind 'line'
    up: dict[str, list[tuple[str, Day, Day]]] = field(default_factory=dict)
    #: parent → [(child, is_line, valid_from, valid_to)]: PART_OF and every REPORTS_TO
    down: dict[str, list[tuple[str, bool, Day, Day]]] = field(default_factory=dict)
    #: headed id → [(post, valid_from, valid_to)]
    heads: dict[str, list[tuple[str, Day, Day]]] = field(default_factory=dict)
    #: post → [(person name, capacity, valid_from, valid_to)]
    holders: dict[str, list[tuple[Optional[str], Optional[str], Day, Day]]] = field(default_factory=dict)
    #: every node: id → (type, name or title, valid_from, valid_to)
    every: dict[str, tuple[str, Optional[str], Day, Day]] = field(default_factory=dict)
    #: id → [(other end, relationship type, outgoing, kind, valid_from, valid_to)], every relationship
    links: dict[str, list[tuple[str, str, bool, Optional[str], Day, Day]]] = field(default_factory=dict)
    build_seconds: float = 0.0

    @property
    def size(self) -> int:
        return len(self.nodes) + sum(map(len, self.up.values())) + sum(map(len, self.down.values())) \
            + sum(map(len, self.heads.values())) + sum(map(len, self.holders.values())) \
            + len(self.every) + sum(map(len, self.links.values()))

    # --- the questions ---------------------------------------------------------------------

    def _valid(self, node_id: str, day: dt.date) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and _ok(node[2], node[3], day)

    def chain_of_command(self, start: str, day: dt.date, max_depth: int = 30) -> list["Row"]:
        """As chain_of_command.cypher: breadth-first, so each level gets its shortest distance."""
        if not self._valid(start, day):
            return []
        seen: set[str] = set()  # the start is not marked: a cycle may lead back to it, as in Cypher
        frontier, out = [start], []
        for depth in range(1, max_depth + 1):
            level: list[str] = []
            for child in frontier:
                for parent, valid_from, valid_to in self.up.get(child, ()):
                    if parent not in seen and _ok(valid_from, valid_to, day) and self._valid(parent, day):
                        seen.add(parent)
                        level.append(parent)
            if not level:
                break
            for node_id in level:
                out += self._level_rows(depth, node_id, day)
            frontier = level
        return out

    def _level_rows(self, depth: int, node_id: str, day: dt.date) -> list["Row"]:
        """One row per head post × its holder × the node's own holder, as the OPTIONAL MATCHes give."""
        node_type, name = self.nodes[node_id][:2]
        heads = [post for post, f, t in self.heads.get(node_id, ())
                 if _ok(f, t, day) and self._valid(post, day)] or [None]
        own = [(who, capacity) for who, capacity, f, t in self.holders.get(node_id, ())
               if _ok(f, t, day)] or [(None, None)]
        rows = []
        for post in heads:
            held = [(who, capacity) for who, capacity, f, t in self.holders.get(post, ())
                    if _ok(f, t, day)] if post else []
            for holder, capacity in held or [(None, None)]:
                for own_holder, own_capacity in own:
                    rows.append({"depth": depth, "id": node_id, "type": node_type, "name": name,
                                 "head_post": self.nodes[post][1] if post else None,
                                 "holder": holder if holder is not None else own_holder,
                                 "capacity": capacity if capacity is not None else own_capacity})
        return rows

    def span_of_control(self, boss: str, day: dt.date, include_dotted: bool) -> list["Row"]:
        """As span_of_control.cypher: distinct posts and units with a valid line to a valid boss."""
        if not self._valid(boss, day):
            return []
        subs = {child for child, is_line, f, t in self.down.get(boss, ())
                if (is_line or include_dotted) and _ok(f, t, day) and self._valid(child, day)}
        node_type, name = self.nodes[boss][:2]
        return [{"id": boss, "type": node_type, "name": name, "direct_reports": len(subs)}]

    # --- one-hop steps, as the .cypher files of the same names -----------------------------

    def _row(self, key: str, origin: str, relationship: str, other: str, **extra: Any) -> "Row":
        node_type, name = self.every[other][:2]
        return {key: origin, "relationship": relationship, "id": other, "type": node_type, "name": name,
                **extra}

    def neighbours(self, ids: list[str], day: dt.date) -> list["Row"]:
        """neighbours.cypher: one step in either direction over any valid relationship to a valid node."""
        rows = []
        for origin in ids:
            for other, rel, _, _, f, t in self.links.get(origin, ()):
                if _ok(f, t, day) and _ok(*self.every[other][2:], day):
                    rows.append(self._row("via", origin, rel, other))
        return rows

    def dependents(self, ids: list[str], day: dt.date) -> list["Row"]:
        """dependents.cypher: incoming relationships of the dependent kinds, outgoing ESTABLISHES."""
        rows = []
        for cause in ids:
            for other, rel, outgoing, _, f, t in self.links.get(cause, ()):
                wanted = rel == "ESTABLISHES" if outgoing else rel in DEPENDENT_TYPES
                if wanted and _ok(f, t, day) and _ok(*self.every[other][2:], day):
                    rows.append(self._row("via", cause, rel, other))
        return rows

    def direct_reports(self, ids: list[str], day: dt.date, include_dotted: bool) -> list["Row"]:
        """direct_reports.cypher: PART_OF and (line, or any if asked) REPORTS_TO into the given ids."""
        rows = []
        for parent in ids:
            for other, rel, outgoing, kind, f, t in self.links.get(parent, ()):
                if outgoing or rel not in ("PART_OF", "REPORTS_TO"):
                    continue
                if rel == "REPORTS_TO" and not (kind == "line" or include_dotted):
                    continue
                if _ok(f, t, day) and _ok(*self.every[other][2:], day):
                    node_type, name = self.every[other][:2]
                    rows.append({"parent": parent, "id": other, "type": node_type, "name": name,
                                 "kind": "line" if rel == "PART_OF" else kind})
        return rows

    def nodes_by_id(self, ids: list[str]) -> list["Row"]:
        """nodes_by_id.cypher: type and period of each id in the graph."""
        return [{"id": i, "type": self.every[i][0], "valid_from": self.every[i][2], "valid_to": self.every[i][3]}
                for i in dict.fromkeys(ids) if i in self.every]


#: relationship types whose source depends on their target (dependents.cypher's first half)
DEPENDENT_TYPES = frozenset(("DEPENDS_ON", "PART_OF", "BELONGS_TO", "HEADS", "MEMBER_OF", "COVERS",
                             "PARTY_TO", "DELIVERS"))
LINE_TYPES = ("Unit", "Post", "Organisation")


def build(engine: "Engine") -> LineIndex:
    """Read every node and relationship with its period (two statements, LadybugDB's dialect)."""
    started = time.perf_counter()
    read = getattr(engine, "read_tuples", None) or (
        lambda cypher: [tuple(row.values()) for row in engine.read(cypher)])
    index = LineIndex(engine.generation)
    days: dict[Day, Day] = {}  # one date object per distinct date: a million rows share a few thousand
    day = lambda value: days.setdefault(value, value)  # noqa: E731
    every, links = index.every, index.links
    for node_id, label, text, valid_from, valid_to in read(
            "MATCH (n) RETURN n.id, label(n), coalesce(n.name, n.title), n.valid_from, n.valid_to"):
        every[node_id] = (label, text, day(valid_from), day(valid_to))
        if label in LINE_TYPES:
            index.nodes[node_id] = every[node_id]
    up, down = index.up, index.down
    for source, rel, target, kind, capacity, valid_from, valid_to in read(
            "MATCH (a)-[r]->(b) RETURN a.id, label(r), b.id, r.kind, r.capacity, r.valid_from, r.valid_to"):
        valid_from, valid_to = day(valid_from), day(valid_to)
        links.setdefault(source, []).append((target, rel, True, kind, valid_from, valid_to))
        links.setdefault(target, []).append((source, rel, False, kind, valid_from, valid_to))
        if rel == "PART_OF" or rel == "REPORTS_TO":
            line = rel == "PART_OF" or kind == "line"
            if line:
                up.setdefault(source, []).append((target, valid_from, valid_to))
            down.setdefault(target, []).append((source, line, valid_from, valid_to))
        elif rel == "HEADS":  # always from a Post
            index.heads.setdefault(target, []).append((source, valid_from, valid_to))
        elif rel == "HOLDS":  # always from a Person
            index.holders.setdefault(target, []).append((every[source][1], capacity, valid_from, valid_to))
    index.build_seconds = time.perf_counter() - started
    return index


# --- one index per engine, rebuilt after writes ----------------------------------------------

#: build the index at this many questions in one generation (1: at once)
BUILD_AT = 2
_indexes: "weakref.WeakKeyDictionary[Any, LineIndex]" = weakref.WeakKeyDictionary()
_asked: "weakref.WeakKeyDictionary[Any, tuple[int, int]]" = weakref.WeakKeyDictionary()


def current(engine: "Engine", build_now: bool = False) -> LineIndex | None:
    """The engine's index if it is current; built when asked often enough, else None."""
    index = _indexes.get(engine)
    if index is not None and index.generation == engine.generation:
        return index
    generation, asked = _asked.get(engine, (engine.generation, 0))
    asked = asked + 1 if generation == engine.generation else 1
    _asked[engine] = (engine.generation, asked)
    if not build_now and asked < BUILD_AT:
        return None
    index = build(engine)
    if index.generation != engine.generation:  # a write ran while building: do not keep it
        return None
    _indexes[engine] = index
    return index


def is_current(engine: "Engine") -> bool:
    """Whether the engine has an index built for its present generation (nothing is built here)."""
    index = _indexes.get(engine)
    return index is not None and index.generation == engine.generation


def forget(engine: "Engine") -> None:
    _indexes.pop(engine, None)
    _asked.pop(engine, None)
