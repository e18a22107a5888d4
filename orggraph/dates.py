"""Dates as orggraph reads them: YYYY-MM-DD and nothing else.

Python 3.11's `date.fromisoformat` also takes ISO's basic and week forms ("20171231",
"2017W011"), which nobody writing a municipality's history means and every message here
describes as YYYY-MM-DD: one parser for the loader, the API, the queries and the charts."""
from __future__ import annotations

import datetime as dt
import re

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(text: str) -> dt.date:
    """The day `text` names as YYYY-MM-DD; ValueError for anything else (or no such day)."""
    if not isinstance(text, str) or not _DAY.fullmatch(text):
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    return dt.date.fromisoformat(text)
