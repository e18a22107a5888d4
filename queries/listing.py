"""A list of one node type in the API's order, from the line index (LadybugDB).

The API's lists (`units`, `posts` ...) page through every node of a type valid on a date, by name
in Norwegian order (ties by id), by name descending, or by id. Read and ordered per request that
is every node of the type, each time (0.45 s for 49 000 units at scale 0.25 on LadybugDB). The line
index holds every node's type, name (or title) and period, so this keeps, per index, each type's
ids in name order and in id order, and a request only walks one of them keeping the valid ids:
the same keys, in the same order, as api/root.py gets from its statement.
"""
from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from typing import TYPE_CHECKING, Optional

from orggraph.collation import order_key

from .name_search import _ordered

if TYPE_CHECKING:
    from orggraph.engine.base import Engine

Every = dict[str, tuple[str, Optional[str], Optional[dt.date], Optional[dt.date]]]
#: lists (type, day, order) kept until the next write: 49 000 units take ~0.4 MB, ~3 MB once paged
#: past a cursor
KEPT_LISTS = 16


def _place(name: Optional[str], node_id: str) -> str:
    """A node's place in its type's list: the API orders by the display name (name or title, no type
    has both, else the id), ties by id. As one string, as the search orders names (`_ordered`: the
    same order as `sort_key`, compared in C; the names' keys are those the search has just made,
    kept by `order_key`): a list of every node of a type at full scale sorted in a third of the time."""
    return _ordered(order_key(name or node_id), node_id)


class OrderedIds(tuple):
    """A list's ids in order; once a cursor is looked up, each id's position is kept (O(1) after)."""

    _positions: Optional[dict[str, int]] = None

    def index(self, node_id: object, *_: object) -> int:
        if self._positions is None:  # a benign race: two threads may both build it
            self._positions = {node_id: at for at, node_id in enumerate(self)}
        try:
            return self._positions[node_id]  # type: ignore[index]
        except (KeyError, TypeError):
            raise ValueError(f"{node_id!r} is not in the list") from None


class ListOrder:
    """Made with the index and following its refreshes (queries/name_search.for_index): the lists
    of the days asked for are kept with it until the next write, so a request for a page of one
    walks nothing (a walk of 49 000 units took ~50 ms)."""

    def __init__(self, every: Every):
        self.every = every
        by_label: dict[str, list[str]] = defaultdict(list)
        for node_id, (label, _, _, _) in every.items():
            by_label[label].append(node_id)
        self.by_name = {label: sorted(ids, key=self._placed) for label, ids in by_label.items()}
        self._by_id: dict[str, list[str]] = {}
        # the lists asked for last, emptied by `update` (every list may have changed). Not an
        # lru_cache of a bound method: that is a reference cycle, and a dropped ListOrder would
        # wait for the cyclic collector, which never sees it once frozen (line_index._build_behind).
        self._kept: OrderedDict[tuple, OrderedIds] = OrderedDict()
        self._kept_lock = threading.Lock()
        self._version = 0

    def update(self, ids: set[str]) -> bool:
        """Follow a refresh of the index: these ids out of their lists, then each, if still in the
        graph, into its type's list at its place (every other id's entry is as it was)."""
        for label, ordered in self.by_name.items():
            if not ids.isdisjoint(ordered):
                self.by_name[label] = [node_id for node_id in ordered if node_id not in ids]
        for node_id in ids:
            entry = self.every.get(node_id)
            if entry is not None:  # every other id's place is as it was
                ordered = self.by_name.setdefault(entry[0], [])
                ordered.insert(bisect.bisect_left(ordered, self._placed(node_id), key=self._placed), node_id)
        self._by_id.clear()
        with self._kept_lock:
            self._kept.clear()
            self._version += 1
        return True

    def _placed(self, node_id: str) -> str:
        return _place(self.every[node_id][1], node_id)

    def ids(self, label: str, day: dt.date, order: str) -> OrderedIds:
        """The ids of `label` valid on `day`, in the order `order` ("name", "name_desc" or "id");
        the last KEPT_LISTS asked for are kept."""
        key = (label, day, order)
        with self._kept_lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
            version = self._version
        made = self._ids(label, day, order)
        with self._kept_lock:
            if version == self._version:  # not made from lists an update has changed since
                self._kept[key] = made
                if len(self._kept) > KEPT_LISTS:
                    self._kept.popitem(last=False)
        return made

    def _ids(self, label: str, day: dt.date, order: str) -> OrderedIds:
        if order == "id":
            if label not in self._by_id:
                self._by_id[label] = sorted(self.by_name.get(label, ()))
            ordered = self._by_id[label]
        else:
            ordered = self.by_name.get(label, [])
        every = self.every
        valid = []
        for node_id in ordered:
            _, _, valid_from, valid_to = every[node_id]
            if (valid_from is None or valid_from <= day) and (valid_to is None or valid_to >= day):
                valid.append(node_id)
        return OrderedIds(valid[::-1] if order == "name_desc" else valid)


def listed_ids(engine: "Engine", label: str, day: dt.date, order: str) -> OrderedIds | None:
    """ListOrder's ids when the engine answers lists from a current line index (LadybugDB); None
    otherwise: the caller reads and orders them itself."""
    from .name_search import for_index
    from .traversals import _index
    index = _index("list_nodes", engine)
    return None if index is None else for_index(engine, index, ListOrder).ids(label, day, order)
