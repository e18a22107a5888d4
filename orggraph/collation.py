"""Norwegian sorting and matching: æ, ø, å come after z; case and other accents do not count."""
from __future__ import annotations

import unicodedata

# Sort keys for the three Norwegian letters, placed after z (code points after 'z').
_AFTER_Z = {"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"}


def sort_key(text: str | None) -> tuple:
    """Key for sorting names as a Norwegian reader expects; empty values sort last."""
    if text is None:
        return (1, "")
    out = []
    for char in str(text).casefold():
        if char in _AFTER_Z:
            out.append(_AFTER_Z[char])
        else:  # é → e, ü → u: strip the accent, keep the letter
            out.append("".join(c for c in unicodedata.normalize("NFD", char)
                               if not unicodedata.combining(c)))
    return (0, "".join(out))


def fold(text: str) -> str:
    """Form for matching: case- and diacritic-insensitive (æ→ae, ø→o, å→a)."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
