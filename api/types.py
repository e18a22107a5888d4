"""GraphQL object types generated from schema/model.py; nothing here names a node or relationship type.

* `Node`: the interface every node type implements (id, period, provenance, displayName).
* One object type per NodeType with its public properties, dates as `Date`, required
  properties non-null. Private properties (personal data, `Prop.private`) are nullable
  fields that answer only authenticated readers (role reader or editor); anyone else
  gets null and an error (code UNAUTHENTICATED or FORBIDDEN) at that field.
* One field per relationship type and direction (`naming.rel_field`) returning a list of
  edges: the relationship's own properties, `node`, the node at the other end (its
  concrete type when the model allows one type there, else `Node`), and `cursor`. It takes
  `where` (on the relationship's properties and, under `node`, on the node at the end).
  Beside it, `<field>Connection` pages the same edges (first/after/orderBy, pageInfo,
  totalCount). Filters run in the database, batched per level like the plain fields.

Node objects carry `as_of`, the date of the root field that produced them; nested
relationship fields filter relationships and nodes to that date.
"""
import datetime as dt
import sys
from typing import Annotated, Any, List, Optional

import strawberry
from strawberry.types import Info

from orggraph.schema.model import (BOOL, DATE, FLOAT, INT, NODES, REL_BY_NAME, RELS, STRING, NodeType, Prop,
                                   RelType)

from . import loaders
from .auth import require_reader
from .charts import chart_url
from .errors import BadInput
from .filters import COMMON, EDGE_WHERE, compile_edge_where, public
from .naming import IN, OUT, camel, edge_type_name, rel_field
from .pagination import DEFAULT_PAGE, MAX_PAGE, OrderBy, PageInfo, encode, order, page_info, window

SCALARS = {STRING: str, INT: int, FLOAT: float, DATE: dt.date, BOOL: bool}


def annotation(prop: Prop) -> Any:
    py = SCALARS[prop.type]
    return py if prop.required else Optional[py]


def _field(prop: Prop) -> Any:
    doc = prop.doc or None
    if prop.choices:
        doc = ((doc + "; ") if doc else "") + "one of: " + ", ".join(prop.choices)
    return strawberry.field(default=None, description=doc, name=camel(prop.name))


@strawberry.interface(description="Anything in the graph: an id unique across types, a period "
                                  "of validity and the source the fact comes from.")
class Node:
    id: strawberry.ID
    valid_from: Optional[dt.date] = strawberry.field(
        default=None, description="first day of validity; empty means since before records")
    valid_to: Optional[dt.date] = strawberry.field(
        default=None, description="last day of validity (inclusive); empty means still valid")
    source: str = strawberry.field(default="", description="document and page/slide the fact comes from")
    dataset: Optional[str] = strawberry.field(
        default=None, description="the file the fact was loaded from, or \"api\" if written through the API")
    as_of: strawberry.Private[Optional[dt.date]] = None
    private_values: strawberry.Private[Optional[dict]] = None  # personal data, behind require_reader

    @strawberry.field(description="The name, or the title for posts and decisions.")
    def display_name(self) -> str:
        return display_name(self)

    @strawberry.field(description="This thing's chart as of the query's date (or, for something not "
                                  "valid then, the nearest day of its period): the org chart of an "
                                  "organisation or unit, the dependency map of an agreement, service or "
                                  "system, the meeting-place map of the organisation or unit a meeting "
                                  "place belongs to; null for other types and for a meeting place that "
                                  "belongs to none. format: svg, png, pdf or dot.")
    async def chart_url(self, info: Info, format: str = "svg") -> Optional[str]:
        if format not in ("svg", "png", "pdf", "dot"):
            raise BadInput(f"format must be svg, png, pdf or dot, not {format!r}")
        return await chart_url(info, type(self).__name__, self, format)


def display_name(obj: Any) -> str:
    return getattr(obj, "name", None) or getattr(obj, "title", None) or obj.id


def _lazy(name: str) -> Any:
    return Annotated[name, strawberry.lazy(__name__)]


def _end_type(labels: tuple[str, ...]) -> Any:
    return _lazy(labels[0]) if len(labels) == 1 else Node


