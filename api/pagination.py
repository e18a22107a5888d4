"""Cursor pagination over a list already ordered in Python (Norwegian collation needs Python).

Cursors are opaque: the id of the item, base64-encoded. `after` continues right
after that item; a cursor for an item no longer in the list is an input error.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
from typing import Any, Awaitable, Callable, Generic, Iterable, List, Optional, Sequence, TypeVar

import strawberry

from .collation import order_key
from .errors import BadInput

DEFAULT_PAGE, MAX_PAGE = 50, 500
T = TypeVar("T")


@strawberry.enum(description="Order of a list.")
class OrderBy(enum.Enum):
    NAME = "name"
    NAME_DESC = "name_desc"
    ID = "id"


def order(items: list[Any], order_by: OrderBy, name_of: Callable[[Any], str],
          id_of: Callable[[Any], str] = lambda item: item.id) -> list[Any]:
    """By name (or title) in Norwegian order, æ ø å after z, ties by id; or by id."""
    if order_by == OrderBy.ID:
        return sorted(items, key=id_of)
    ordered = sorted(items, key=lambda item: order_key(name_of(item)) + id_of(item))
    return ordered[::-1] if order_by == OrderBy.NAME_DESC else ordered


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


def aggregate(items: Sequence[object], get: Callable[[Any, str], Any] = lambda item, name: getattr(
        item, name, None)) -> Aggregate:
    """Figures over `items`: node objects, or rows (dicts) with `get=lambda row, name: row.get(name)`."""
    return summary(len(items), [get(i, "fte") for i in items], [get(i, "valid_from") for i in items],
                   [get(i, "valid_to") for i in items])


def summary(count: int, ftes: Iterable[Optional[float]], starts: Iterable[Optional[dt.date]],
            ends: Iterable[Optional[dt.date]]) -> Aggregate:
    """Figures over `count` items with these årsverk and periods (nulls are skipped)."""
    ftes = [f for f in ftes if f is not None]
    starts = [d for d in starts if d is not None]
    ends = [d for d in ends if d is not None]
    return Aggregate(count=count, sum_fte=round(sum(ftes), 6) if ftes else None, fte_stated=len(ftes),
                     min_valid_from=min(starts, default=None), max_valid_from=max(starts, default=None),
                     min_valid_to=min(ends, default=None), max_valid_to=max(ends, default=None))


def figures_of(row: dict[str, Any]) -> Aggregate:
    """The figures an engine worked out (api/root.py), rounded as `summary` rounds them."""
    stated = row.get("fte_stated") or 0
    return Aggregate(count=row["count"], sum_fte=round(row["sum_fte"], 6) if stated else None,
                     fte_stated=stated, min_valid_from=row["min_valid_from"],
                     max_valid_from=row["max_valid_from"], min_valid_to=row["min_valid_to"],
                     max_valid_to=row["max_valid_to"])


@strawberry.type
class Connection(Generic[T]):
    edges: List[Edge[T]]
    nodes: List[T]
    page_info: PageInfo
    total_count: int = strawberry.field(description="how many items match, on all pages")
    # worked out only if asked for: it needs every match's figures, which a list from the line
    # index does not hold (api/root.py)
    figures: strawberry.Private[Callable[[], Awaitable[Aggregate]]]

    @strawberry.field(description="counts, sum of årsverk and date ranges over every matching item")
    async def aggregate(self) -> Aggregate:
        return await self.figures()


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


def gone(cursor: str, wanted: str) -> BadInput:
    """The error for a cursor whose item is not in the list."""
    return BadInput(f"cursor {cursor!r} points at {wanted!r}, which is not in this list (any more)")


def window(keys: Sequence[str], first: Optional[int], after: Optional[str]) -> tuple[int, int]:
    """Where the page asked for starts and stops in a list with these item keys."""
    size = page_size(first)
    start = 0
    if after is not None:
        wanted = decode(after)
        try:
            start = keys.index(wanted) + 1  # O(1) on queries.listing.OrderedIds
        except ValueError:
            raise gone(after, wanted) from None
    return start, min(start + size, len(keys))


def page_info(keys: Sequence[str], start: int, stop: int) -> PageInfo:
    return PageInfo(has_next_page=stop < len(keys), has_previous_page=start > 0,
                    start_cursor=encode(keys[start]) if stop > start else None,
                    end_cursor=encode(keys[stop - 1]) if stop > start else None)


def paginate(items: Sequence[T], id_of: Callable[[T], str], first: Optional[int],
             after: Optional[str]) -> Connection[T]:
    keys = [id_of(item) for item in items]
    start, stop = window(keys, first, after)
    return page_connection(keys, start, stop, list(items[start:stop]), known(aggregate(items)))


def known(figures: Aggregate) -> Callable[[], Awaitable[Aggregate]]:
    async def given() -> Aggregate:
        return figures
    return given


def page_connection(keys: Sequence[str], start: int, stop: int, page: list[T],
                    figures: Callable[[], Awaitable[Aggregate]]) -> Connection[T]:
    """The page `keys[start:stop]` (its items `page`) of a list with these keys."""
    return page_of(keys[start:stop], page, len(keys), stop < len(keys), start > 0, figures)


def page_of(keys: Sequence[str], page: list[T], total: int, more: bool, after: bool,
            figures: Callable[[], Awaitable[Aggregate]]) -> Connection[T]:
    """A page whose items `page` have these keys, of a list of `total` items, with `more` items
    after it and (`after`) some before it."""
    edges = [Edge(cursor=encode(key), node=item) for key, item in zip(keys, page)]
    info = PageInfo(has_next_page=more, has_previous_page=after,
                    start_cursor=encode(keys[0]) if keys else None,
                    end_cursor=encode(keys[-1]) if keys else None)
    return Connection(edges=edges, nodes=page, total_count=total, figures=figures, page_info=info)
