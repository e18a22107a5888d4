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
from itertools import accumulate
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Iterable, Optional

from orggraph.collation import fold, order_key

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row

    from .line_index import LineIndex

SEPARATOR = "\x00"
#: FoldedSearch numbers names this far apart
GAP = 1 << 16


class NameSearch:
    def __init__(self, every: dict[str, tuple[str, Optional[str], Optional[dt.date], Optional[dt.date]]]):
        entries = sorted((name, node_id) for node_id, (_, name, _, _) in every.items() if name is not None)
        self.entries = entries
        self.every = every
        self.lowered = [name.lower() for name, _ in entries]
        self._join()

    def _join(self) -> None:
        lowered = self.lowered
        self.usable = not any(SEPARATOR in name for name in lowered)
        self.starts = list(accumulate((len(name) + 1 for name in lowered), initial=0))[:-1]
        self.text = SEPARATOR.join(lowered) + SEPARATOR

    def update(self, ids: set[str]) -> bool:
        """Follow a refresh of the index: these ids' names out, their present ones in, in order."""
        kept = [at for at, (_, node_id) in enumerate(self.entries) if node_id not in ids]
        self.entries = [self.entries[at] for at in kept]
        self.lowered = [self.lowered[at] for at in kept]
        for node_id in ids:
            entry = self.every.get(node_id)
            if entry is not None and entry[1] is not None:
                at = bisect.bisect_left(self.entries, (entry[1], node_id))
                self.entries.insert(at, (entry[1], node_id))
                self.lowered.insert(at, entry[1].lower())
        self._join()
        return True

    def search(self, text: str, day: dt.date, first: int) -> list["Row"]:
        needle = text.lower()
        if SEPARATOR in needle or first <= 0 or not self.entries:  # (the empty text is in "\x00")
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


def for_index(engine: "Engine", index: "LineIndex", kind: type) -> Any:
    """The index's search (or list order) of this kind, made on first use. When the index has
    moved to a new generation by refreshing a few ids, it follows them (`kind.update`) with the ids
    the engine's writes since declared (`Engine.touched_since`: those the index refreshed); when
    the index was rebuilt (a new one, made afresh) or those writes are not all remembered, it is
    made again (a second or more at national scale: every name sorted)."""
    attribute = f"_{kind.__name__}"
    made = getattr(index, attribute, None)
    if made is not None and made[0] != index.generation:
        ids = engine.touched_since(made[0])
        try:
            followed = ids is not None and made[1].update(ids)
        except BaseException:
            delattr(index, attribute)  # half updated: never kept
            raise
        made = (index.generation, made[1]) if followed else None
        setattr(index, attribute, made)
    if made is None:
        made = (index.generation, kind(index.every))
        setattr(index, attribute, made)
    return made[1]


def _ordered(key: str, node_id: str) -> str:
    """A name's place in Norwegian order, ties by id: `order_key(name)` then the id, as one string
    (compared faster than a tuple)."""
    return key + node_id


