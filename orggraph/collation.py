"""Norwegian ordering and accent-blind matching, done in Python because neither engine collates.

Norwegian sorts æ, ø, å after z (and treats ä as æ, ö as ø, ü as y); other
accents sort as their base letter, and case does not count. `fold` is for
matching, not ordering: case and diacritics go, æ becomes "ae", ø "o" and å
"a", so "odegard" finds "Ødegård".
"""
from __future__ import annotations

import unicodedata

# Private-use code points sort after every letter, in this order.
_AE, _OE, _AA = "\U000F0001", "\U000F0002", "\U000F0003"
_ORDER = str.maketrans({"æ": _AE, "ä": _AE, "ø": _OE, "ö": _OE, "å": _AA, "ü": "y"})
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"})


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def sort_key(text: str | None) -> tuple[bool, str, str]:
    """Orders strings as a Norwegian dictionary does; ties break on the exact text; None last."""
    value = text or ""
    low = unicodedata.normalize("NFC", value).casefold().translate(_ORDER)
    return text is None, _strip_marks(low), value


def fold(text: str | None) -> str:
    """Lower-case, accent-free form for matching."""
    return " ".join(_strip_marks((text or "").casefold().translate(_FOLD)).split())
