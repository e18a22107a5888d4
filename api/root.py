"""The root Query type: node lookup, one paginated list per node type, graph questions, search.

Every root field takes `asOf: Date` (default: today on the server) and hands it
down on the objects it returns (see context.py), so nested fields answer for
the same date.
"""
import datetime as dt
from operator import itemgetter
from typing import Annotated, Any, List, Optional

import strawberry
from strawberry.types import Info

from orggraph.errors import QueryError
from orggraph.queries import unknown_id
from orggraph.queries.listing import listed_ids
from orggraph.queries.traversals import STRATEGY
from orggraph.schema.model import NODE_BY_LABEL, NODES, NodeType

from . import loaders
from .audit import audit_log
from .errors import BadInput, NotFound
from .filters import WHERE, compile_where
from .loaders import valid
from .naming import plural
from .pagination import Aggregate, Connection, OrderBy, figures_of, order, page_connection, window
from .keyed_pages import page_by_key
from .questions import (Affected, AgreementShare, ChainLink, Link, Member, Municipality, Nearby, Span,
                        Subordinate, check_depth, rows_as, search)
from .types import NODE_TYPES, Node, build_node

AsOf = Annotated[Optional[dt.date], strawberry.argument(
    description="the date asked about (default: today); nested fields answer for the same date")]
First = Annotated[Optional[int], strawberry.argument(description="page size: default 50, at most 500")]
SEARCH_FIRST = 20
SearchFirst = Annotated[Optional[int], strawberry.argument(
    description=f"how many, best first: default {SEARCH_FIRST}, at most 500")]


@strawberry.input(description="A range of days, both included: the list holds what was valid at any "
                             "time in it. Nested fields still follow asOf.")
class During:
    start: dt.date
    end: dt.date


# A list field's first read: what ordering and paging need (id, and name or title), per label.
ORDER_COLUMNS = {n.label: ["id", n.name_prop] for n in NODES}


def _figures(label: str, condition: str) -> str:
    """The aggregate's figures, worked out by the engine: reading every match's årsverk and dates
    to sum them in Python took ~300 ms for 49 000 units on LadybugDB (on Neo4j, ~180 ms either way:
    its property reads)."""
    fte = "sum(n.fte) AS sum_fte, count(n.fte) AS fte_stated, " if NODE_BY_LABEL[label].prop("fte") else ""
    return (f"MATCH (n:{label}) WHERE {condition} RETURN count(n) AS count, {fte}"
            "min(n.valid_from) AS min_valid_from, max(n.valid_from) AS max_valid_from, "
            "min(n.valid_to) AS min_valid_to, max(n.valid_to) AS max_valid_to")


def _every_match(dialect: str, label: str, condition: str, columns: list[str]) -> str:
    if dialect == "neo4j":
        # One record with a list per column: the Python driver takes ~30 µs to receive a record
        # and decodes flat lists fastest (49 000 units: 2.1 s as records, 0.4 s as one record of
        # rows, 0.25 s as lists). collect() drops nulls, so for the lists to line up a null is
        # sent as '', which orders as null does (`_name_of`).
        values = [f"coalesce(n.{c}, '')" if c != "id" else f"n.{c}" for c in columns]
        return (f"MATCH (n:{label}) WHERE {condition} RETURN count(n) AS count, "
                + ", ".join(f"collect({v}) AS {c}" for v, c in zip(values, columns)))
    return f"MATCH (n:{label}) WHERE {condition} RETURN {', '.join(f'n.{c} AS {c}' for c in columns)}"


def _match_columns(dialect: str, columns: list[str], result: list[dict[str, Any]]) -> dict[str, Any]:
    """Every match's values per column, and their `count`."""
    if dialect == "neo4j":
        return result[0]
    return {"count": len(result), **{c: [row[c] for row in result] for c in columns}}


def _name_of(row: tuple[Any, ...]) -> str:
    """What a row of ORDER_COLUMNS is ordered by: its name or title, else its id."""
    return row[-1] or row[0]


# Lists of events: `changes(asOf: d)` lists what had happened by d, `changes(during: …)` what
# happened within the range. The event node itself is valid on every day, so `endedBy` and
# `begunBy` on an organisation find it on the organisation's last and first days alike.
HAPPENS_ON = {"ChangeEvent": "date"}


