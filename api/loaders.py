"""Request-scoped dataloaders: one `UNWIND $ids` statement per relationship field per level.

Keys are `(id, as_of)`; a batch runs one statement per distinct date (in
practice one). Loaders return raw rows; the type layer turns them into objects.
Statements are generated from the schema model; ids and dates are parameters.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from orggraph.engine.base import Row
from orggraph.queries.line_index import labels_of
from orggraph.schema.model import NODES, RelType

from .naming import OUT

if TYPE_CHECKING:
    from orggraph.engine.base import Engine

    from .context import Context

Key = tuple[str, dt.date]


def valid(var: str) -> str:
    """Cypher: `var` is valid on $as_of (open ends are open)."""
    return (f"({var}.valid_from IS NULL OR {var}.valid_from <= $as_of) "
            f"AND ({var}.valid_to IS NULL OR {var}.valid_to >= $as_of)")


def edges_cypher(label: str, rel: RelType, direction: str, condition: str = "true") -> str:
    """`condition` comes from filters.compile_edge_where (model names, values as parameters)."""
    arrow = f"-[r:{rel.name}]->" if direction == OUT else f"<-[r:{rel.name}]-"
    props = ", ".join(f"r.{p.name} AS {p.name}" for p in rel.all_props if not p.private)
    return (f"UNWIND $ids AS from_id MATCH (a:{label} {{id: from_id}}){arrow}(b) "
            f"WHERE {valid('r')} AND {valid('b')} AND {condition} RETURN from_id, {props}, b AS node")


def nodes_by_id(dialect: str, condition: str | None = None, label: str | None = None) -> list[str]:
    """Statements that together return `n AS node` for each id in `$ids` (of `label`, if given,
    that meets `condition`)."""
    where = f" WHERE {condition}" if condition else ""
    if dialect == "ladybug":
        # one statement per table, anchored on its primary key: without a label, `n.id IN $ids`
        # reads every table (30 ms at scale 0.25 against 4 ms for these), and LadybugDB cannot
        # UNION nodes of different tables
        return [f"UNWIND $ids AS wanted MATCH (n:{n.label} {{id: wanted}}){where} RETURN n AS node"
                for n in NODES if label in (None, n.label)]
    # ids are unique across labels (the :Entity constraint): the label needs no check here
    return [f"UNWIND $ids AS wanted MATCH (n:Entity {{id: wanted}}){where} RETURN n AS node"]


def _by_date(keys: list[Key]) -> dict[dt.date, list[str]]:
    grouped: dict[dt.date, dict[str, None]] = defaultdict(dict)
    for node_id, as_of in keys:
        grouped[as_of][node_id] = None
    return {as_of: list(ids) for as_of, ids in grouped.items()}


def edges(ctx: "Context", label: str, rel: RelType, direction: str, condition: str = "true",
          params: dict[str, Any] | None = None) -> DataLoader[Key, list[Row]]:
    """Edges of `rel` leaving (OUT) or entering (IN) nodes of type `label`, where `condition`
    (on `r` and `b`, with `params`) holds. One loader, and so one statement per level, for
    every distinct condition in the request."""
    cypher = edges_cypher(label, rel, direction, condition)
    params = params or {}

    async def batch(keys: list[Key]) -> list[list[Row]]:
        found: dict[Key, list[Row]] = defaultdict(list)
        for as_of, ids in _by_date(keys).items():
            for row in await ctx.gate.read(cypher, {**params, "ids": ids, "as_of": as_of}):
                found[(row.pop("from_id"), as_of)].append(row)
        return [found.get(key, []) for key in keys]

    same = tuple(sorted((name, repr(value)) for name, value in params.items()))
    return ctx.loader(("edges", label, rel.name, direction, condition, same), lambda: DataLoader(batch))


def _nodes_read(engine: "Engine", by_label: dict[str | None, str], ids: list[str], as_of: dt.date) -> list[Row]:
    """The rows of the statements that can hold `ids`: on LadybugDB, whose lookup by id is a
    statement per table (11), only those of the ids' types when the line index knows them."""
    grouped = labels_of(engine, ids) if len(by_label) > 1 else None
    asked = {label: ids for label in by_label} if grouped is None else grouped
    return [row for label, some in asked.items()
            for row in engine.read(by_label[label], {"ids": some, "as_of": as_of})]


def nodes(ctx: "Context") -> DataLoader[Key, Row | None]:
    """Whole nodes by id, if valid on the date."""
    dialect = ctx.gate.engine.dialect
    labels = [n.label for n in NODES] if dialect == "ladybug" else [None]
    by_label = dict(zip(labels, nodes_by_id(dialect, valid("n"))))

    async def batch(keys: list[Key]) -> list[Row | None]:
        found: dict[Key, Row] = {}
        gate = ctx.gate
        for as_of, ids in _by_date(keys).items():
            for row in await gate.in_thread(gate._read, _nodes_read, gate.engine, by_label, ids, as_of):
                found[(row["node"]["id"], as_of)] = row["node"]
        return [found.get(key) for key in keys]

    return ctx.loader("nodes", lambda: DataLoader(batch))
