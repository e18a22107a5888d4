"""Graph questions as root fields over the named queries (queries/*.cypher), plus search.

Each answer row keeps the named query's columns and adds `node`, the whole node
it names (loaded in one batch for all rows, only when asked for).
"""
import datetime as dt
from typing import Any, List, Optional

import strawberry
from strawberry.types import Info

from . import loaders
from .collation import fold, sort_key
from .errors import BadInput
from .types import NODE_TYPES, Node, build_node

MAX_DEPTH = 30


async def _node(root: Any, info: Info) -> Optional[Node]:
    found = await loaders.nodes(info.context).load((root.id, root.as_of))
    return build_node(found, root.as_of) if found else None


@strawberry.type(description="One level above the start in the line of command.")
class ChainLink:
    depth: int
    id: strawberry.ID
    type: str
    name: Optional[str]
    head_post: Optional[str] = strawberry.field(description="title of the post heading this level")
    holder: Optional[str] = strawberry.field(description="who holds that post (for a post: the post)")
    capacity: Optional[str]
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="A post or unit below the start, at a depth.")
class Subordinate:
    depth: int
    id: strawberry.ID
    type: str
    name: Optional[str]
    parent: str = strawberry.field(description="the id one level up")
    kind: Optional[str] = strawberry.field(description="line or dotted")
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="A node within some steps of the start.")
class Nearby:
    depth: int
    id: strawberry.ID
    type: str
    name: Optional[str]
    via: str = strawberry.field(description="the id it was reached from")
    relationship: str
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="How many posts and units report directly to a post, unit or organisation.")
class Span:
    id: strawberry.ID
    type: str
    name: Optional[str]
    direct_reports: int
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="Something affected when the start ends, and how the effect reached it.")
class Affected:
    depth: int
    id: strawberry.ID
    type: str
    name: Optional[str]
    via: str = strawberry.field(description="the id whose ending affects this one")
    relationship: str = strawberry.field(description="the relationship the effect travelled along")
    effect: Optional[str] = strawberry.field(
        default=None, description="how it is affected, in words (answers of `withdrawal`)")
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="One link of the shortest chain between two nodes.")
class Link:
    step: int
    id: strawberry.ID
    type: Optional[str]
    name: Optional[str]
    via: str = strawberry.field(description="the id of the previous node in the chain")
    relationship: str
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="A member of a meeting place or joint body.")
class Member:
    id: strawberry.ID
    type: str
    name: Optional[str]
    role: Optional[str]
    seats: Optional[int]
    holder: Optional[str] = strawberry.field(description="for a post: who holds it")
    capacity: Optional[str]
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="An agreement an organisation is party to, from its point of view.")
class AgreementShare:
    id: strawberry.ID
    name: str
    kind: str
    status: str
    role: Optional[str] = strawberry.field(description="this organisation's role")
    hosts: List[str]
    parties: List[str] = strawberry.field(description="'name (role)' for every party")
    services: List[str]
    fte: Optional[float]
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


@strawberry.type(description="A municipality with its kommunenummer on the date.")
class Municipality:
    id: strawberry.ID
    name: str
    kommunenummer: Optional[str]
    county: Optional[str]
    valid_from: Optional[dt.date]
    valid_to: Optional[dt.date]
    as_of: strawberry.Private[dt.date]
    node: Optional[Node] = strawberry.field(resolver=_node)


def rows_as(cls: type, rows: list[dict[str, Any]], as_of: dt.date) -> list[Any]:
    fields = {f.python_name for f in cls.__strawberry_definition__.fields if f.base_resolver is None}
    return [cls(**{k: v for k, v in row.items() if k in fields}, as_of=as_of) for row in rows]


def check_depth(name: str, value: int) -> None:
    if not 0 <= value <= MAX_DEPTH:
        raise BadInput(f"{name} must be between 0 and {MAX_DEPTH}, got {value}")


def _rank(folded_name: str, words: list[str], whole: str) -> int | None:
    if not all(w in folded_name for w in words):
        return None
    if folded_name == whole:
        return 0
    if folded_name.startswith(whole):
        return 1
    tokens = folded_name.split()
    if all(any(t.startswith(w) for t in tokens) for w in words):
        return 2
    return 3


SEARCH_CYPHER = ("MATCH (n) WHERE (n.valid_from IS NULL OR n.valid_from <= $as_of) "
                 "AND (n.valid_to IS NULL OR n.valid_to >= $as_of) "
                 "RETURN n.id AS id, labels(n) AS type, coalesce(n.name, n.title) AS name")


async def search(info: Info, text: str, types: Optional[List[str]], first: int,
                 as_of: dt.date) -> List[Node]:
    """Nodes whose name (or title) contains every word of `text`, ignoring case and accents.

    Best first: exact name, then name prefix, then word prefixes, then anywhere;
    ties in Norwegian order.
    """
    from .pagination import page_size
    size = page_size(first)
    whole = fold(text)
    if not whole:
        raise BadInput("search text is empty")
    unknown = sorted(set(types or ()) - set(NODE_TYPES))
    if unknown:
        raise BadInput(f"unknown type(s) {', '.join(unknown)}; known: {', '.join(NODE_TYPES)}")
    hits = []
    for row in await info.context.gate.read(SEARCH_CYPHER, {"as_of": as_of}):
        if types and row["type"] not in types:
            continue
        rank = _rank(fold(row["name"]), whole.split(), whole)
        if rank is not None:
            hits.append((rank, sort_key(row["name"]), row["id"]))
    ids = [hit[2] for hit in sorted(hits)[:size]]
    found = await loaders.nodes(info.context).load_many([(i, as_of) for i in ids])
    return [build_node(row, as_of) for row in found if row]
