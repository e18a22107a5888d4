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

It is a cache tied to the engine's `generation`, which every write transaction bumps (on
begin and on end, committed or not). After a write it is brought up to date in one of two ways:

* refreshed (`refresh`), when every write since the index was current declared what it touched
  (a rolled-back write touched nothing: the graph is as it was) (`Tx.touched`, recorded by `Engine.touched_since`), and those ids are at most
  `REFRESH_MAX`: the touched nodes are read again by primary key, and all relationships incident
  to them by two statements per node anchored on it; their old entries are removed from every
  structure at both ends of each relationship and the new ones added. A write's declared ids must
  cover its changes: each node it writes or deletes, an end of each relationship it adds, changes
  or deletes. The API's mutations declare (api/writes.py); the result equals a fresh build
  (tests/test_line_index.py compares the two after random mutations). This costs milliseconds.
* rebuilt otherwise (a load, an undeclared write, too many ids, a write that ran
  while refreshing): the index is dropped and built again. Building reads every node and
  relationship (~20 s at national scale), so a server builds it in a thread of its own
  (`build_in_background`) and its questions run their statements until it is done; elsewhere
  `traversals` builds it once a process has asked a second question in one generation (a
  question counts once however many reads it takes: `question`), and a one-off query or chart
  (the CLI) runs the Cypher instead.