def _list_field(node: NodeType) -> Any:
    where_cls, node_cls = WHERE[node.label], NODE_TYPES[node.label]

    async def resolve(info: Info, where: Optional[where_cls] = None,  # type: ignore[valid-type]
                      order_by: OrderBy = OrderBy.NAME, first: First = 50,
                      after: Optional[str] = None, as_of: AsOf = None,
                      during: Optional[During] = None) -> Optional[Connection[node_cls]]:  # type: ignore[valid-type]
        day = info.context.as_of(as_of)
        condition, params = compile_where(node.label, where)
        period = valid("n")
        if during is not None:  # valid at any time in the range, not just on one day
            if during.start > during.end:
                raise BadInput(f"during: start {during.start} is after end {during.end}")
            period = ("(n.valid_from IS NULL OR n.valid_from <= $during_end) "
                      "AND (n.valid_to IS NULL OR n.valid_to >= $during_start)")
            params = {**params, "during_start": during.start, "during_end": during.end}
        event = HAPPENS_ON.get(node.label)
        if event:  # listed by the day it happened, not by its period (see HAPPENS_ON)
            period += (f" AND n.{event} <= $as_of" if during is None else
                       f" AND n.{event} >= $during_start AND n.{event} <= $during_end")
        plain = where is None and during is None and not event  # valid on the day, nothing else
        # What ordering and paging need, for every match; whole nodes for the page only (at scale
        # 0.25 reading and building all 46 000 units took 1.3 s on LadybugDB, 5.8 s on Neo4j, for
        # a page of 50).
        gate = info.context.gate
        dialect = gate.engine.dialect
        condition = f"{period} AND {condition}"

        async def every_match(columns: list[str]) -> dict[str, Any]:
            cypher = _every_match(dialect, node.label, condition, columns)
            return _match_columns(dialect, columns, await gate.read(cypher, {**params, "as_of": day}))

        keys = None
        if plain:  # LadybugDB: the ids from the line index, if current
            keys = await gate.in_thread(gate._read, listed_ids, gate.engine, node.label, day, order_by.value)

        async def figures() -> Aggregate:  # only when asked for
            [row] = await gate.read(_figures(node.label, condition), {**params, "as_of": day})
            return figures_of(row)

        if keys is None and gate.engine.stores_keys and STRATEGY["list_nodes"].get(dialect) == "sort_key":
            paged = await page_by_key(gate, node.label, None if plain else condition, {**params, "as_of": day},
                                      order_by, first, after, day, figures)
            if paged is not None:
                return paged
        if keys is None:
            columns = ORDER_COLUMNS[node.label]
            matches = await every_match(columns)
            rows = list(zip(*(matches[c] for c in columns)))
            keys = [row[0] for row in order(rows, order_by, _name_of, itemgetter(0))]

        start, stop = window(keys, first, after)
        # the page's whole nodes, by id (one statement: the type is known)
        [by_id] = loaders.nodes_by_id(dialect, label=node.label)
        found = {row["node"]["id"]: row["node"] for row in await gate.read(by_id, {"ids": list(keys[start:stop])})}
        # a node deleted by a write between the two reads is left out of the page
        page = [build_node(found[key], day) for key in keys[start:stop] if key in found]
        return page_connection(keys, start, stop, page, figures)

    return strawberry.field(resolver=resolve, name=plural(node.label),
                            description=f"{node.label}s valid on the date, filtered, ordered and paged.")


async def _known(info: Info, rows: list, **ids: str) -> list:
    """`rows`, unless they are empty because an id names nothing in the graph on any date: that is a
    mistake the client should hear about (NOT_FOUND at the field's path), not an empty answer.
    Only empty answers pay for the look-up."""
    if rows:
        return rows
    unknown = unknown_id(await info.context.gate.query("nodes_by_id", ids=list(ids.values())), ids)
    if unknown:
        raise NotFound(f"{unknown[0]}: no node has id {unknown[1]!r}")
    return rows


async def node(info: Info, id: strawberry.ID, as_of: AsOf = None) -> Optional[Node]:
    """Any node by id, if it is valid on the date."""
    day = info.context.as_of(as_of)
    row = await loaders.nodes(info.context).load((id, day))
    return build_node(row, day) if row else None


async def chain_of_command(info: Info, id: strawberry.ID, as_of: AsOf = None) -> Optional[List[ChainLink]]:
    """Upward from a post or unit, nearest first, each level with its head and holder."""
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("chain_of_command", id=id, as_of=day)
    return rows_as(ChainLink, await _known(info, rows, id=id), day)


async def subordinates(info: Info, id: strawberry.ID, depth: int = 3, include_dotted: bool = False,
                       as_of: AsOf = None) -> Optional[List[Subordinate]]:
    """Everything below a post or unit in the line of command, level by level."""
    check_depth("depth", depth)
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("subordinates", id=id, depth=depth, as_of=day,
                                         include_dotted=include_dotted)
    return rows_as(Subordinate, await _known(info, rows, id=id), day)


