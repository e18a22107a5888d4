"""Cursor pagination over a list already ordered in Python (Norwegian collation needs Python).

Cursors are opaque: the id of the item, base64-encoded. `after` continues right
after that item; a cursor for an item no longer in the list is an input error.
"""
from __future__ import annotations

import base64
import datetime as dt
import binascii
from typing import Callable, Generic, List, Optional, Sequence, TypeVar

import strawberry

from .errors import BadInput

DEFAULT_PAGE, MAX_PAGE = 50, 500
T = TypeVar("T")


@strawberry.type(description="Where a page lies in the whole list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: Optional[str]
    end_cursor: Optional[str]


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="Figures over every item that matches, on all pages.")
class Aggregate:
    count: int
    sum_fte: Optional[float] = strawberry.field(
        description="sum of årsverk over the items that state it; null when none does")
    fte_stated: int = strawberry.field(description="how many items state their årsverk")
    min_valid_from: Optional[dt.date]
    max_valid_from: Optional[dt.date]
    min_valid_to: Optional[dt.date]
    max_valid_to: Optional[dt.date]


def aggregate(items: Sequence[object]) -> Aggregate:
    ftes = [f for f in (getattr(i, "fte", None) for i in items) if f is not None]
    starts = [d for d in (getattr(i, "valid_from", None) for i in items) if d is not None]
    ends = [d for d in (getattr(i, "valid_to", None) for i in items) if d is not None]
    return Aggregate(count=len(items), sum_fte=round(sum(ftes), 6) if ftes else None, fte_stated=len(ftes),
                     min_valid_from=min(starts, default=None), max_valid_from=max(starts, default=None),
                     min_valid_to=min(ends, default=None), max_valid_to=max(ends, default=None))


@strawberry.type
class Connection(Generic[T]):
    edges: List[Edge[T]]
    nodes: List[T]
    page_info: PageInfo
    total_count: int = strawberry.field(description="how many items match, on all pages")
    aggregate: Aggregate = strawberry.field(description="counts, sum of årsverk and date ranges "
                                                        "over every matching item")


def encode(item_id: str) -> str:
    return base64.urlsafe_b64encode(f"id:{item_id}".encode()).decode()


def decode(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("id:"):
        raise BadInput(f"invalid cursor {cursor!r}: pass a cursor from this list's edges or pageInfo")
    return text[3:]


def page_size(first: Optional[int]) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise BadInput(f"first must be between 0 and {MAX_PAGE}, got {size}")
    return size


def paginate(items: Sequence[T], id_of: Callable[[T], str], first: Optional[int],
             after: Optional[str]) -> Connection[T]:
    size = page_size(first)
    start = 0
    if after is not None:
        wanted = decode(after)
        ids = [id_of(item) for item in items]
        if wanted not in ids:
            raise BadInput(f"cursor {after!r} points at {wanted!r}, which is not in this list (any more)")
        start = ids.index(wanted) + 1
    page = list(items[start:start + size])
    edges = [Edge(cursor=encode(id_of(item)), node=item) for item in page]
    return Connection(
        edges=edges, nodes=page, total_count=len(items), aggregate=aggregate(items),
        page_info=PageInfo(has_next_page=start + size < len(items), has_previous_page=start > 0,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None))