def _make_edge(rel: RelType, direction: str) -> type:
    ends = rel.targets if direction == OUT else rel.sources
    name = edge_type_name(rel, direction)
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for prop in public(rel.all_props):
        ns["__annotations__"][prop.name] = annotation(prop)
        ns[prop.name] = _field(prop)
    ns["__annotations__"]["node"] = _end_type(ends)
    ns["node"] = strawberry.field(default=None, description=f"the {' | '.join(ends)} at the other end")
    ns["__annotations__"]["cursor"] = str
    ns["cursor"] = strawberry.field(default="", description="this edge's place in the list, for `after`")
    word = "towards" if direction == OUT else "coming from"
    doc = f"A {rel.name} relationship {word} {' | '.join(ends)}. {rel.doc}"
    return strawberry.type(type(name, (), ns), name=name, description=doc)


def _make_connection(rel: RelType, direction: str, edge_cls: type) -> type:
    name = edge_type_name(rel, direction)[:-4] + "Connection"
    ns: dict[str, Any] = {"__module__": __name__, "__annotations__": {
        "edges": List[edge_cls], "page_info": PageInfo, "total_count": int}}  # type: ignore[valid-type]
    ns["total_count"] = strawberry.field(description="how many edges match, on all pages")
    return strawberry.type(type(name, (), ns), name=name,
                           description=f"A page of {edge_cls.__name__}s, with where it lies in the whole list.")


# A change event lies between two days: what ended with it never exists on the same day as what
# began with it. So its predecessors are read on the day before its date and its successors on its
# date, whatever day the request asks about (days from its `date`).
EVENT_DAYS = {("HAS_PREDECESSOR", OUT): -1, ("HAS_SUCCESSOR", OUT): 0}


def edge_day(root: Any, rel: RelType, direction: str) -> dt.date:
    """The day the edges of `rel` from `root` are read on (and their nodes answer for)."""
    shift = EVENT_DAYS.get((rel.name, direction))
    if shift is None or getattr(root, "date", None) is None:
        return root.as_of
    return root.date + dt.timedelta(days=shift)


async def _edges(root: Any, info: Info, label: str, rel: RelType, direction: str, edge_cls: type,
                 where: Any, order_by: OrderBy = OrderBy.NAME) -> tuple[list[Any], list[str]]:
    """The edges valid on the root's date (`edge_day`) that match `where`, ordered, each with its
    cursor, and the key each cursor encodes (for paging)."""
    ends = rel.targets if direction == OUT else rel.sources
    condition, params = compile_edge_where(rel.name, ends, where)
    day = edge_day(root, rel, direction)
    rows = await loaders.edges(info.context, label, rel, direction, condition, params).load((root.id, day))
    names = [p.name for p in public(rel.all_props)]
    out = [edge_cls(**{n: row.get(n) for n in names}, node=build_node(row["node"], day)) for row in rows]
    out = order(out, order_by, lambda e: display_name(e.node), lambda e: e.node.id)
    seen: dict[str, int] = {}
    keys = []
    for edge in out:  # a node reached twice (two memberships, say) gets a cursor per edge
        count = seen[edge.node.id] = seen.get(edge.node.id, 0) + 1
        keys.append(edge.node.id if count == 1 else f"{edge.node.id}#{count}")
        edge.cursor = encode(keys[-1])
    return out, keys


def _rel_resolvers(label: str, rel: RelType, direction: str, edge_cls: type) -> tuple[Any, Any]:
    where_cls = EDGE_WHERE[(rel.name, direction)]
    conn_cls = CONNECTIONS[(rel.name, direction)]
    First = Annotated[Optional[int], strawberry.argument(
        description=f"page size: default {DEFAULT_PAGE}, at most {MAX_PAGE}")]

    async def listed(root: Any, info: Info,
                     where: Optional[where_cls] = None) -> List[edge_cls]:  # type: ignore[valid-type]
        return (await _edges(root, info, label, rel, direction, edge_cls, where))[0]

    async def paged(root: Any, info: Info, where: Optional[where_cls] = None,  # type: ignore[valid-type]
                    order_by: OrderBy = OrderBy.NAME, first: First = DEFAULT_PAGE,
                    after: Optional[str] = None) -> conn_cls:  # type: ignore[valid-type]
        edges, keys = await _edges(root, info, label, rel, direction, edge_cls, where, order_by)
        start, stop = window(keys, first, after)
        return conn_cls(edges=edges[start:stop], page_info=page_info(keys, start, stop),
                        total_count=len(edges))

    return listed, paged