async def within(info: Info, id: strawberry.ID, steps: int = 2, as_of: AsOf = None) -> Optional[List[Nearby]]:
    """Everything within some steps of a node over any relationship, nearest first."""
    check_depth("steps", steps)
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("within", id=id, steps=steps, as_of=day)
    return rows_as(Nearby, await _known(info, rows, id=id), day)


async def span_of_control(info: Info, id: strawberry.ID, include_dotted: bool = False,
                          as_of: AsOf = None) -> Optional[Span]:
    """How many posts and units report directly to a post, unit or organisation."""
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("span_of_control", id=id, as_of=day, include_dotted=include_dotted)
    return rows_as(Span, rows, day)[0] if await _known(info, rows, id=id) else None


async def impact(info: Info, id: strawberry.ID, steps: int = 3, as_of: AsOf = None) -> Optional[List[Affected]]:
    """What is affected if a node ends or changes: dependants, parts, members, covering agreements,
    parties, and the agreements it is party to (as host or not) with what depends on them."""
    check_depth("steps", steps)
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("impact", id=id, steps=steps, as_of=day)
    return rows_as(Affected, await _known(info, rows, id=id), day)


async def withdrawal(info: Info, organisation_id: strawberry.ID, agreement_id: strawberry.ID,
                     steps: int = 3, as_of: AsOf = None) -> Optional[List[Affected]]:
    """What is affected if a party leaves an agreement: the agreement, the remaining parties, the
    services covered, the bodies it establishes and the party's seats there, what depends on it;
    or, when the agreement cannot continue without the party, everything its ending affects.
    Null, with an error, when the organisation is not a party on the date."""
    # nullable: "not a party" depends on the data, and must not null the answer's other fields
    check_depth("steps", steps)
    day = info.context.as_of(as_of)
    try:
        rows = await info.context.gate.query("withdrawal", organisation=organisation_id,
                                             agreement=agreement_id, steps=steps, as_of=day)
    except QueryError:  # an id that names nothing at all is NOT_FOUND, as in the other questions
        await _known(info, [], organisationId=organisation_id, agreementId=agreement_id)
        raise
    return rows_as(Affected, rows, day)


async def connection(info: Info, from_id: strawberry.ID, to_id: strawberry.ID, max_steps: int = 6,
                     as_of: AsOf = None) -> Optional[List[Link]]:
    """The shortest chain of relationships between two nodes (empty when there is none)."""
    check_depth("maxSteps", max_steps)
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("connection", from_id=from_id, to_id=to_id,
                                         max_steps=max_steps, as_of=day)
    return rows_as(Link, await _known(info, rows, fromId=from_id, toId=to_id), day)


async def members(info: Info, id: strawberry.ID, as_of: AsOf = None) -> Optional[List[Member]]:
    """Members of a meeting place or joint body, with role, seats and post holders."""
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("members", id=id, as_of=day)
    return rows_as(Member, await _known(info, rows, id=id), day)


async def agreements_of(info: Info, id: strawberry.ID, as_of: AsOf = None) -> Optional[List[AgreementShare]]:
    """Agreements an organisation is party to, with its role, hosts, parties and services."""
    day = info.context.as_of(as_of)
    rows = await info.context.gate.query("agreements_of", id=id, as_of=day)
    return rows_as(AgreementShare, await _known(info, rows, id=id), day)


async def municipalities(info: Info, as_of: AsOf = None) -> Optional[List[Municipality]]:
    """Municipalities that exist on the date, by kommunenummer."""
    day = info.context.as_of(as_of)
    return rows_as(Municipality, await info.context.gate.query("municipalities", as_of=day), day)


async def search_field(info: Info, text: str, types: Optional[List[str]] = None,
                       first: SearchFirst = SEARCH_FIRST, as_of: AsOf = None) -> Optional[List[Node]]:
    """Nodes by name or title, ignoring case and accents (“odegard” finds “Ødegård”), best first."""
    return await search(info, text, types, SEARCH_FIRST if first is None else first, info.context.as_of(as_of))


def build_query() -> type:
    ns: dict[str, Any] = {"__module__": __name__}
    ns["node"] = strawberry.field(resolver=node, description=node.__doc__)
    for n in NODES:
        ns[f"_list_{n.label}"] = _list_field(n)
    for fn in (chain_of_command, subordinates, span_of_control, within, impact, withdrawal, connection,
               members, agreements_of, municipalities):
        ns[fn.__name__] = strawberry.field(resolver=fn, description=fn.__doc__)
    ns["search"] = strawberry.field(resolver=search_field, name="search", description=search_field.__doc__)
    ns["audit_log"] = strawberry.field(resolver=audit_log, description=audit_log.__doc__)
    return strawberry.type(type("Query", (), ns), name="Query",
                           description="Everything takes asOf (default today); nested fields follow it.")
