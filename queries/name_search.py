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
from typing import TYPE_CHECKING, Any, Iterable, Optional

from orggraph.collation import fold, rank, sort_key

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row

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


def for_index(index: "LineIndex", kind: type = NameSearch) -> Any:
    """The index's search of this kind, made on first use and remade if the index moved to a new
    generation."""
    attribute = f"_{kind.__name__}"
    made = getattr(index, attribute, None)
    if made is None or made[0] != index.generation:
        made = (index.generation, kind(index.every))
        setattr(index, attribute, made)
    return made[1]


class FoldedSearch:
    """The API's `search` from the same index: every word of the text in the folded name (case and
    accents ignored, "odegard" finds "Ødegård"), best first by `collation.rank`, ties in Norwegian
    order then by id: the order api/questions.py gives the rows of its statement.

    All folded names are kept in one string; the longest word is found with `str.find` (C speed)
    and only the names holding it are ranked, so a rare word costs one pass over the string."""

    def __init__(self, every: dict[str, tuple[str, Optional[str], Optional[dt.date], Optional[dt.date]]]):
        self.every = every
        self.ids = [node_id for node_id, entry in every.items() if entry[1] is not None]
        self.folded = [fold(every[node_id][1]) for node_id in self.ids]
        self.usable = not any(SEPARATOR in name for name in self.folded)
        self.starts: list[int] = []
        position = 0
        for name in self.folded:
            self.starts.append(position)
            position += len(name) + 1
        self.text = SEPARATOR.join(self.folded) + SEPARATOR

    def search(self, whole: str, types: Optional[Iterable[str]], day: dt.date, first: int) -> list[str]:
        """The ids of the best `first` valid nodes (of `types`, if given) for the folded text `whole`."""
        words = whole.split()
        if not words or SEPARATOR in whole:
            return []
        wanted = set(types or ())
        # the word found in the fewest places (counted at C speed): fewest names to rank
        needle = words[0] if len(words) == 1 else min(words, key=self.text.count)
        hits = []
        position, end = 0, len(self.text)
        while position < end:
            found = self.text.find(needle, position)
            if found < 0:
                break
            entry = bisect.bisect_right(self.starts, found) - 1
            node_id = self.ids[entry]
            node_type, name, valid_from, valid_to = self.every[node_id]
            if (not wanted or node_type in wanted) and (valid_from is None or valid_from <= day) \
                    and (valid_to is None or valid_to >= day):
                score = rank(self.folded[entry], words, whole)
                if score is not None:
                    hits.append((score, sort_key(name), node_id))
            position = self.starts[entry + 1] if entry + 1 < len(self.starts) else end
        return [hit[2] for hit in sorted(hits)[:first]]


def folded_search(engine: "Engine", whole: str, types: Optional[Iterable[str]], day: dt.date,
                  first: int) -> list[str] | None:
    """FoldedSearch's ids when the engine answers `search_by_name` from a current line index
    (LadybugDB); None otherwise: the caller then ranks every valid name itself."""
    from .traversals import _index
    index = _index("search_by_name", engine)
    if index is None:
        return None
    search = for_index(index, FoldedSearch)
    return search.search(whole, types, day, first) if search.usable else None
