"""Breadth-first traversals built from one-hop named queries.

A variable-length pattern with a period filter on every step cannot be
pruned by either engine (Neo4j enumerates paths, LadybugDB scans the whole
graph), so `subordinates` and `within` step one level per round trip and
keep the visited set here. Round trips equal the depth asked for.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import NamedQuery, Param

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row

AS_OF = Param("as_of", "date", "today", "the date the question is asked about")


def _breadth_first(engine: "Engine", start: str, depth: int, step: str, extra: dict[str, Any],
                   parent_key: str) -> list["Row"]:
    if depth < 0:
        from orggraph.errors import QueryError
        raise QueryError(f"depth must be 0 or more, got {depth}")
    seen, frontier, out = {start}, [start], []
    for level in range(1, depth + 1):
        if not frontier:
            break
        rows = engine.query(step, ids=frontier, **extra)
        frontier = []
        for row in sorted(rows, key=lambda r: (r[parent_key], r["id"])):
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            frontier.append(row["id"])
            out.append({"depth": level, **row})
    return out


def _subordinates(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    return _breadth_first(engine, p["id"], p["depth"], "direct_reports",
                          {"as_of": p["as_of"], "include_dotted": p["include_dotted"]}, "parent")


def _within(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    return _breadth_first(engine, p["id"], p["steps"], "neighbours", {"as_of": p["as_of"]}, "via")


QUERIES = [
    NamedQuery("subordinates",
               "Everything below a post or unit in the line of command, level by level, to a depth.",
               [Param("id", "string", None, "the post or unit at the top"),
                Param("depth", "int", "3", "how many levels down"), AS_OF,
                Param("include_dotted", "bool", "false", "also follow dotted reporting lines")],
               runner=_subordinates),
    NamedQuery("within",
               "Everything within N steps of any node, over every kind of relationship, nearest first.",
               [Param("id", "string", None, "the node to start from"),
                Param("steps", "int", "2", "how many steps out"), AS_OF],
               runner=_within),
]