Only the embedded engine uses it: its database has one process, so no write can bypass
`Engine.write`. A Neo4j server has other clients. A refresh changes the index in place, so no
question may use it on another thread meanwhile (the API's Gate serialises every call on LadybugDB).
"""
from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional

from orggraph.interpreter import collector_paused, switching_every

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
    #: post → [(person name, capacity, valid_from, valid_to, person)]
    holders: dict[str, list[tuple[Optional[str], Optional[str], Day, Day, str]]] = field(default_factory=dict)
    #: every node: id → (type, name or title, valid_from, valid_to)
    every: dict[str, tuple[str, Optional[str], Day, Day]] = field(default_factory=dict)
    #: id → [(other end, relationship type, outgoing, kind, valid_from, valid_to)], every relationship
    links: dict[str, list[tuple[str, str, bool, Optional[str], Day, Day]]] = field(default_factory=dict)
    build_seconds: float = 0.0
    #: how many times it was refreshed after writes (see `refresh`), and how long the last took
    refreshes: int = 0
    refresh_seconds: float = 0.0

    @property
    def size(self) -> int:
        return len(self.nodes) + sum(map(len, self.up.values())) + sum(map(len, self.down.values())) \
            + sum(map(len, self.heads.values())) + sum(map(len, self.holders.values())) \
            + len(self.every) + sum(map(len, self.links.values()))

    # --- building and refreshing -----------------------------------------------------------

    def add_node(self, node_id: str, label: str, text: Optional[str], valid_from: Day, valid_to: Day) -> None:
        self.every[node_id] = (label, text, valid_from, valid_to)
        if label in LINE_TYPES:
            self.nodes[node_id] = self.every[node_id]

    def add_rel(self, source: str, rel: str, target: str, kind: Optional[str], capacity: Optional[str],
                valid_from: Day, valid_to: Day) -> None:
        """One relationship into every structure it belongs in (its ends are already added)."""
        self.links.setdefault(source, []).append((target, rel, True, kind, valid_from, valid_to))
        self.links.setdefault(target, []).append((source, rel, False, kind, valid_from, valid_to))
        if rel == "PART_OF" or rel == "REPORTS_TO":
            line = rel == "PART_OF" or kind == "line"
            if line:
                self.up.setdefault(source, []).append((target, valid_from, valid_to))
            self.down.setdefault(target, []).append((source, line, valid_from, valid_to))
        elif rel == "HEADS":  # always from a Post
            self.heads.setdefault(target, []).append((source, valid_from, valid_to))
        elif rel == "HOLDS":  # always from a Person
            self.holders.setdefault(target, []).append(
                (self.every[source][1], capacity, valid_from, valid_to, source))

    def remove(self, ids: set[str]) -> None:
        """Forget these nodes and every relationship with an end among them, at both ends; a list
        left empty goes, so the structures equal those of an index built without them."""
        neighbours = {entry[0] for node_id in ids for entry in self.links.get(node_id, ())} - ids
        for node_id in ids:
            for structure in (self.every, self.nodes, self.up, self.down, self.heads, self.holders, self.links):
                structure.pop(node_id, None)  # type: ignore[attr-defined]
        # the other end sits first in up, down, heads and links entries, last in holders'
        for structure, other in ((self.up, 0), (self.down, 0), (self.heads, 0), (self.links, 0),
                                 (self.holders, -1)):
            for node_id in neighbours:
                entries = structure.get(node_id)  # type: ignore[attr-defined]
                if entries is None:
                    continue
                kept = [entry for entry in entries if entry[other] not in ids]
                if not kept:
                    del structure[node_id]  # type: ignore[attr-defined]
                elif len(kept) != len(entries):
                    structure[node_id] = kept  # type: ignore[index]

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
        own = [(who, capacity) for who, capacity, f, t, _ in self.holders.get(node_id, ())
               if _ok(f, t, day)] or [(None, None)]
        rows = []
        for post in heads:
            held = [(who, capacity) for who, capacity, f, t, _ in self.holders.get(post, ())
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

    def _existing(self, ids: list[str], day: dt.date) -> list[str]:
        """The ids a step starts from: those of nodes that exist on `day`, as the statements' anchors."""
        return [i for i in ids if i in self.every and _ok(*self.every[i][2:], day)]

    def _row(self, key: str, origin: str, relationship: str, other: str, **extra: Any) -> "Row":
        node_type, name = self.every[other][:2]
        return {key: origin, "relationship": relationship, "id": other, "type": node_type, "name": name,
                **extra}

    def neighbours(self, ids: list[str], day: dt.date) -> list["Row"]:
        """neighbours.cypher: one step in either direction over any valid relationship to a valid node."""
        rows = []
        for origin in self._existing(ids, day):
            for other, rel, _, _, f, t in self.links.get(origin, ()):
                if _ok(f, t, day) and _ok(*self.every[other][2:], day):
                    rows.append(self._row("via", origin, rel, other))
        return rows

    def dependents(self, ids: list[str], day: dt.date) -> list["Row"]:
        """dependents.cypher: incoming relationships of the dependent kinds, outgoing ones of DEPENDENT_OUT."""
        rows = []
        for cause in self._existing(ids, day):
            for other, rel, outgoing, _, f, t in self.links.get(cause, ()):
                wanted = rel in DEPENDENT_OUT if outgoing else rel in DEPENDENT_TYPES
                if wanted and _ok(f, t, day) and _ok(*self.every[other][2:], day):
                    rows.append(self._row("via", cause, rel, other))
        return rows

    def direct_reports(self, ids: list[str], day: dt.date, include_dotted: bool) -> list["Row"]:
        """direct_reports.cypher: PART_OF and (line, or any if asked) REPORTS_TO into the given ids."""
        rows = []
        for parent in self._existing(ids, day):
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
#: relationship types whose target depends on their source (its second half): what an agreement
#: establishes, and the agreements an organisation is party to
DEPENDENT_OUT = frozenset(("ESTABLISHES", "PARTY_TO"))
LINE_TYPES = ("Unit", "Post", "Organisation")


NODE_COLUMNS = "n.id, label(n), coalesce(n.name, n.title), n.valid_from, n.valid_to"
REL_COLUMNS = "a.id, label(r), b.id, r.kind, r.capacity, r.valid_from, r.valid_to"


def _reader(engine: "Engine") -> Callable[..., list[tuple]]:
    return getattr(engine, "read_tuples", None) or (
        lambda cypher, params=None: [tuple(row.values()) for row in engine.read(cypher, params)])


def build(engine: "Engine", by_table: bool = False, read: Callable[..., list[tuple]] | None = None) -> LineIndex:
    """Read every node and relationship with its period (LadybugDB's dialect): in two statements,
    or `by_table`, one per table, as a build behind a server (`build_in_background`) does: writes
    may commit between them (and, read through `read` on a connection of its own, during them),
    and it catches up with them after. The two take the same time at full scale; on a small graph
    29 statements cost more than 2."""
    started = time.perf_counter()
    read = read or _reader(engine)
    with engine.quiet():  # the generation before any read, not one in the middle of a write
        index = LineIndex(engine.generation)
    with collector_paused():  # millions of entries, all kept
        _read_into(index, read, by_table)
    index.build_seconds = time.perf_counter() - started
    return index


def _read_into(index: LineIndex, read: Callable[..., list[tuple]], by_table: bool) -> None:
    from orggraph.schema import NODES, RELS
    days: dict[Day, Day] = {}  # one date object per distinct date: a million rows share a few thousand
    day = lambda value: days.setdefault(value, value)  # noqa: E731
    node_reads = [f"MATCH (n:{node.label}) RETURN {_node_columns(node)}" for node in NODES] if by_table \
        else [f"MATCH (n) RETURN {NODE_COLUMNS}"]
    for cypher in node_reads:
        for node_id, label, text, valid_from, valid_to in read(cypher):
            index.add_node(node_id, label, text, day(valid_from), day(valid_to))
    every = index.every
    rel_reads = [f"MATCH (a)-[r:{rel.name}]->(b) RETURN {_rel_columns(rel)}" for rel in RELS] if by_table \
        else [f"MATCH (a)-[r]->(b) RETURN {REL_COLUMNS}"]
    for cypher in rel_reads:
        for source, name, target, kind, capacity, valid_from, valid_to in read(cypher):
            # an end not read is a node a write added between two tables' reads: only a build
            # behind a server lets writes in between, and it refreshes what they touched after
            if source in every and target in every:
                index.add_rel(source, name, target, kind, capacity, day(valid_from), day(valid_to))


def _node_columns(node: Any) -> str:
    """NODE_COLUMNS for one node table (a table has a name or a title, or neither)."""
    names = [f"n.{p.name}" for p in node.all_props if p.name in ("name", "title")]
    text = (f"coalesce({', '.join(names)})" if len(names) > 1 else names[0]) if names else "CAST(NULL AS STRING)"
    return f"n.id, label(n), {text}, n.valid_from, n.valid_to"


def _rel_columns(rel: Any) -> str:
    """REL_COLUMNS for one relationship table (a table lacking `kind` or `capacity` gives null)."""
    has = {p.name for p in rel.all_props}
    extra = [f"r.{name}" if name in has else "CAST(NULL AS STRING)" for name in ("kind", "capacity")]
    return f"a.id, label(r), b.id, {', '.join(extra)}, r.valid_from, r.valid_to"


def _nodes_by_id_cypher() -> str:
    """Nodes by id, one branch per node table anchored on its primary key (an unlabelled
    `MATCH (n) WHERE n.id IN $ids` scans every table; see queries/ladybug/nodes_by_id.cypher)."""
    from orggraph.schema import NODES
    return " UNION ALL ".join(
        f"UNWIND $ids AS wanted MATCH (n:{node.label} {{id: wanted}}) RETURN {_node_columns(node)}" for node in NODES)


def refresh(index: LineIndex, engine: "Engine", ids: Iterable[str]) -> None:
    """Bring `index` up to date for `ids` in place: every node among them and every relationship
    with an end among them are read again (one statement for the nodes, by primary key per table,
    then two per node found, anchored on it: out and in) and replace what the index held for them,
    in every structure and at both ends of each relationship. An id no longer in the graph goes,
    with its relationships. Anything the writes changed must be a node in `ids` or a relationship
    with an end in `ids` (Tx.touched); then the index equals one built afresh."""
    ids = set(ids)
    if not ids:
        return
    read = _reader(engine)
    wanted = sorted(ids)
    nodes = read(_nodes_by_id_cypher(), {"ids": wanted})
    rels: list[tuple] = []
    for node_id, label, *_ in nodes:
        anchor = f"MATCH (a:{label} {{id: $id}})"  # the label comes from the database's own tables
        rels += read(f"{anchor}-[r]->(b) RETURN {REL_COLUMNS}", {"id": node_id})
        # in: a relationship between two of the ids is read once, as its source's out
        rels += [(source, rel, target, *rest) for target, rel, source, *rest in read(
            f"{anchor}<-[r]-(b) RETURN {REL_COLUMNS}", {"id": node_id}) if source not in ids]
    index.remove(ids)
    for row in nodes:
        index.add_node(*row)
    for row in rels:
        index.add_rel(*row)


# --- one index per engine, refreshed or rebuilt after writes -----------------------------------

#: build the index at this many questions in one generation (1: at once)
BUILD_AT = 2
#: refresh for at most this many touched ids (two statements each, ~1–3 ms); more: rebuild
REFRESH_MAX = 1000
_indexes: "weakref.WeakKeyDictionary[Any, LineIndex]" = weakref.WeakKeyDictionary()
_asked: "weakref.WeakKeyDictionary[Any, tuple[int, int]]" = weakref.WeakKeyDictionary()
#: per thread, while a question runs (`question`): the engines it has counted for
_question = threading.local()
_refreshing = threading.Lock()


@contextmanager
def question(engine: "Engine") -> Iterator[None]:
    """One question, however many reads it takes (a traversal's steps, a chart's levels): it counts
    once toward BUILD_AT. So a one-off question or chart (the CLI) runs its statements rather than
    building an index at its second read that it would use once (~20 s at national scale, against
    2 s for a dependency map's statements). Inside another question, that one counts."""
    if getattr(_question, "counted", None) is not None:
        yield
        return
    _question.counted = set()
    try:
        yield
    finally:
        _question.counted = None


def current(engine: "Engine", build_now: bool = False) -> LineIndex | None:
    """The engine's index if it is current, or refreshed to be; built when asked often enough, else None."""
    index = _indexes.get(engine)
    if index is not None and index.generation == engine.generation:
        return index
    if index is not None:
        index = _carried(engine, index)
        if index is not None:
            return index
    if engine in _behind and not build_now:
        _start_behind(engine)  # the question runs its statement meanwhile
        return None
    generation, asked = _asked.get(engine, (engine.generation, 0))
    asked = asked if generation == engine.generation else 0
    counted = getattr(_question, "counted", None)
    if counted is None or engine not in counted:  # a question counts once, however many reads
        asked += 1
        if counted is not None:
            counted.add(engine)
    _asked[engine] = (engine.generation, asked)
    if not build_now and asked < BUILD_AT:
        return None
    index = build(engine)
    if index.generation != engine.generation:  # a write ran while building: do not keep it
        return None
    _indexes[engine] = index
    return index


# --- built behind a server ----------------------------------------------------------------------

#: the interpreter's thread switch interval while a build runs behind a server (5 ms by default):
#: at national scale a request during the build took 120 ms p50 at 5 ms, 23 ms at 0.5 ms
SWITCH_INTERVAL = 0.0005
_behind: "weakref.WeakSet[Any]" = weakref.WeakSet()
_builders: "weakref.WeakKeyDictionary[Any, threading.Thread]" = weakref.WeakKeyDictionary()
_starting = threading.Lock()
#: when a build behind a server failed: questions start no other for RETRY_AFTER seconds, so a
#: failure that would repeat is logged once a minute, not once per question
_failed: "weakref.WeakKeyDictionary[Any, float]" = weakref.WeakKeyDictionary()
RETRY_AFTER = 60.0
log = logging.getLogger("orggraph.index")


def build_in_background(engine: "Engine") -> threading.Thread | None:
    """From now on, build the engine's index in a thread of its own whenever it is missing (now,
    after a load, after a write that cannot be refreshed), never inside a question: a server's
    questions run their statements until it is done. At national scale a build takes ~20 s,
    longer than a request may. Only LadybugDB has a line index; returns the building thread."""
    if engine.dialect != "ladybug":
        return None
    _behind.add(engine)
    _failed.pop(engine, None)
    return _start_behind(engine)


def _start_behind(engine: "Engine") -> threading.Thread | None:
    with _starting:
        thread = _builders.get(engine)
        if thread is None or not thread.is_alive():
            if time.monotonic() - _failed.get(engine, -RETRY_AFTER) < RETRY_AFTER:
                return None
            thread = threading.Thread(target=_build_behind, args=(engine,), name="orggraph-line-index",
                                      daemon=True)
            _builders[engine] = thread
            thread.start()
        return thread


def _build_behind(engine: "Engine") -> None:
    """Build, with the API's search and list orders kept beside the index, then catch up with the
    writes that ran meanwhile (the build reads table by table, so writes may come in between):
    refreshed if they all declared what they touched, else dropped (the next question starts
    another build)."""
    from .listing import ListOrder
    from .name_search import FoldedSearch, for_index
    started = time.perf_counter()
    try:
        with switching_every(SWITCH_INTERVAL), collector_paused():
            with engine.reading_beside() as read:  # the tables are read beside the questions
                index = build(engine, by_table=True, read=read)
            for kind in (FoldedSearch, ListOrder):  # the API's (NameSearch is `search_by_name`'s, the CLI's)
                for_index(engine, index, kind)  # before anyone can see the index, so nothing races the making
            with _refreshing:
                present = _indexes.get(engine)
                if present is not None and present.generation == engine.generation:
                    return  # one was built in a question meanwhile (build_now)
                _indexes[engine] = index
            kept = _carried(engine, index)
            # Kept for the life of the server: out of the cyclic collector's reach from now on, or
            # each full collection would walk its millions of entries (~1 s at national scale,
            # every thread waiting). They hold no reference cycles, so a dropped index is still
            # freed; freezing while paused also spares one walk of all of them as new objects.
            gc.freeze()
        log.info("line index built behind the server in %.1f s (%d entries)%s", time.perf_counter() - started,
                 index.size, "" if kept is not None else ", then dropped: a write it cannot follow ran meanwhile")
    except Exception:  # noqa: BLE001 - questions run their statements without it
        if not getattr(engine, "closed", False):  # closing the engine under a build ends it
            _failed[engine] = time.monotonic()
            log.exception("building the line index failed; questions run their statements (another "
                          "build in %.0f s at the earliest)", RETRY_AFTER)


def status(engine: "Engine") -> str | None:
    """For a readiness check: "current", "building" (behind a server), "not built"; None when the
    engine has no line index (Neo4j)."""
    if engine.dialect != "ladybug":
        return None
    if is_current(engine):
        return "current"
    thread = _builders.get(engine)
    return "building" if thread is not None and thread.is_alive() else "not built"


def is_current(engine: "Engine") -> bool:
    """Whether the engine has an index built for its present generation (nothing is built here)."""
    index = _indexes.get(engine)
    return index is not None and index.generation == engine.generation


def labels_of(engine: "Engine", ids: list[str]) -> dict[str, list[str]] | None:
    """`ids` grouped by their node type, from the engine's index if it is current (nothing is
    built here), else None. Ids the index does not hold are not in the graph and are left out."""
    index = _indexes.get(engine)
    if index is None or index.generation != engine.generation:
        return None
    grouped: dict[str, list[str]] = {}
    for node_id in ids:
        entry = index.every.get(node_id)
        if entry is not None:
            grouped.setdefault(entry[0], []).append(node_id)
    return grouped


def _carried(engine: "Engine", index: LineIndex) -> LineIndex | None:
    """`index` refreshed to the engine's generation, if every write since it was current committed
    and declared the few ids it touched; else None, and the index is dropped (a rebuild follows)."""
    # No write runs while catching up (a build behind a server does it from its own thread);
    # the engine first, then the index: a question reaching here holds them in that order too.
    with engine.quiet(), _refreshing:
        if _indexes.get(engine) is not index:  # another thread dropped or replaced it meanwhile
            return None
        generation = engine.generation
        if index.generation == generation:  # another thread refreshed it meanwhile
            return index
        touched = engine.touched_since(index.generation)
        if touched is None or len(touched) > REFRESH_MAX:
            _indexes.pop(engine, None)
            return None
        started = time.perf_counter()
        try:
            refresh(index, engine, touched)
        except BaseException:
            _indexes.pop(engine, None)  # half refreshed: never kept
            raise
        if engine.generation != generation:  # a write ran while refreshing: the reads may be mixed
            _indexes.pop(engine, None)
            return None
        index.generation = generation
        index.refreshes += 1
        index.refresh_seconds = time.perf_counter() - started
        return index


def forget(engine: "Engine") -> None:
    _indexes.pop(engine, None)
    _asked.pop(engine, None)
    _behind.discard(engine)
    _failed.pop(engine, None)
