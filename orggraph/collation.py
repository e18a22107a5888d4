"""Norwegian ordering and accent-blind matching, done in Python because neither engine collates.

Norwegian sorts æ, ø, å after z (and treats ä as æ, ö as ø, ü as y); other
accents sort as their base letter, and case does not count. `fold` is for
matching, not ordering: case and diacritics go, æ becomes "ae", ø and oe "o", å and
aa "a", so "odegard" and "Oedegaard" find "Ødegård".
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Private-use code points sort after every letter, in this order.
_AE, _OE, _AA = "\U000F0001", "\U000F0002", "\U000F0003"
_ORDER = str.maketrans({"æ": _AE, "ä": _AE, "ø": _OE, "ö": _OE, "å": _AA, "ü": "y"})
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"})


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed.isascii():  # no marks to strip (most names): skip the walk over each character
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(text: str | None) -> tuple[bool, str, str]:
    """Orders strings as a Norwegian dictionary does; ties break on the exact text; None last."""
    value = text or ""
    if value.isascii():  # the same key, without normalising, translating and stripping nothing
        return text is None, value.lower(), value
    low = unicodedata.normalize("NFC", value).casefold().translate(_ORDER)
    return text is None, _strip_marks(low), value


# A list ordered by name asks for every match's key on every request: kept for the names seen
# last (up to ~80 MB at national scale).
@lru_cache(maxsize=1 << 18)
def order_key(text: str) -> str:
    """`sort_key` as one string, compared in C rather than as a tuple (a list of 49 000 units
    ordered in a third of the time): the folded text, then the text, each ended by U+0000, which
    sorts before every character a value may hold (control characters are refused on input)."""
    _, folded, exact = sort_key(text)
    return f"{folded}\0{exact}\0"


#: the first character of every stored sort key: which `fold` and `order_key` wrote the keys a
#: Neo4j node keeps (schema.model.DERIVED). Change it whenever either function gives other
#: results (tests/test_collation.py keeps a fingerprint of both): at its next start, orggraph
#: writes every key made by another version again (orggraph.engine.neo4j). A constant first
#: character orders nothing differently.
KEY_VERSION = "\x02"

#: the most characters of a stored sort key: Neo4j refuses index keys over ~8 kB, and each
#: character here is one byte of UTF-8, at most two bytes stored
STORED_KEY_LIMIT = 3000


def stored_order_key(name: str | None, node_id: str) -> str:
    """What a list ordered by name sorts a node by (`order_key` of its name, else its id, then the
    id: the order api/pagination.py gives), as a string any engine orders as Python does: the
    UTF-8 bytes, one character each. Neo4j compares strings by UTF-16 code units, which puts
    U+E000..U+FFFF after the private-use letters `order_key` maps æ, ø and å to; code points below
    U+0100 order alike either way. It begins with KEY_VERSION. Cut at STORED_KEY_LIMIT: a key that
    long may tie with another where the whole keys do not (api/keyed_pages.py then orders the list
    in Python)."""
    whole = (order_key(name or node_id) + node_id).encode("utf-8").decode("latin-1")
    return (KEY_VERSION + whole)[:STORED_KEY_LIMIT]


def fold(text: str | None) -> str:
    """Lower-case, accent-free form for matching. The old spellings aa for å and oe for ø fold as
    those letters do, so "Aalesund" finds "Ålesund" and "oedegaard" "Ødegård" (and "Moen" folds
    as "mon": both sides of a match fold alike)."""
    plain = _strip_marks((text or "").casefold().translate(_FOLD))
    return " ".join(plain.replace("aa", "a").replace("oe", "o").split())


def rank(folded_name: str, words: list[str], whole: str) -> int | None:
    """How well a folded name matches a folded search text (`whole`, split into `words`): None if
    some word is not in it; else 0 the whole name, 1 a prefix, 2 every word starts a word, 3 anywhere."""
    if not all(w in folded_name for w in words):
        return None
    if folded_name == whole:
        return 0
    if folded_name.startswith(whole):
        return 1
    tokens = folded_name.split()
    if all(any(t.startswith(w) for t in tokens) for w in words):
        return 2
    return 3