class FoldedSearch:
    """The API's `search` from the same index: every word of the text in the folded name (case and
    accents ignored, "odegard" finds "Ødegård"), best first by `collation.rank`, ties in Norwegian
    order then by id: the order api/questions.py gives the rows of its statement.

    Names are numbered in that order, and each word of a folded name points to the names holding
    it. A word of the text lies inside one word of a name (neither holds a space), so the names
    holding it are those of the name words that hold it, found with `str.find` over the distinct
    name words (a few thousand, not every name); sets of numbers are intersected in C, the rarest
    word's first, and once few names are left the next word is looked for in them. Ranks come
    from sets too: names that begin with the text (a range of the names sorted by their folded
    form), names where each word begins a name word, the rest. Each rank's numbers, sorted, are the
    Norwegian order, walked until `first` valid ones are found. Ranking every name that held the
    rarest word in Python took up to 0.4 s for "avdeling 8" at scale 0.25."""

    def __init__(self, every: dict[str, tuple[str, Optional[str], Optional[dt.date], Optional[dt.date]]]):
        # many nodes share a name ("Barnevern" in every municipality): each name is worked out once
        names = {entry[1] for entry in every.values() if entry[1] is not None}
        order = {name: order_key(name) for name in names}  # `sort_key`'s order, as one string
        folding = {name: fold(name) for name in names}
        named = sorted(((_ordered(order[entry[1]], node_id), node_id, entry[1]) for node_id, entry in every.items()
                        if entry[1] is not None), key=itemgetter(0))
        self.every = every
        # a name's number: its place in Norwegian order times GAP, so that a name added later can
        # take a number between its neighbours' (update) and sorted numbers stay in that order
        self.in_order = list(range(0, len(named) * GAP, GAP))
        self.id_of = {number: node_id for number, (_, node_id, _) in zip(self.in_order, named)}
        self.number_of = {node_id: number for number, node_id in self.id_of.items()}
        self.folded = {number: folding[name] for number, (_, _, name) in zip(self.in_order, named)}
        postings: dict[str, list[int]] = {}
        for number, name in self.folded.items():
            for word in set(name.split()):
                postings.setdefault(word, []).append(number)
        self.words = list(postings)
        self.word_at = {word: at for at, word in enumerate(self.words)}
        self.postings = list(postings.values())
        self.usable = not any(SEPARATOR in word for word in self.words)
        self.word_starts = list(accumulate((len(word) + 1 for word in self.words), initial=1))[:-1]
        self.word_text = SEPARATOR + SEPARATOR.join(self.words) + SEPARATOR
        self.by_folded = sorted(self.in_order, key=self.folded.__getitem__)
        self.folded_sorted = [self.folded[number] for number in self.by_folded]

    def _add_word(self, word: str, numbers: list[int]) -> list[int]:
        self.usable = self.usable and SEPARATOR not in word
        self.word_at[word] = len(self.words)
        self.words.append(word)
        self.postings.append(numbers)
        self.word_starts.append(len(self.word_text))
        self.word_text += word + SEPARATOR
        return numbers

    def _order_of(self, number: int) -> str:
        node_id = self.id_of[number]
        return _ordered(order_key(self.every[node_id][1]), node_id)  # type: ignore[arg-type]

    def update(self, ids: set[str]) -> bool:
        """Follow a refresh of the index: these ids' names out, their present ones in, each new one
        numbered between its neighbours in Norwegian order. False if two neighbours' numbers left
        no room (some 16 names were added at one place): then it is made again."""
        for node_id in ids:
            number = self.number_of.pop(node_id, None)
            if number is None:
                continue
            name = self.folded.pop(number)
            del self.id_of[number]
            del self.in_order[bisect.bisect_left(self.in_order, number)]
            at = self.by_folded.index(number, bisect.bisect_left(self.folded_sorted, name))
            del self.by_folded[at]
            del self.folded_sorted[at]
            for word in set(name.split()):
                self.postings[self.word_at[word]].remove(number)
        for node_id in sorted(ids):
            entry = self.every.get(node_id)
            if entry is None or entry[1] is None:
                continue
            at = bisect.bisect_left(self.in_order, _ordered(order_key(entry[1]), node_id), key=self._order_of)
            low = self.in_order[at - 1] if at else None
            high = self.in_order[at] if at < len(self.in_order) else None
            if low is None or high is None:
                number = 0 if low is None and high is None else (high - GAP if low is None else low + GAP)
            elif high - low < 2:
                return False
            else:
                number = (low + high) // 2
            name = fold(entry[1])
            self.in_order.insert(at, number)
            self.id_of[number], self.number_of[node_id], self.folded[number] = node_id, number, name
            at = bisect.bisect_right(self.folded_sorted, name)
            self.by_folded.insert(at, number)
            self.folded_sorted.insert(at, name)
            for word in set(name.split()):
                known = self.word_at.get(word)
                (self.postings[known] if known is not None else self._add_word(word, [])).append(number)
        return True

    def _words_holding(self, word: str) -> list[tuple[int, bool]]:
        """The name words that hold `word`: (their place in self.words, whether they begin with it)."""
        found, text, position = [], self.word_text, 0
        while (at_char := text.find(word, position)) >= 0:
            at = bisect.bisect_right(self.word_starts, at_char) - 1
            found.append((at, at_char == self.word_starts[at]))
            position = self.word_starts[at + 1] if at + 1 < len(self.word_starts) else len(text)
        return found

    def search(self, whole: str, types: Optional[Iterable[str]], day: dt.date, first: int) -> list[str]:
        """The ids of the best `first` valid nodes (of `types`, if given) for the folded text `whole`."""
        words = whole.split()
        if not words or SEPARATOR in whole or first <= 0:
            return []
        holding = {word: self._words_holding(word) for word in set(words)}
        size = {word: sum(len(self.postings[at]) for at, _ in found) for word, found in holding.items()}
        anywhere: set[int] = set()
        beginning: set[int] = set()
        for step, word in enumerate(sorted(holding, key=size.__getitem__)):  # the rarest word first
            if step and len(anywhere) * 8 < size[word]:
                # few names left: look in them, rather than gather the word's many names
                name_of = self.folded
                anywhere = {number for number in anywhere if word in name_of[number]}
                beginning = {number for number in beginning
                             if any(part.startswith(word) for part in name_of[number].split())}
            else:
                having: set[int] = set()
                starting: set[int] = set()
                for at, begins in holding[word]:
                    having.update(self.postings[at])
                    if begins:
                        starting.update(self.postings[at])
                anywhere, beginning = (having, starting) if not step else (anywhere & having, beginning & starting)
            if not anywhere:
                return []
        # names that are the text, or begin with it: a range of the names in folded order
        folded = self.folded_sorted
        low = bisect.bisect_left(folded, whole)
        high = bisect.bisect_left(folded, True, low, key=lambda name: not name.startswith(whole))
        same = bisect.bisect_right(folded, whole, low, high)
        exact, prefix = set(self.by_folded[low:same]), set(self.by_folded[same:high])
        ranks = (exact, prefix, beginning - exact - prefix, anywhere - beginning - exact - prefix)
        wanted = set(types or ())
        found: list[str] = []
        for numbers in ranks:
            for number in sorted(numbers):
                node_id = self.id_of[number]
                node_type, _, valid_from, valid_to = self.every[node_id]
                if (not wanted or node_type in wanted) and (valid_from is None or valid_from <= day) \
                        and (valid_to is None or valid_to >= day):
                    found.append(node_id)
                    if len(found) == first:
                        return found
        return found


def folded_search(engine: "Engine", whole: str, types: Optional[Iterable[str]], day: dt.date,
                  first: int) -> list[str] | None:
    """FoldedSearch's ids when the engine answers `search_by_name` from a current line index
    (LadybugDB); None otherwise: the caller then ranks every valid name itself."""
    from .traversals import _index
    index = _index("search_by_name", engine)
    if index is None:
        return None
    search = for_index(engine, index, FoldedSearch)
    return search.search(whole, types, day, first) if search.usable else None
