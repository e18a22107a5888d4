"""`chartUrl`: the address of a chart that exists for a node (viz/, served by app.py at /charts).

An org chart and a meeting-place map start at an organisation or unit, a dependency map at one of
viz.deps.ROOT_TYPES; the charts answer 400 for any other type, so those get no link (null). A
meeting place is drawn on the map of the organisation or unit it belongs to.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional
from urllib.parse import quote

from strawberry.types import Info

from orggraph.schema.model import REL_BY_NAME

from . import loaders
from .naming import OUT

CHART_OF = {"Organisation": "org", "Unit": "org", "Agreement": "deps", "Service": "deps", "System": "deps"}
FORUM_LEVELS = 10  # meeting places belonging to meeting places, up to an organisation or unit


async def chart_url(info: Info, label: str, node: Any, fmt: str) -> Optional[str]:
    """The chart of `node` (of type `label`) on its as-of date, or None if it has none."""
    day = within_period(node, node.as_of)
    if label == "MeetingPlace":
        owner = await forum_owner(info, node.id, day)
        return None if owner is None else address("forums", owner, day, fmt)
    kind = CHART_OF.get(label)
    return None if kind is None else address(kind, node.id, day, fmt)


def address(kind: str, node_id: str, as_of: Optional[dt.date], fmt: str) -> str:
    query = f"?asOf={as_of.isoformat()}" if as_of else ""
    return f"/charts/{kind}/{quote(node_id, safe='')}.{fmt}{query}"


def within_period(node: Any, day: Optional[dt.date]) -> Optional[dt.date]:
    """`day` moved into the node's period: a chart is drawn only on a day its root exists (a list
    asked `during` a range gives nodes not valid on its asOf)."""
    if day is None:
        return None
    if node.valid_to is not None and day > node.valid_to:
        return node.valid_to
    if node.valid_from is not None and day < node.valid_from:
        return node.valid_from
    return day


async def forum_owner(info: Info, forum_id: str, day: Optional[dt.date]) -> Optional[str]:
    """The organisation or unit a meeting place belongs to on `day`, through the meeting places
    it belongs to (its map shows those: viz/forums.py); the first by id if several."""
    belongs, seen = REL_BY_NAME["BELONGS_TO"], {forum_id}
    for _ in range(FORUM_LEVELS):
        rows = await loaders.edges(info.context, "MeetingPlace", belongs, OUT).load((forum_id, day))
        owners = sorted(row["node"]["id"] for row in rows if row["node"]["type"] != "MeetingPlace")
        if owners:
            return owners[0]
        forums = sorted(row["node"]["id"] for row in rows if row["node"]["id"] not in seen)
        if not forums:
            return None
        forum_id = forums[0]
        seen.add(forum_id)
    return None
