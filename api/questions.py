"""Graph questions as root fields over the named queries (queries/*.cypher), plus search.

Each answer row keeps the named query's columns and adds `node`, the whole node
it names (loaded in one batch for all rows, only when asked for).
"""
import datetime as dt
from typing import Any, List, Optional

import strawberry
from strawberry.types import Info

from orggraph.queries.name_search import folded_search

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
    hits = []
    for row in rows:
        if types and row["type"] not in types:
            continue
        found = rank(fold(row["name"]), whole.split(), whole)
        if found is not None:
            hits.append((found, sort_key(row["name"]), row["id"]))
    return [hit[2] for hit in sorted(hits)[:first]]


SEARCH_CYPHER = ("MATCH (n) WHERE (n.valid_from IS NULL OR n.valid_from <= $as_of) "
                 "AND (n.valid_to IS NULL OR n.valid_to >= $as_of) "
                 "RETURN n.id AS id, labels(n) AS type, coalesce(n.name, n.title) AS name")

# Neo4j sends only the names that can match (every word in the folded name) instead of all of
# them (146 000 rows, 7 s at scale 0.25). Cypher cannot fold accents, so a name is folded in the
# statement only if every character of it folds there as collation.fold folds it: printable ASCII
# and these letters (their capitals lower-case to them). Any other name is always sent, and every
# row sent is ranked in Python as before: the same answer. tests/test_name_search.py compares.
CYPHER_FOLD = {"æ": "ae", "ø": "o", "å": "a", "á": "a", "à": "a", "â": "a", "ä": "a", "é": "e",
               "è": "e", "ê": "e", "ë": "e", "í": "i", "ì": "i", "î": "i", "ï": "i", "ó": "o",
               "ò": "o", "ô": "o", "ö": "o", "ú": "u", "ù": "u", "û": "u", "ü": "u", "ñ": "n", "ç": "c"}
FOLDED_ELSEWHERE = "(?s).*[^ -~" + "".join(CYPHER_FOLD) + "".join(CYPHER_FOLD).upper() + "].*"


def _cypher_folded(expression: str) -> str:
    for letter, plain in CYPHER_FOLD.items():  # constants of this module, never user text
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


NEO4J_SEARCH_CYPHER = (
    "MATCH (n:Entity) WHERE (n.valid_from IS NULL OR n.valid_from <= $as_of) "
    "AND (n.valid_to IS NULL OR n.valid_to >= $as_of) "
    "WITH n, coalesce(n.name, n.title) AS name "
    f"WHERE name =~ $folded_elsewhere OR all(word IN $words WHERE {_cypher_folded('toLower(name)')} "
    # one record holding every row (search_rows): the driver takes ~30 µs to receive a record
    "CONTAINS word) RETURN collect([n.id, [label IN labels(n) WHERE label <> 'Entity'][0], name]) AS rows")


def search_statement(dialect: str, whole: str, as_of: dt.date) -> tuple[str, dict[str, Any]]:
    """The statement (and its parameters) whose rows `search_rows` gives for the folded text `whole`."""
    if dialect == "neo4j":
        return NEO4J_SEARCH_CYPHER, {"as_of": as_of, "words": whole.split(), "folded_elsewhere": FOLDED_ELSEWHERE}
    return SEARCH_CYPHER, {"as_of": as_of}


def search_rows(dialect: str, result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (id, type, name) that `ranked` ranks, from what `search_statement` returned."""
    if dialect != "neo4j":
        return result
    return [{"id": i, "type": t, "name": n} for i, t, n in result[0]["rows"]] if result else []


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
    gate = info.context.gate
    # LadybugDB: the line index's folded names when it is current (queries/name_search.py)
    ids = await gate.in_thread(gate._read, folded_search, gate.engine, whole, types, as_of, size)
    if ids is None:  # every valid node's name, ranked here
        dialect = gate.engine.dialect
        rows = search_rows(dialect, await gate.read(*search_statement(dialect, whole, as_of)))
        ids = ranked(rows, whole, types, size)
    found = await loaders.nodes(info.context).load_many([(i, as_of) for i in ids])
    return [build_node(row, as_of) for row in found if row]
