"""Neo4j: a page of a list read in the order of a key every node keeps, instead of every match
read and ordered in Python (api/root.py does that where this gives None, and on LadybugDB).

The key is the id (order by ID) or the sort key (by name: schema.model.SORT_KEY, written by every
node write, under an index per type), so the server reads the page in index order after the
cursor's key and stops at `first + 1`. See docs/BENCHMARKS.md, "Lists and search on Neo4j, a
third round".
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from orggraph.collation import STORED_KEY_LIMIT
from orggraph.schema.model import SORT_KEY

from .loaders import valid
from .pagination import Connection, OrderBy, decode, gone, page_of, page_size
from .types import build_node


def statements(label: str, condition: str | None, order_by: OrderBy, after: bool) -> tuple[str, str, str]:
    """Statements for a list in the order of a key Neo4j keeps under an index (the id, or the
    sort key: schema.model.SORT_KEY): how many match (`count`; `unkeyed`: how many of those lack
    the key), the cursor's key, and a page of whole nodes read in index order after the cursor.
    `condition` None: the nodes valid on $as_of, counted from indexes (schema/ddl.py) as all of
    the label (Neo4j's count store) less those that begin after or end before the day."""
    key = "n.id" if order_by == OrderBy.ID else f"n.{SORT_KEY}"
    desc = order_by == OrderBy.NAME_DESC
    bound = f"{key} {'<' if desc else '>'} $after_key" if after else f"{key} IS NOT NULL"
    if condition:
        counted = (f"MATCH (n:{label}) WHERE {condition} "
                   f"RETURN count(n) AS count, count(n) - count({key}) AS unkeyed")
    else:
        # every node has an id; the sort key's index entries are counted (a scan of the index)
        keyed = ("every" if order_by == OrderBy.ID else
                 f"COUNT {{ MATCH (n:{label}) WHERE {key} IS NOT NULL }}")
        counted = (f"MATCH (n:{label}) WITH count(n) AS every "
                   f"CALL () {{ MATCH (n:{label}) WHERE n.valid_from > $as_of OR n.valid_to < $as_of "
                   "RETURN count(n) AS outside } "
                   f"RETURN every - outside AS count, every - {keyed} AS unkeyed")
        condition = valid("n")
    descending = " DESC" if desc else ""
    return (counted,
            f"MATCH (n:{label} {{id: $after_id}}) WHERE {condition} RETURN {key} AS key",
            f"MATCH (n:{label}) WHERE {bound} AND {condition} RETURN n AS node, {key} AS key "
            f"ORDER BY {key}{descending} LIMIT $limit")


def counted_right(count: int, read: int, size: int, after: bool) -> bool:
    """Whether a count agrees with the `read` rows a page statement gave (`size` + 1 at most, after
    a cursor or not): a list read whole from its start holds exactly `count` items, and any list at
    least the rows read and the cursor's item. The count and the page are two statements (a write
    may land in between), and one CI run saw a list of one counted as none once, never again in
    ~1 000 tries: such a page is read and ordered the slow way instead."""
    if not after and read <= size:
        return count == read
    return count >= read + after


async def page_by_key(gate: Any, label: str, condition: str | None, params: dict[str, Any], order_by: OrderBy,
                      first: Optional[int], after: Optional[str], day: dt.date,
                      figures: Any) -> Optional[Connection]:
    """A page read in the order of the key Neo4j keeps (a few rows, not every match ordered in
    Python); None when that order could differ from `order`'s (a node without the key, written by
    another client since this server started, or a key cut at its limit: collation.stored_order_key)
    or the count disagrees with the page (`counted_right`)."""
    size = page_size(first)
    counted, cursor, paged = statements(label, condition, order_by, after is not None)
    total = (await gate.read(counted, params))[0]
    if total["unkeyed"]:
        return None
    params = {**params, "limit": size + 1}
    if after is not None:
        wanted = decode(after)
        found = await gate.read(cursor, {**params, "after_id": wanted})
        if not found:
            raise gone(after, wanted)
        params["after_key"] = found[0]["key"]
    rows = await gate.read(paged, params)
    if order_by != OrderBy.ID and any(len(key) >= STORED_KEY_LIMIT
                                      for key in [params.get("after_key", "")] + [r["key"] for r in rows]):
        return None
    if not counted_right(total["count"], len(rows), size, after is not None):
        return None
    page = rows[:size]
    return page_of([r["node"]["id"] for r in page], [build_node(r["node"], day) for r in page],
                   total["count"], len(rows) > size, after is not None, figures)
