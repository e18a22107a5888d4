"""Search by name from the line index (LadybugDB): `search_by_name` without scanning every table.

On LadybugDB `search_by_name.cypher` reads and lower-cases every name of every table for each
question (85 ms at scale 0.25, 235 ms at full scale). The line index already holds every node's
type, name and period, so this keeps, per index, all names lower-cased in one string in
(name, id) order, separated by a character no name may hold (control characters are refused by
the loader and the API). A search is `str.find` over that string (C speed) and walks the matches
in the order the statement's `ORDER BY name, n.id` gives, stopping at `first` valid ones: the
same rows as the statement, which lower-cases with the engine's `lower()` (the same as Python's
`str.lower` for Norwegian text).
"""
from __future__ import annotations

import bisect
import datetime as dt
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from orggraph.engine.base import Row

    from .line_index import LineIndex

SEPARATOR = "\x00"


class NameSearch:
    def __init__(self, every: dict[str, tuple[str, Optional[str], Optional[dt.date], Optional[dt.date]]]):
        entries = sorted((name, node_id) for node_id, (_, name, _, _) in every.items() if name is not None)
        self.entries = entries
        self.every = every
        lowered = [name.lower() for name, _ in entries]
        self.usable = not any(SEPARATOR in name for name in lowered)
        self.starts: list[int] = []
        position = 0
        for name in lowered:
            self.starts.append(position)
            position += len(name) + 1
        self.text = SEPARATOR.join(lowered) + SEPARATOR

    def search(self, text: str, day: dt.date, first: int) -> list["Row"]:
        needle = text.lower()
        if SEPARATOR in needle or first <= 0:
            return []
        rows: list["Row"] = []
        position, end = 0, len(self.text)
        while len(rows) < first and position < end:
            found = self.text.find(needle, position)
            if found < 0:
                break
            entry = bisect.bisect_right(self.starts, found) - 1
            name, node_id = self.entries[entry]
            node_type, _, valid_from, valid_to = self.every[node_id]
            if (valid_from is None or valid_from <= day) and (valid_to is None or valid_to >= day):
                rows.append({"id": node_id, "type": node_type, "name": name})
            # on to the next name: a name matches once however often the text occurs in it
            position = self.starts[entry + 1] if entry + 1 < len(self.starts) else end
        return rows


def for_index(index: "LineIndex") -> NameSearch:
    """The index's name search, made on first use and remade if the index moved to a new generation."""
    made = getattr(index, "_name_search", None)
    if made is None or made[0] != index.generation:
        made = (index.generation, NameSearch(index.every))
        index._name_search = made  # type: ignore[attr-defined]
    return made[1]
