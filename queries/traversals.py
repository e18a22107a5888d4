"""Breadth-first traversals built from one-hop named queries.

A variable-length pattern with a period filter on every step cannot be
pruned by either engine (Neo4j enumerates paths, LadybugDB scans the whole
graph), so `subordinates` and `within` step one level per round trip and
keep the visited set here. Round trips equal the depth asked for.

`chain_of_command` and `span_of_control` run by a strategy per engine
(`STRATEGY`, measured by `orggraph bench`, see docs/BENCHMARKS.md):

* "statement": the Cypher file as it is (one round trip). Neo4j expands the few
  upward paths from its unique-index anchor lazily, so this is fastest there.
* "index": the line index (line_index.py), a cache of the line of command with
  every period, refreshed after a small API write and rebuilt after others. LadybugDB
  plans the statement as scans of whole tables (~200 ms at 200 000 units); from the
  index the answer takes microseconds. Until the index is built (see line_index.BUILD_AT) the statement runs.
* "hops" (chain_of_command only): one `chain_step` per level, breadth-first.
  Fine on Neo4j; on LadybugDB each step is itself a scan (an UNWIND of ids
  finds the ids by primary key, but the hop after it is a hash join over the whole
  relationship table), so it is the slowest there. Kept for comparison.

The one-hop steps of the traversals (`direct_reports`, `neighbours`, `dependents`)
run the same way: "statement" on Neo4j, "index" on LadybugDB, where the line index
also holds every relationship (so `subordinates`, `within`, `impact` and
`connection` answer from memory there once it is built).

`search_by_name` runs the same way ("index" on LadybugDB: name_search.py searches the names the
line index holds); on Neo4j its statement (neo4j/search_by_name.cypher) first looks the folded
text up in the index of the folded names every node keeps (schema.model.FOLDED_NAME).

All give the same rows and honour `as_of` on every node and relationship.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from . import NamedQuery, Param

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row

AS_OF = Param("as_of", "date", "today", "the date the question is asked about")


def _breadth_first(engine: "Engine", start: str, depth: int, step: str, extra: dict[str, Any],
                   parent_key: str, expands: Callable[["Row"], bool] = lambda row: True) -> list["Row"]:
    if depth < 0:
        from orggraph.errors import QueryError
        raise QueryError(f"depth must be 0 or more, got {depth}")
    # a step from a node that does not exist on the date reaches nothing (the step statements
    # check their anchors), so neither does a traversal from one: its undated relationships
    # would otherwise lead on (a municipality's units listed years before it began)
    seen, frontier, out = {start}, [start], []
    for level in range(1, depth + 1):
        if not frontier:
            break
        rows = engine.query(step, ids=frontier, **extra)
        frontier = []
        # ties (two relationships between the same pair) by the whole row, so both engines pick the same
        for row in sorted(rows, key=lambda r: (r[parent_key], r["id"], [str(v) for v in r.values()])):
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            out.append({"depth": level, **row})
            if expands(row):
                frontier.append(row["id"])
    return out


def _subordinates(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    return _breadth_first(engine, p["id"], p["depth"], "direct_reports",
                          {"as_of": p["as_of"], "include_dotted": p["include_dotted"]}, "parent")


def _within(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    return _breadth_first(engine, p["id"], p["steps"], "neighbours", {"as_of": p["as_of"]}, "via")


#: how each query runs per dialect: "statement", "index" or "hops" (see the module doc)
STRATEGY: dict[str, dict[str, str]] = {
    "chain_of_command": {"ladybug": "index", "neo4j": "statement"},
    "span_of_control": {"ladybug": "index", "neo4j": "statement"},
    # the one-hop steps of subordinates, within, impact and connection
    "direct_reports": {"ladybug": "index", "neo4j": "statement"},
    "neighbours": {"ladybug": "index", "neo4j": "statement"},
    "dependents": {"ladybug": "index", "neo4j": "statement"},
    "search_by_name": {"ladybug": "index", "neo4j": "statement"},
    # the API's lists of one node type without a filter (queries/listing.py)
    # ("sort_key": Neo4j reads a page in the order of the key it keeps, with any filter: api/root.py)
    "list_nodes": {"ladybug": "index", "neo4j": "sort_key"},
    # the org chart's levels, heads and members, the meeting-place map's forums and the
    # dependency map's steps (viz/from_index.py)
    "charts": {"ladybug": "index", "neo4j": "statement"},
}
CHAIN_MAX_DEPTH = 30  # as the statement's *1..30


def _statement(engine: "Engine", name: str, p: dict[str, Any]) -> list["Row"]:
    from . import get_query
    return engine.read(get_query(name).cypher(engine.dialect), p)


def _strategy(name: str, engine: "Engine") -> str:
    return STRATEGY[name].get(engine.dialect, "statement")


def _index(name: str, engine: "Engine"):
    """The line index if `name` runs from it on this engine and it is (or is now) built, else None."""
    if _strategy(name, engine) != "index":
        return None
    from . import line_index
    return line_index.current(engine)


#: named queries answered wholly from the line index when it is current: the step each one takes
FROM_INDEX = {"chain_of_command": "chain_of_command", "span_of_control": "span_of_control",
              "subordinates": "direct_reports", "within": "neighbours", "impact": "dependents"}


def answers_from_memory(engine: "Engine", name: str) -> bool:
    """Whether `name` would now be answered from a current line index, without a statement.

    Such an answer takes microseconds and never waits on the database, so the API runs it on
    its event loop instead of handing it to a thread (api/context.py)."""
    step = FROM_INDEX.get(name)
    if step is None or _strategy(step, engine) != "index":
        return False
    from . import line_index
    return line_index.is_current(engine)


def _from_index(name: str, answer: Callable[[Any, dict[str, Any]], "list[Row] | None"]) -> Callable:
    """A runner for `name`: `answer(index, params)` where STRATEGY says "index" and the line index is
    built, else (or when `answer` gives None) the query's own statement."""
    def run(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
        index = _index(name, engine)
        rows = answer(index, p) if index is not None else None
        return rows if rows is not None else _statement(engine, name, p)
    return run


_direct_reports = _from_index("direct_reports",
                              lambda index, p: index.direct_reports(p["ids"], p["as_of"], p["include_dotted"]))
_neighbours = _from_index("neighbours", lambda index, p: index.neighbours(p["ids"], p["as_of"]))
_dependents = _from_index("dependents", lambda index, p: index.dependents(p["ids"], p["as_of"]))


def _chain_of_command(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    strategy = _strategy("chain_of_command", engine)
    if strategy == "index":
        index = _index("chain_of_command", engine)
        if index is not None:
            return index.chain_of_command(p["id"], p["as_of"], CHAIN_MAX_DEPTH)
        strategy = "statement"
    if strategy == "statement":
        return _statement(engine, "chain_of_command", p)
    if strategy != "hops":
        raise ValueError(f"unknown chain_of_command strategy {strategy!r}")
    # Breadth-first upward. The start is not marked as seen: the statement's paths may come
    # back to it through a cycle (validation rejects those, but the answers must still agree).
    seen: set[str] = set()
    frontier, out = [p["id"]], []
    for depth in range(1, CHAIN_MAX_DEPTH + 1):
        rows = engine.query("chain_step", ids=frontier, as_of=p["as_of"])
        if not rows:
            break
        first_child: dict[str, str] = {}  # a node reached from two children counts once
        for row in sorted(rows, key=lambda r: (r["child"], r["id"])):
            first_child.setdefault(row["id"], row["child"])
        frontier = []
        for row in rows:
            up = row["id"]
            if up in seen or first_child[up] != row["child"]:
                continue
            out.append({"depth": depth, **{k: v for k, v in row.items() if k != "child"}})
        for up in sorted(first_child):
            if up not in seen:
                seen.add(up)
                frontier.append(up)
        if not frontier:
            break
    return out


_span_of_control = _from_index(
    "span_of_control", lambda index, p: index.span_of_control(p["id"], p["as_of"], p["include_dotted"]))


def _search_by_name(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    if engine.stores_keys:  # Neo4j's statement looks the folded text up first (neo4j/search_by_name.cypher)
        from orggraph.collation import fold
        return _statement(engine, "search_by_name", {**p, "folded": fold(p["text"])})
    from .name_search import NameSearch, for_index
    index = _index("search_by_name", engine)
    search = None if index is None else for_index(engine, index, NameSearch)
    rows = search.search(p["text"], p["as_of"], p["first"]) if search is not None and search.usable else None
    return rows if rows is not None else _statement(engine, "search_by_name", p)


# Parties and members are affected by an ending, but do not end with it: the search stops there.
# An agreement reached from one of its parties (PARTY_TO the other way) goes on: what needs it is
# affected too.
AFFECTED_ONLY = {"PARTY_TO", "MEMBER_OF"}


def _expands(row: "Row") -> bool:
    return row["relationship"] not in AFFECTED_ONLY or row["type"] == "Agreement"


def _impact(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    return _breadth_first(engine, p["id"], p["steps"], "dependents", {"as_of": p["as_of"]}, "via",
                          expands=_expands)


def _connection(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    """The shortest chain of relationships between two nodes, searched from both ends at once."""
    start, goal = p["from_id"], p["to_id"]
    # a step from a node that does not exist on the day reaches nothing (neighbours.cypher), so
    # an end that does not exist then is never met
    if start == goal:
        return []
    # came[side][node] = (the node it was reached from, relationship) in that side's search
    came: list[dict[str, tuple]] = [{start: (None, None)}, {goal: (None, None)}]
    about: dict[str, tuple] = {}  # node → (type, name), from the rows seen
    frontiers = [[start], [goal]]
    for _ in range(p["max_steps"]):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1  # grow the smaller search
        if not frontiers[side]:
            return []
        rows = sorted(engine.query("neighbours", ids=frontiers[side], as_of=p["as_of"]),
                      key=lambda r: (r["via"], r["id"], r["relationship"]))
        frontiers[side] = []
        for row in rows:
            about.setdefault(row["id"], (row["type"], row["name"]))
            if row["id"] not in came[side]:
                came[side][row["id"]] = (row["via"], row["relationship"])
                frontiers[side].append(row["id"])
        met = sorted(set(frontiers[side]) & set(came[1 - side]))
        if met:
            return _path_rows(engine, came, about, met[0], goal)
    return []


def _path_rows(engine: "Engine", came: list[dict[str, tuple]], about: dict[str, tuple], middle: str,
               goal: str) -> list["Row"]:
    links = []  # (before, node, relationship) from the start to the goal
    node = middle
    while came[0][node][0] is not None:
        before, relationship = came[0][node]
        links.insert(0, (before, node, relationship))
        node = before
    node = middle
    while came[1][node][0] is not None:
        after, relationship = came[1][node]
        links.append((node, after, relationship))
        node = after
    if goal not in about:  # reached without stepping from the goal's side: look it up once
        found = engine.query("node", id=goal)
        about[goal] = (found[0]["node"]["type"], found[0]["node"].get("name")
                       or found[0]["node"].get("title")) if found else (None, None)
    return [{"step": step, "via": before, "relationship": relationship, "id": node,
             "type": about[node][0], "name": about[node][1]}
            for step, (before, node, relationship) in enumerate(links, start=1)]


QUERIES = [
    NamedQuery("subordinates",
               "Everything below a post or unit in the line of command, level by level, to a depth.",
               [Param("id", "string", None, "the post or unit at the top"),
                Param("depth", "int", "3", "how many levels down"), AS_OF,
                Param("include_dotted", "bool", "false", "also follow dotted reporting lines")],
               runner=_subordinates),
    # header, parameters and Cypher text come from chain_of_command.cypher and span_of_control.cypher
    NamedQuery("chain_of_command", "", [], runner=_chain_of_command),
    NamedQuery("span_of_control", "", [], runner=_span_of_control),
    NamedQuery("search_by_name", "", [], runner=_search_by_name),
    # the one-hop steps: from the line index where STRATEGY says so, else their .cypher files
    NamedQuery("direct_reports", "", [], runner=_direct_reports),
    NamedQuery("neighbours", "", [], runner=_neighbours),
    NamedQuery("dependents", "", [], runner=_dependents),
    NamedQuery("impact",
               "What is affected if a node ends: what depends on it, what is inside it, its members, "
               "agreements covering it, parties to it, what it establishes and the agreements it is "
               "party to, step by step.",
               [Param("id", "string", None, "the node that ends (or that a party leaves)"),
                Param("steps", "int", "3", "how many steps of consequences"), AS_OF],
               runner=_impact),
    NamedQuery("connection",
               "The shortest chain of relationships between two nodes, over any relationship.",
               [Param("from_id", "string", None, "one end"), Param("to_id", "string", None, "the other end"),
                Param("max_steps", "int", "6", "give up beyond this many steps"), AS_OF],
               runner=_connection),
    NamedQuery("within",
               "Everything within N steps of any node, over every kind of relationship, nearest first.",
               [Param("id", "string", None, "the node to start from"),
                Param("steps", "int", "2", "how many steps out"), AS_OF],
               runner=_within),
]
