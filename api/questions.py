"""Graph questions as root fields over the named queries (queries/*.cypher), plus search.

Each answer row keeps the named query's columns and adds `node`, the whole node
it names (loaded in one batch for all rows, only when asked for).
"""
import datetime as dt
from typing import Any, List, Optional

import strawberry
from strawberry.types import Info

from orggraph.collation import STORED_KEY_LIMIT
from orggraph.queries.name_search import folded_search
from orggraph.schema.model import FOLDED_NAME, SORT_KEY

from . import loaders
from .collation import fold, rank, sort_key
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


def ranked(rows: list[dict[str, Any]], whole: str, types: Optional[List[str]], first: int) -> list[str]:
    """The ids of the best `first` rows (id, type, name) for the folded text `whole`: by rank,
    then in Norwegian order, then by id."""
    hits, words = [], whole.split()
    for row in rows:
        if types and row["type"] not in types:
            continue
        # Neo4j sends the folded name it keeps (NEO4J_SEARCH_CYPHER): ~4 µs a row less
        found = rank(row["folded"] if "folded" in row else fold(row["name"]), words, whole)
        if found is not None:
            hits.append((found, sort_key(row["name"]), row["id"]))
    return [hit[2] for hit in sorted(hits)[:first]]


SEARCH_CYPHER = ("MATCH (n) WHERE (n.valid_from IS NULL OR n.valid_from <= $as_of) "
                 "AND (n.valid_to IS NULL OR n.valid_to >= $as_of) "
                 "RETURN n.id AS id, labels(n) AS type, coalesce(n.name, n.title) AS name")

# On Neo4j every named node keeps its folded name under a text index (schema.model.FOLDED_NAME):
# the statement looks the longest word up in the index and sends only the names holding every
# word (as `rank` requires), instead of folding all 146 000 names on the server (scale 0.25).
_NEO4J_HOLDING_EVERY_WORD = (
    f"MATCH (n:Entity) WHERE n.{FOLDED_NAME} CONTAINS $needle "
    f"AND all(word IN $words WHERE n.{FOLDED_NAME} CONTAINS word) "
    "AND (n.valid_from IS NULL OR n.valid_from <= $as_of) AND (n.valid_to IS NULL OR n.valid_to >= $as_of) ")
NEO4J_SEARCH_CYPHER = (
    _NEO4J_HOLDING_EVERY_WORD
    # one record holding every row (search_rows): the driver takes ~30 µs to receive a record
    + "RETURN collect([n.id, [label IN labels(n) WHERE label <> 'Entity'][0], coalesce(n.name, n.title), "
    f"n.{FOLDED_NAME}]) AS rows")


# Neo4j ranks too, as `ranked` does, and sends only the best `first` ids: a common word sent
# thousands of names to be ranked in Python (~80 ms for "avdeling 12" at scale 0.25). A folded
# name is its words joined by single spaces, so "every word begins a word of the name" is "the name
# begins with it or holds it after a space". Ties go by the sort key kept on the node
# (schema.model.SORT_KEY: the name's Norwegian order, then the id, as `ranked` orders them).
NEO4J_RANKED_SEARCH_CYPHER = (
    _NEO4J_HOLDING_EVERY_WORD
    + "AND ($types IS NULL OR any(label IN labels(n) WHERE label IN $types)) "
    f"WITH n, CASE WHEN n.{FOLDED_NAME} = $whole THEN 0 WHEN n.{FOLDED_NAME} STARTS WITH $whole THEN 1 "
    f"WHEN all(word IN $words WHERE n.{FOLDED_NAME} STARTS WITH word OR n.{FOLDED_NAME} CONTAINS ' ' + word) "
    "THEN 2 ELSE 3 END AS rank "
    f"RETURN n.id AS id, n.{SORT_KEY} AS key ORDER BY rank, key LIMIT $first")


def ranked_search(whole: str, types: Optional[List[str]], as_of: dt.date, first: int) -> tuple[str, dict[str, Any]]:
    """Neo4j's statement for the ids `ranked` would give, best first (`ranked_ids` reads them)."""
    words = whole.split()
    return NEO4J_RANKED_SEARCH_CYPHER, {"as_of": as_of, "words": words, "needle": max(words, key=len),
                                        "whole": whole, "types": list(types) if types else None, "first": first}


def ranked_ids(rows: list[dict[str, Any]]) -> Optional[list[str]]:
    """The ids of `ranked_search`'s rows; None if one's sort key was cut at its limit (keys that
    long may tie where the names do not: `ranked` orders those in Python)."""
    if any(row["key"] is None or len(row["key"]) >= STORED_KEY_LIMIT for row in rows):
        return None
    return [row["id"] for row in rows]


def search_statement(dialect: str, whole: str, as_of: dt.date) -> tuple[str, dict[str, Any]]:
    """The statement (and its parameters) whose rows `search_rows` gives for the folded text `whole`."""
    if dialect == "neo4j":
        words = whole.split()
        return NEO4J_SEARCH_CYPHER, {"as_of": as_of, "words": words, "needle": max(words, key=len)}
    return SEARCH_CYPHER, {"as_of": as_of}


def search_rows(dialect: str, result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (id, type, name; on Neo4j folded too) that `ranked` ranks, from what
    `search_statement` returned."""
    if dialect != "neo4j":
        return result
    return [{"id": i, "type": t, "name": n, "folded": f} for i, t, n, f in result[0]["rows"]] if result else []


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
    if types == []:  # of no types, nothing: as `in: []` and `OR: []` match nothing
        return []
    gate = info.context.gate
    dialect = gate.engine.dialect
    if gate.engine.stores_keys:  # Neo4j ranks through the keys it keeps
        ids = ranked_ids(await gate.read(*ranked_search(whole, types, as_of, size)))
    else:  # LadybugDB: the line index's folded names when it is current (queries/name_search.py)
        ids = await gate.in_thread(gate._read, folded_search, gate.engine, whole, types, as_of, size)
    if ids is None:  # every valid node's name, ranked here
        rows = search_rows(dialect, await gate.read(*search_statement(dialect, whole, as_of)))
        ids = ranked(rows, whole, types, size)
    found = await loaders.nodes(info.context).load_many([(i, as_of) for i in ids])
    return [build_node(row, as_of) for row in found if row]