def rel_fields(label: str) -> list[tuple[RelType, str]]:
    return ([(r, OUT) for r in RELS if label in r.sources]
            + [(r, IN) for r in RELS if label in r.targets])


def private(props: tuple[Prop, ...]) -> list[Prop]:
    return [p for p in props if p.private]


def _private_field(label: str, prop: Prop) -> Any:
    what = f"{label}.{camel(prop.name)}"

    def resolve(root: Any, info: Info) -> Optional[SCALARS[prop.type]]:  # type: ignore[valid-type]
        require_reader(info.context.principal, what)
        return (root.private_values or {}).get(prop.name)

    doc = ((prop.doc + "; ") if prop.doc else "") + ("personal data: only for authenticated readers "
                                                    "(role reader or editor), else null and an error")
    return strawberry.field(resolver=resolve, name=camel(prop.name), description=doc)


def _read_on(rel: RelType, direction: str) -> str:
    shift = EVENT_DAYS.get((rel.name, direction))
    if shift is None:
        return "valid on the as-of date"
    return ("as they were on the day before its date (whatever the as-of date)" if shift == -1
            else "as they were on its date (whatever the as-of date)")


def _make_node(node: NodeType) -> type:
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    names = [camel(p) for p in COMMON] + ["displayName"]
    for prop in public(node.props):
        ns["__annotations__"][prop.name] = annotation(prop)
        ns[prop.name] = _field(prop)
        names.append(camel(prop.name))
    for prop in private(node.props):
        ns[f"_private_{prop.name}"] = _private_field(node.label, prop)
        names.append(camel(prop.name))
    for rel, direction in rel_fields(node.label):
        edge_cls = EDGES[(rel.name, direction)]
        field = rel_field(rel, direction)
        names += [field, field + "Connection"]
        listed, paged = _rel_resolvers(node.label, rel, direction, edge_cls)
        what = (f"{rel.name} relationships {'from' if direction == OUT else 'into'} this {node.label}, "
                + _read_on(rel, direction))
        ns[f"_rel_{rel.name.lower()}_{direction}"] = strawberry.field(
            resolver=listed, name=field, description=f"{what}, in name order")
        ns[f"_conn_{rel.name.lower()}_{direction}"] = strawberry.field(
            resolver=paged, name=field + "Connection", description=f"{what}, paged")
    clash = {n for n in names if names.count(n) > 1}
    assert not clash, f"{node.label}: GraphQL field names clash: {clash}"
    return strawberry.type(type(node.label, (Node,), ns), name=node.label, description=node.doc)


EDGES: dict[tuple[str, str], type] = {(r.name, d): _make_edge(r, d) for r in RELS for d in (OUT, IN)}
CONNECTIONS: dict[tuple[str, str], type] = {key: _make_connection(REL_BY_NAME[key[0]], key[1], cls)
                                            for key, cls in EDGES.items()}
NODE_TYPES: dict[str, type] = {n.label: _make_node(n) for n in NODES}
module = sys.modules[__name__]
for _cls in [*EDGES.values(), *CONNECTIONS.values(), *NODE_TYPES.values()]:
    assert not hasattr(module, _cls.__name__), f"generated type {_cls.__name__} clashes with a name here"
    setattr(module, _cls.__name__, _cls)  # strawberry.lazy finds them here

_ATTRS = {n.label: list(COMMON) + [p.name for p in public(n.props)] for n in NODES}
_PRIVATE = {n.label: [p.name for p in private(n.props)] for n in NODES}


def build_node(row: dict[str, Any], as_of: dt.date) -> Any:
    """A node object from a node value as the engines return it (a dict with `type`)."""
    label = row["type"]
    secret = {name: row.get(name) for name in _PRIVATE[label]} or None
    return NODE_TYPES[label](**{name: row.get(name) for name in _ATTRS[label]}, as_of=as_of,
                             private_values=secret)
