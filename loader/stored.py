"""Relationships already in the graph, as loader items, for the checks that span datasets.

A post held in one dataset and filled again in another, or a reporting line that
closes a cycle through units of another dataset, is only visible with the graph's
own facts beside the files'. The loader (`context`) and the API's writes read them here.
"""
from __future__ import annotations

from typing import Any, Protocol

from orggraph.engine.base import Row
from orggraph.schema import REL_BY_NAME
from orggraph.schema.model import RelType

from .items import Parsed, RelItem
from .problems import STORED

CYCLE_RELS = ("PART_OF", "REPORTS_TO")
MAX_CYCLE_STEPS = 1000


class Reader(Protocol):
    dialect: str

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[Row]: ...


def rel_columns(rel: RelType, var: str = "r") -> str:
    return ", ".join(f"{var}.{p.name} AS {p.name}" for p in rel.all_props)


def rel_item(rel: RelType, row: Row) -> RelItem:
    props = {p.name: row.get(p.name) for p in rel.all_props}
    return RelItem(rel.name, row["from_id"], row["to_id"], props, STORED,
                   f"existing {rel.name} {row['from_id']} → {row['to_id']}")


def stored_rels(reader: Reader, rel: RelType, source: str | None = None, target: str | None = None,
                source_in: list[str] | None = None, target_in: list[str] | None = None) -> list[RelItem]:
    """Relationships of one type, by their ends' ids (any period)."""
    # Neo4j finds a node of any type fast through the Entity label's id index.
    anchor = ":Entity" if reader.dialect == "neo4j" else ""
    where, params = [], {}
    for name, value, test in (("source", source, "a.id = $source"), ("target", target, "b.id = $target"),
                              ("source_in", source_in, "a.id IN $source_in"),
                              ("target_in", target_in, "b.id IN $target_in")):
        if value is not None:
            where.append(test)
            params[name] = value
    a = anchor if source is not None or source_in is not None else ""
    b = anchor if (target is not None or target_in is not None) and not a else ""
    cypher = (f"MATCH (a{a})-[r:{rel.name}]->(b{b}) WHERE {' AND '.join(where) or 'true'} "
              f"RETURN a.id AS from_id, b.id AS to_id, {rel_columns(rel)}")
    return [rel_item(rel, row) for row in reader.read(cypher, params)]


def upward(reader: Reader, starts: list[str]) -> list[RelItem]:
    """PART_OF and REPORTS_TO relationships reachable upward from `starts`, any period."""
    found, seen, frontier = [], set(starts), sorted(set(starts))
    for _ in range(MAX_CYCLE_STEPS):
        if not frontier:
            break
        step = []
        for name in CYCLE_RELS:
            step += stored_rels(reader, REL_BY_NAME[name], source_in=frontier)
        found += step
        frontier = sorted({r.target for r in step} - seen)
        seen.update(frontier)
    return found


#: above this many posts and line starts, one scan per relationship type beats id lists
TARGETED_MAX = 2000


def context(reader: Reader, parsed: Parsed, datasets: list[str]) -> list[RelItem]:
    """What other datasets hold that the checks across items need: the other holders of the
    posts the files fill, and the lines above everything the files link upward. Facts of the
    datasets being loaded are left out: the load replaces them."""
    posts = sorted({r.target for r in parsed.rels if r.type == "HOLDS"})
    tops = sorted({r.target for r in parsed.rels if r.type in CYCLE_RELS})
    if len(posts) + len(tops) <= TARGETED_MAX:
        found = stored_rels(reader, REL_BY_NAME["HOLDS"], target_in=posts) if posts else []
        found += upward(reader, tops) if tops else []
        return [r for r in found if r.props.get("dataset") not in datasets]
    # A big load (a whole country): read the other datasets' holders and lines once each.
    others = {rel: _of_others(reader, REL_BY_NAME[rel], datasets) for rel in ("HOLDS", *CYCLE_RELS)}
    wanted = set(posts)
    found = [r for r in others["HOLDS"] if r.target in wanted]
    above: dict[str, list[RelItem]] = {}
    for rel in others["PART_OF"] + others["REPORTS_TO"]:
        above.setdefault(rel.source, []).append(rel)
    seen, frontier = set(tops), list(tops)
    while frontier:
        step = [r for node in frontier for r in above.get(node, ())]
        found += step
        frontier = sorted({r.target for r in step} - seen)
        seen.update(frontier)
    return found


def _of_others(reader: Reader, rel: RelType, datasets: list[str]) -> list[RelItem]:
    cypher = (f"MATCH (a)-[r:{rel.name}]->(b) WHERE r.dataset IS NULL OR NOT r.dataset IN $datasets "
              f"RETURN a.id AS from_id, b.id AS to_id, {rel_columns(rel)}")
    return [rel_item(rel, row) for row in reader.read(cypher, {"datasets": datasets})]
