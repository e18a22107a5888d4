"""Relationships already in the graph, as loader items, for the checks that span datasets.

A post held in one dataset and filled again in another, or a reporting line that
closes a cycle through units of another dataset, is only visible with the graph's
own facts beside the files'. The loader (`context`) and the API's writes read them here.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Protocol

from orggraph.engine.base import Engine, Row
from orggraph.schema import NODES, REL_BY_NAME, RELS
from orggraph.schema.model import RelType

from .items import NodeItem, Parsed, RelItem
from .problems import STORED
from .validate import UNIQUE_ON_DATE, Held, Lookup

API = "api"  # the dataset of what the API writes (api/writes.py)
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


def held(engine: Engine, parsed: Parsed, datasets: list[str], lookup: Lookup,
         every: dict[str, str | None], files: dict[str, str]) -> Held:
    """What a load of `datasets` must be checked against beyond the files (validate.Held).
    `every` holds each node's dataset if the lookup read the whole graph (load.graph_lookup)."""
    defined = {n.id for n in parsed.nodes}
    # the ids validation asks for anyway (the answers are remembered), so it reads no more
    ends = {r.source for r in parsed.rels} | {r.target for r in parsed.rels}
    in_db = lookup(sorted(ends | defined))
    wanted = set(datasets)
    own = {i: d for i, d in every.items() if d in wanted} if every else listed(engine, datasets)
    # what the API wrote, a file states again as its own (docs/API.md, "API writes and reloads")
    taken = {i: d for i, d in owners(engine, {i: k.label for i, k in in_db.items()
                                              if i in defined and i not in own}).items() if d != API}
    leaving = {i: d for i, d in own.items() if i not in defined}
    again = restated(engine, parsed.rels, datasets)
    others = [n for n in sharing(engine, parsed.nodes) if n.id not in defined and n.id not in leaving]
    return Held(taken, leaving, [r for r in again if r.props.get("dataset") != API],
                links(engine, sorted(leaving), datasets) if leaving else [], files,
                [r for r in again if r.props.get("dataset") == API], others)


def sharing(reader: Reader, nodes: list[NodeItem]) -> list[NodeItem]:
    """Stored nodes holding a value of `nodes` that is unique on any day (validate.UNIQUE_ON_DATE),
    any period; the caller leaves out those the input replaces."""
    found = []
    for label, names in UNIQUE_ON_DATE.items():
        for name in names:
            values = sorted({n.props[name] for n in nodes if n.label == label and n.props.get(name) is not None})
            if not values:
                continue
            rows = reader.read(f"MATCH (n:{label}) WHERE n.{name} IN $values RETURN n.id AS id, "
                               f"n.{name} AS value, n.valid_from AS valid_from, n.valid_to AS valid_to, "
                               "n.dataset AS dataset", {"values": values})
            found += [NodeItem(label, {"id": row["id"], name: row["value"], "valid_from": row["valid_from"],
                                       "valid_to": row["valid_to"], "dataset": row["dataset"]}, STORED)
                      for row in rows]
    return found


def listed(engine: Engine, datasets: list[str]) -> dict[str, str]:
    """The nodes the datasets hold now, id → dataset: what a load of them replaces."""
    found = {}
    for node in NODES:
        found.update(engine.tuples(f"MATCH (n:{node.label}) WHERE n.dataset IN $datasets",
                                   ["n.id", "n.dataset"], {"datasets": datasets}))
    return found


def owners(engine: Engine, labels: dict[str, str]) -> dict[str, str | None]:
    """The dataset of each stored node (id → label), by its table's primary key."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for node_id, label in labels.items():
        by_label[label].append(node_id)
    found = {}
    for label, ids in by_label.items():
        found.update(engine.tuples(f"UNWIND $ids AS i MATCH (n:{label} {{id: i}})", ["n.id", "n.dataset"],
                                   {"ids": sorted(ids)}))
    return found


def restated(reader: Reader, rels: list[RelItem], datasets: list[str]) -> list[RelItem]:
    """Other datasets' relationships with the key (validate._duplicate_rels) of one in `rels`."""
    keys = {r.key for r in rels}
    starts: dict[str, set[str]] = defaultdict(set)
    for rel in rels:
        starts[rel.type].add(rel.source)
    targeted = sum(map(len, starts.values())) <= TARGETED_MAX
    found = []
    for name, ids in starts.items():
        rel = REL_BY_NAME[name]
        stored = stored_rels(reader, rel, source_in=sorted(ids)) if targeted \
            else _of_others(reader, rel, datasets)
        found += [r for r in stored if r.key in keys and r.props.get("dataset") not in datasets]
    return found


def links(reader: Reader, ids: list[str], datasets: list[str]) -> list[RelItem]:
    """Other datasets' relationships with an end among `ids`."""
    found, wanted = [], set(ids)
    for rel in RELS:
        if len(ids) > TARGETED_MAX:  # a dataset's wipe: one scan per type, not long id lists
            stored = [r for r in _of_others(reader, rel, datasets)
                      if r.source in wanted or r.target in wanted]
        else:
            stored = stored_rels(reader, rel, source_in=ids) + [
                r for r in stored_rels(reader, rel, target_in=ids) if r.source not in wanted]
        found += [r for r in stored if r.props.get("dataset") not in datasets]
    return found
