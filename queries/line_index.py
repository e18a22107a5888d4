"""The line index: the line of command held in memory, for LadybugDB.

LadybugDB plans anything past a primary-key lookup (a variable-length path, an
OPTIONAL MATCH, an UNWIND of ids) as scans and hash joins over whole tables, so
`chain_of_command` costs ~200 ms and `span_of_control` tens of ms at 200 000
units, however short the answer. The line of command is small next to the graph:
the Unit, Post and Organisation nodes, the PART_OF and REPORTS_TO relationships,
and HEADS and HOLDS for the heads and holders at each level. This module reads
exactly those, with every period, in seven statements, and answers both queries
from memory, applying `as_of` to every node and relationship as the Cypher does.

It is a cache rebuilt on write: an index is tied to the engine's `generation`,
which every write transaction bumps (on begin and on end, committed or not), so
the first query after a write builds a new one. Building reads every row of those
tables (seconds at national scale), so `traversals` builds it only once a process
has asked a second time in one generation; a one-off query (the CLI) runs the
Cypher instead. Only the embedded engine uses it: its database has one process,
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
    build_seconds: float = 0.0

    @property
    def size(self) -> int:
        return len(self.nodes) + sum(map(len, self.up.values())) + sum(map(len, self.down.values())) \
            + sum(map(len, self.heads.values())) + sum(map(len, self.holders.values()))

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


def build(engine: "Engine") -> LineIndex:
    """Read the line of command with every period (seven statements)."""
    started = time.perf_counter()
    read = getattr(engine, "read_tuples", None) or (
        lambda cypher: [tuple(row.values()) for row in engine.read(cypher)])
    index = LineIndex(engine.generation)
    for label, name in (("Unit", "name"), ("Post", "title"), ("Organisation", "name")):
        for node_id, text, valid_from, valid_to in read(
                f"MATCH (n:{label}) RETURN n.id, n.{name}, n.valid_from, n.valid_to"):
            index.nodes[node_id] = (label, text, valid_from, valid_to)
    up, down = index.up, index.down
    for child, parent, valid_from, valid_to in read(
            "MATCH (c)-[r:PART_OF]->(p) RETURN c.id, p.id, r.valid_from, r.valid_to"):
        up.setdefault(child, []).append((parent, valid_from, valid_to))
        down.setdefault(parent, []).append((child, True, valid_from, valid_to))
    for child, parent, kind, valid_from, valid_to in read(
            "MATCH (c)-[r:REPORTS_TO]->(p) RETURN c.id, p.id, r.kind, r.valid_from, r.valid_to"):
        if kind == "line":
            up.setdefault(child, []).append((parent, valid_from, valid_to))
        down.setdefault(parent, []).append((child, kind == "line", valid_from, valid_to))
    for post, headed, valid_from, valid_to in read(
            "MATCH (p:Post)-[r:HEADS]->(x) RETURN p.id, x.id, r.valid_from, r.valid_to"):
        index.heads.setdefault(headed, []).append((post, valid_from, valid_to))
    for who, post, capacity, valid_from, valid_to in read(
            "MATCH (h:Person)-[r:HOLDS]->(p:Post) RETURN h.name, p.id, r.capacity, r.valid_from, r.valid_to"):
        index.holders.setdefault(post, []).append((who, capacity, valid_from, valid_to))
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


def forget(engine: "Engine") -> None:
    _indexes.pop(engine, None)
    _asked.pop(engine, None)
